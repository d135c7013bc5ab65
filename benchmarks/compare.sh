#!/usr/bin/env bash
# Pingstream beside fping, ping (iputils) and the C reference loops, in one run on this machine.
# Prints a table of ratios; every raw RESULT line and tool output stays in benchmarks/target/compare/.
#
# usage: benchmarks/compare.sh [--smoke] [--duration SECONDS] [--runs N] [--no-build]
#   --smoke       tiny sizes, one run each: checks that everything works (about 15 s), no figures
#   --duration    length of the continuous scenario (default 60; 2 with --smoke)
#   --runs        runs of each short measurement; the table shows medians (default 3)
#   --no-build    use the existing benchmarks/target/benchmarks.jar
#
# Needs root (RAW sockets), a JDK 17, Maven, gcc; fping and ping rows are skipped when missing.
# Sends only to loopback: 127.0.0.1 and 127.x.y.z targets listed in the target files it writes.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0 duration= runs=3 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --duration) duration="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --no-build) build=0 ;;
    *) echo "usage: $0 [--smoke] [--duration SECONDS] [--runs N] [--no-build]" >&2; exit 2 ;;
  esac
  shift
done
if [ "$smoke" = 1 ]; then
  burst_probes=5000 burst_targets=100 fping_count=50 cont_targets=1000 scale_targets=5000
  lat_count=1000 duration=${duration:-2} runs=1 java_rounds="--warmup 1 --rounds 1"
else
  burst_probes=100000 burst_targets=1000 fping_count=65 cont_targets=10000 scale_targets=100000
  lat_count=20000 duration=${duration:-60} java_rounds=""
fi
[[ "$duration" =~ ^[0-9]+$ && "$duration" -ge 1 && "$duration" -le 600 ]] || { echo "--duration must be 1..600" >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ && "$runs" -ge 1 && "$runs" -le 9 ]] || { echo "--runs must be 1..9" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "compare.sh needs root: every tool here uses RAW ICMP sockets" >&2; exit 2; }

out=benchmarks/target/compare
mkdir -p "$out"
results="$out/results.txt"
: >"$results"
note() { echo "$*" | tee -a "$out/notes.txt" >&2; }
: >"$out/notes.txt"
have() { command -v "$1" >/dev/null; }

# ---- build ----
jar=benchmarks/target/benchmarks.jar
if [ "$build" = 1 ] || [ ! -f "$jar" ]; then
  mvn -B -q -ntp package -DskipTests -pl benchmarks -am
fi
mkdir -p benchmarks/target/c
gcc -O2 -Wall -pthread -o benchmarks/target/c/pingpong benchmarks/c/pingpong.c
gcc -O2 -Wall -pthread -o benchmarks/target/c/burst benchmarks/c/burst.c
java_main() { local main=$1; shift; java "${java_opts[@]}" -cp "$jar" "io.pingstream.benchmarks.$main" "$@"; }
java_opts=()

# ---- target lists, numbered as the Java Targets class and burst.c do ----
targets() { # targets FILE COUNT burst|scale [FIRST]
  awk -v n="$2" -v kind="$3" -v first="${4:-0}" 'BEGIN {
    for (i = first; i < first + n; i++)
      if (kind == "burst") printf "127.1.%d.%d\n", 1 + int(i / 250), 1 + i % 250
      else printf "127.%d.%d.%d\n", 10 + int(i / 62500), 1 + int(i / 250) % 250, 1 + i % 250 }' >"$1"
  if grep -qv '^127\.' "$1"; then echo "target list $1 holds a non-loopback address" >&2; exit 1; fi
}

now_ns() { date +%s%N; }
run=1
# Every RESULT line carries the run it belongs to, so that ratios can be taken within a run.
record() { echo "RESULT $* run=$run" | tee -a "$results"; }
collect() { sed "/^RESULT /s/\$/ run=$run/" | tee -a "$results"; }

# fping -q summaries ("addr : xmt/rcv/%loss = 65/65/0%, ...") of the files given, summed: "xmt rcv"
fping_sum() { cat "$@" | sed -n 's/.*xmt\/rcv\/%loss = \([0-9]*\)\/\([0-9]*\)\/.*/\1 \2/p' | awk '{x += $1; r += $2} END {print x + 0, r + 0}'; }

# run_fping TOOL SCENARIO "FPING ARGS" FILE...: one fping per target file, all at once; wall time,
# CPU (user + sys of the children, from getrusage via bash's time) and the summed summaries.
run_fping() {
  local tool=$1 scenario=$2 config=$3; shift 3
  local start end cpu i=0
  local TIMEFORMAT='%U %S'
  start=$(now_ns)
  cpu=$( { time (
    for f in "$@"; do
      # shellcheck disable=SC2086
      fping $config -q -f "$f" >/dev/null 2>"$out/fping.$i.err" &
      i=$((i + 1))
    done
    wait
  ) ; } 2>&1 | awk '{print $1 + $2}')
  end=$(now_ns)
  read -r xmt rcv < <(fping_sum "$out"/fping.*.err)
  local error
  error=$(grep -h -m1 'error' "$out"/fping.*.err | head -1 || true)
  rm -f "$out"/fping.*.err
  local wall
  wall=$(awk -v ns=$((end - start)) 'BEGIN {printf "%.3f", ns / 1e9}')
  if [ -n "$error" ]; then
    note "fping ($tool: fping $config, $# process(es)) refused: $error"
    record "scenario=$scenario tool=$tool config=${config// /_} procs=$# refused=1"
    return
  fi
  record "scenario=$scenario tool=$tool config=${config// /_} procs=$# probes=$xmt replies=$rcv loss=$((xmt - rcv)) wall_s=$wall" \
    "rate=$(awk -v r="$rcv" -v w="$wall" 'BEGIN {printf "%.0f", r / w}')" \
    "cpu_s=$cpu cpu_s_per_1000=$(awk -v c="$cpu" -v x="$xmt" 'BEGIN {printf "%.4f", x ? c / (x / 1000) : 0}')" \
    "cpu_us_per_probe=$(awk -v c="$cpu" -v x="$xmt" 'BEGIN {printf "%.2f", x ? c * 1e6 / x : 0}')" \
    "core_pct=$(awk -v c="$cpu" -v w="$wall" 'BEGIN {printf "%.1f", 100 * c / w}')"
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r)," \
  "$(java -version 2>&1 | head -1), rmem_max $(sysctl -n net.core.rmem_max), load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"

# ---- 1. burst ----
echo "== burst: $burst_probes probes over $burst_targets targets 127.1.x.y"
targets "$out/burst.txt" "$burst_targets" burst
half=$((burst_targets / 2))
targets "$out/burst.a.txt" "$half" burst
targets "$out/burst.b.txt" "$((burst_targets - half))" burst "$half"
for run in $(seq "$runs"); do
  for window in 256 1024; do
    # shellcheck disable=SC2086
    java_main Burst --probes "$burst_probes" --targets "$burst_targets" --window "$window" $java_rounds | collect
  done
  # Like fping, which stamps receive only: no kernel transmit timestamps.
  # shellcheck disable=SC2086
  java_main Burst --probes "$burst_probes" --targets "$burst_targets" --window 1024 --tx-timestamps off $java_rounds | collect
  # pingEach: 64 probes per sendmmsg(2) call; only with transmit stamps (without, it sends one by one).
  # shellcheck disable=SC2086
  java_main Burst --probes "$burst_probes" --targets "$burst_targets" --window 1024 --batch 64 $java_rounds | collect
  for mode in threads single mmsg; do
    benchmarks/target/c/burst "$burst_probes" "$burst_targets" 1000 4194304 "$mode" | collect
  done
  if have fping; then
    per_target=$((burst_probes / burst_targets))
    # One process cannot hold more than 65,535 probes in flight within its 10 s expiry: take the
    # most it accepts, and split the full burst over two processes. -t 1000: Pingstream's timeout
    # (with -c fping's own is the period, so a reply slower than -p would count as lost; with
    # -p 0 every one would).
    for period in 0 1 2 5; do
      run_fping fping-1proc burst "-c $fping_count -p $period -i 0 -t 1000" "$out/burst.txt"
    done
    for period in 2 5; do
      run_fping fping-2proc burst "-c $per_target -p $period -i 0 -t 1000" "$out/burst.a.txt" "$out/burst.b.txt"
    done
    if [ "$run" = 1 ]; then
      run_fping fping-1proc-full burst "-c $per_target -p 5 -i 0 -t 1000" "$out/burst.txt"
    fi
  fi
  if have ping; then
    start=$(now_ns)
    rcv=$(ping -f -q -c "$burst_probes" 127.0.0.1 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
    end=$(now_ns)
    wall=$(awk -v ns=$((end - start)) 'BEGIN {printf "%.3f", ns / 1e9}')
    record "scenario=burst tool=ping-flood targets=1 probes=$burst_probes replies=$rcv loss=$((burst_probes - rcv)) wall_s=$wall" \
      "rate=$(awk -v r="$rcv" -v w="$wall" 'BEGIN {printf "%.0f", r / w}')"
  fi
done

# ---- 2. continuous ----
run=1
echo "== continuous: $cont_targets targets at 1 probe/s for $duration s"
targets "$out/continuous.txt" "$cont_targets" burst
# Pacing: every target once per second, sent in 100 slots a second (10 ms), then in 1,000 (1 ms).
for tick in 10 1; do
  java_main Continuous --targets "$cont_targets" --duration "$duration" --tick-ms "$tick" | collect
done
# The same through the Reactor API, as an application writes it: Pinger.pingAll.
java_main ContinuousPinger --targets "$cont_targets" --duration "$duration" | collect
if have fping; then
  # 10,000 targets at 1 Hz need 100,000 sequence numbers per 10 s: more than one fping has.
  run_fping fping-1proc continuous "-c $duration -p 1000 -i 0" "$out/continuous.txt"
  half=$((cont_targets / 2))
  targets "$out/continuous.a.txt" "$half" burst
  targets "$out/continuous.b.txt" "$((cont_targets - half))" burst "$half"
  run_fping fping-2proc continuous "-c $duration -p 1000 -i 0" "$out/continuous.a.txt" "$out/continuous.b.txt"
fi

# ---- 3. scale ----
echo "== scale: one probe to each of $scale_targets targets 127.10.x.y onwards"
targets "$out/scale.txt" "$scale_targets" scale
half=$((scale_targets / 2))
targets "$out/scale.a.txt" "$half" scale
targets "$out/scale.b.txt" "$((scale_targets - half))" scale "$half"
for run in $(seq "$runs"); do
  java_opts=(-Xmx256m)
  java_main Scale --targets "$scale_targets" | collect
  java_opts=()
  if have fping; then
    [ "$run" = 1 ] && run_fping fping-1proc scale "-c 1 -i 0" "$out/scale.txt"
    run_fping fping-2proc scale "-c 1 -i 0" "$out/scale.a.txt" "$out/scale.b.txt"
  fi
done

# ---- 4. latency ----
echo "== latency: one probe at a time to 127.0.0.1"
for run in $(seq "$runs"); do
  java_main Latency --count "$lat_count" --warmup "$lat_count" | collect
  benchmarks/target/c/pingpong "$lat_count" 1000 single | collect
  benchmarks/target/c/pingpong "$lat_count" 1000 threads | collect
  if have ping; then
    # ping's own figure per reply (kernel receive stamp minus the time before sendto), 1 us steps.
    ping -c "$((lat_count / 10))" -i 0.001 127.0.0.1 | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -g >"$out/ping.times"
    n=$(wc -l <"$out/ping.times")
    p50=$(awk -v n="$n" 'NR == int(n * 0.50) + 1 {printf "%.1f", $1 * 1000}' "$out/ping.times")
    p99=$(awk -v n="$n" 'NR == int(n * 0.99) + 1 {printf "%.1f", $1 * 1000}' "$out/ping.times")
    record "scenario=latency tool=ping probes=$((lat_count / 10)) replies=$n loss=$((lat_count / 10 - n)) p50_us=$p50 p99_us=$p99"
  fi
done

# ---- table ----
benchmarks/report.sh "$results" | tee "$out/table.txt"
[ "$smoke" = 1 ] && echo "(smoke run: sizes too small for the figures to mean anything)"
exit 0
