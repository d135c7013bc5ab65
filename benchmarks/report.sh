#!/usr/bin/env bash
# Turns the RESULT lines compare.sh collected into the table of ratios: medians over runs, the
# best zero-loss configuration of each tool, and the targets.
#
# usage: benchmarks/report.sh benchmarks/target/compare/results.txt
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 RESULTS_FILE" >&2; exit 2; }

awk '
function median(group,    n, i, j, v, t) {
  n = count[group]
  for (i = 1; i <= n; i++) v[i] = value[group, i]
  for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
  return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function add(group, metric, val) {
  if (!((group, metric) in seen)) { seen[group, metric] = 1; order[metric, ++groups[metric]] = group }
  count[group SUBSEP metric]++
  value[group SUBSEP metric, count[group SUBSEP metric]] = val + 0
}
function m(group, metric) { return count[group SUBSEP metric] ? median(group SUBSEP metric) : "" }
function verdict(ok) { return ok ? "MET" : "NOT MET" }
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "n/a" }
# Best burst rate of the configurations whose name starts with prefix among those with zero loss
# in run r (a configuration that lost probes in another run still counts in this one).
function best(prefix, r,    i, g, b) {
  for (i = 1; i <= groups["burst"]; i++) {
    g = order["burst", i]
    if (index(g, prefix) == 1 && !(g in refused) && ((g, r) in rate) && runloss[g, r] == 0 && rate[g, r] > b) b = rate[g, r]
  }
  return b
}
# Prints the ratio of the best burst rates of two tool families in every run, their median and the verdict.
function within(a, b, label, target, op,    r, n, list, v, x, i, j, t, med) {
  n = 0; list = ""
  for (r = 1; r <= maxrun; r++) if (best(a, r) > 0 && best(b, r) > 0) { v[++n] = best(a, r) / best(b, r); list = list sprintf(" %.2f", v[n]) }
  if (!n) return
  for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
  med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  printf "    %-52s runs:%s  median %.2f", label, list, med
  if (op == ">=") printf "   target >= %s: %s", target, verdict(med >= target)
  printf "\n"
}

/^RESULT / {
  delete f
  for (i = 2; i <= NF; i++) { k = substr($i, 1, index($i, "=") - 1); f[k] = substr($i, index($i, "=") + 1) }
  s = f["scenario"]; tool = f["tool"]
  if (s == "burst") {
    group = tool (tool == "pingstream" ? " window=" f["window"] : "") (f["batch"] + 0 > 1 ? " pingEach=" f["batch"] : "") (("config" in f) ? " " f["config"] : "")
    if (f["refused"]) { refused[group] = 1; add(group, "burst", 0); next }
    rate[group, f["run"]] = f["rate"] + 0; runloss[group, f["run"]] = f["loss"] + 0; if (f["run"] + 0 > maxrun) maxrun = f["run"] + 0
    add(group, "burst", f["rate"]); add(group, "cpu", f["cpu_us_per_probe"]); if (f["loss"] + 0 > maxloss[group]) maxloss[group] = f["loss"] + 0
    probes[group] = f["probes"]
  } else if (s == "continuous") {
    group = tool (("tick_ms" in f) ? " tick=" f["tick_ms"] "ms" : "")
    if (f["refused"]) { refused[group] = 1; add(group, "continuous", 0); next }
    add(group, "continuous", f["core_pct"])
    for (k in f) cont[group, k] = f[k] ~ /^-?[0-9.]+$/ ? f[k] + 0 : f[k]
  } else if (s == "scale") {
    group = tool
    if (f["refused"]) { refused[group] = 1; add(group, "scale", 0); next }
    add(group, "scale", f["wall_s"]); add(group, "heap", f["peak_heap_mib"] + 0); add(group, "warm", f["warm_wall_s"] + 0)
    # The warm round is reported too: its loss counts as the cold one does.
    if (f["loss"] + f["warm_loss"] > scaleloss[group]) scaleloss[group] = f["loss"] + f["warm_loss"]
  } else if (s == "latency") {
    group = tool
    add(group, "p50", f["p50_us"]); add(group, "p99", f["p99_us"])
    lat[tool, f["run"]] = f["p50_us"] + 0
    if (tool == "pingstream") { add(group, "rtt_p50", f["rtt_p50_us"]); add(group, "alloc", f["alloc_bytes_per_probe"]); source = f["source"] }
  }
}

END {
  print ""
  print "1. BURST: replies/s from first send to last reply (median of runs; a row counts only with zero loss)"
  printf "  %-52s %10s %8s %8s %12s\n", "tool / configuration", "replies/s", "max loss", "probes", "CPU us/probe"
  for (i = 1; i <= groups["burst"]; i++) {
    g = order["burst", i]; r = m(g, "burst")
    if (g in refused) { printf "  %-52s %10s\n", g, "refused"; continue }
    printf "  %-52s %10.0f %8d %8d %12s\n", g, r, maxloss[g], probes[g], (m(g, "cpu") > 0 ? sprintf("%.2f", m(g, "cpu")) : "-")
    if (maxloss[g] > 0) continue
    if (g ~ /^pingstream/ && r > ps) { ps = r; psg = g }
    if (g ~ /^fping/ && r > fp) { fp = r; fpg = g }
    if (g ~ /^c-burst/ && r > cb) { cb = r; cbg = g }
    if (g ~ /^c-burst-threads/) ct = r
  }
  if (ps) {
    printf "  Pingstream best: %.0f/s (%s); fping best %.0f/s (%s); C best %.0f/s (%s)\n", ps, psg, fp, fpg, cb, cbg
    print "  Ratios within each run (best zero-loss configuration of each tool in that run), then their median:"
    within("pingstream", "fping", "Pingstream / fping best", 1.5, ">=")
    within("pingstream", "c-burst", "Pingstream / C best", 0.75, ">=")
    within("pingstream", "c-burst-threads", "Pingstream / C with a sender and a receive thread", 0, "")
    within("c-burst-threads", "fping", "(C with a sender and a receive thread / fping best)", 0, "")
  }
  print ""
  print "2. CONTINUOUS: 1 probe/s per target; CPU of the whole process (pingstream: after a warm-up second)"
  printf "  %-44s %8s %6s %9s %7s %11s %13s\n", "tool", "probes", "loss", "CPU s/1k", "% core", "heap MiB", "retained B/t"
  for (i = 1; i <= groups["continuous"]; i++) {
    g = order["continuous", i]
    if (g in refused) { printf "  %-44s refused (see notes.txt)\n", g; continue }
    heap = (g, "heap_start_mib") in cont ? cont[g, "heap_start_mib"] "->" cont[g, "heap_end_mib"] : "-"
    printf "  %-44s %8d %6d %9.4f %7.1f %11s %13s\n", g (((g, "config") in cont) ? " " cont[g, "config"] : ""),
      cont[g, "probes"], cont[g, "loss"], cont[g, "cpu_s_per_1000"], cont[g, "core_pct"], heap,
      (g, "retained_bytes_per_target") in cont ? cont[g, "retained_bytes_per_target"] : "-"
    if (g ~ /^pingstream/) {
      printf "    CPU split (s): sender %s, receive %s, GC %s, JIT %s\n", cont[g, "cpu_main_s"], cont[g, "cpu_receive_s"], cont[g, "cpu_gc_s"], cont[g, "cpu_jit_s"]
      # Probes a paced stream skipped were never sent: for the target, as good as lost.
      printf "    %.1f%% of one core (target <= 10%%: %s), loss %d and %d skipped (target 0: %s), retained %d B/target (target <= 1024: %s)\n",
        cont[g, "core_pct"], verdict(cont[g, "core_pct"] <= 10), cont[g, "loss"], cont[g, "skipped"], verdict(cont[g, "loss"] + cont[g, "skipped"] == 0),
        cont[g, "retained_bytes_per_target"], verdict(cont[g, "retained_bytes_per_target"] <= 1024)
      for (j = 1; j <= groups["continuous"]; j++) {
        h = order["continuous", j]
        if (h ~ /^fping/ && !(h in refused) && cont[h, "cpu_s_per_1000"] > 0)
          printf "    CPU per 1,000 probes / that of %s = %s\n", h, ratio(cont[g, "cpu_s_per_1000"], cont[h, "cpu_s_per_1000"])
      }
    }
  }
  print ""
  print "3. SCALE: one probe to each distinct target (median of runs)"
  printf "  %-14s %10s %12s %9s %14s\n", "tool", "wall s", "warm wall s", "max loss", "peak heap MiB"
  for (i = 1; i <= groups["scale"]; i++) {
    g = order["scale", i]
    if (g in refused) { printf "  %-14s refused (see notes.txt)\n", g; continue }
    printf "  %-14s %10.3f %12s %9d %14s\n", g, m(g, "scale"), g == "pingstream" ? sprintf("%.3f", m(g, "warm")) : "-", scaleloss[g], g == "pingstream" ? sprintf("%.1f", m(g, "heap")) : "-"
  }
  if (count["pingstream" SUBSEP "scale"]) {
    printf "  Pingstream: %.3f s cold (target <= 2 s: %s), max loss %d (target 0: %s), peak heap %.1f MiB under -Xmx256m (target <= 256: %s)\n",
      m("pingstream", "scale"), verdict(m("pingstream", "scale") <= 2), scaleloss["pingstream"], verdict(scaleloss["pingstream"] == 0),
      m("pingstream", "heap"), verdict(m("pingstream", "heap") <= 256)
  }

  print ""
  print "4. LATENCY: one probe at a time to 127.0.0.1, microseconds (median of runs)"
  printf "  %-22s %8s %8s\n", "tool", "p50", "p99"
  for (i = 1; i <= groups["p50"]; i++) {
    g = order["p50", i]; printf "  %-22s %8.1f %8.1f\n", g, m(g, "p50"), m(g, "p99")
  }
  if (count["pingstream" SUBSEP "p50"]) {
    printf "  %-22s %8.1f          (the RTT ping() reports, clock %s)\n", "pingstream rtt()", m("pingstream", "rtt_p50"), source
    p = m("pingstream", "p50")
    if (count["c-pingpong-single" SUBSEP "p50"]) printf "  Pingstream p50 / C ping-pong p50 = %s (medians)   target <= 1.5: %s\n", ratio(p, m("c-pingpong-single", "p50")), verdict(p <= 1.5 * m("c-pingpong-single", "p50"))
    if (count["c-pingpong-threads" SUBSEP "p50"]) printf "  Pingstream p50 / C ping-pong with a receive thread p50 = %s\n", ratio(p, m("c-pingpong-threads", "p50"))
    printf "  allocated per probe, all threads: %.0f B   target <= 1024: %s\n", m("pingstream", "alloc"), verdict(m("pingstream", "alloc") <= 1024)
  }
}' "$1"
