#!/usr/bin/env bash
# Compares two builds of the benchmarks jar on one scenario, runs interleaved (A B A B ...) so
# that the machine's drift hits both alike, and prints each run's RESULT fields and their medians.
#
#   benchmarks/ab.sh A.jar B.jar PAIRS Scenario [scenario arguments...]
#   benchmarks/ab.sh /tmp/A.jar /tmp/B.jar 5 ContinuousPinger --targets 10000 --duration 15
#
# Make A.jar and B.jar with `mvn -B -ntp -q package -DskipTests -pl benchmarks -am` and a copy
# of benchmarks/target/benchmarks.jar before and after the change. Sends only to loopback, as
# the scenarios do; run as root for RAW sockets.
set -euo pipefail

if [ $# -lt 4 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
jar_a=$1 jar_b=$2 pairs=$3 scenario=$4
shift 4
fields='cpu_main_s cpu_receive_s cpu_gc_s cpu_jit_s core_pct rate cpu_us_per_probe p50_us alloc_bytes_per_probe'
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for pair in $(seq "$pairs"); do
  for side in A B; do
    jar=$jar_a
    [ "$side" = B ] && jar=$jar_b
    line=$(java -cp "$jar" "io.pingstream.benchmarks.$scenario" "$@" 2>"$out/stderr" | grep '^RESULT' | tail -1 || true)
    if [ -z "$line" ]; then
      echo "pair $pair $side: no RESULT line (left out of the medians); its stderr:" >&2
      cat "$out/stderr" >&2
      continue
    fi
    echo "$line" >> "$out/$side"
    shown=""
    for field in $fields; do
      value=$(grep -o " $field=[^ ]*" <<< "$line" | cut -d= -f2 || true)
      [ -n "$value" ] && shown="$shown $field=$value"
    done
    echo "pair $pair $side:$shown"
  done
done

if [ ! -f "$out/A" ] || [ ! -f "$out/B" ]; then
  echo "no run of side A or B reported a RESULT line: nothing to compare" >&2
  exit 1
fi
echo "medians over the runs that reported (of $pairs each):"
for field in $fields; do
  for side in A B; do
    values=$(grep -o " $field=[^ ]*" "$out/$side" | cut -d= -f2 | sort -g || true)
    [ -z "$values" ] && continue
    # The middle value, or the mean of the two middle ones, as report.sh takes it.
    median=$(awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}' <<< "$values")
    printf '  %-24s %s %s\n' "$field" "$side" "$median"
  done
done
