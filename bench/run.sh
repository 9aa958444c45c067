#!/usr/bin/env bash
# Measures ours against bare Durable Functions in one run (issue 12), everything on 127.0.0.1, every phase bounded:
#   1. baseline, DTF's default settings   (bench/Baseline: one orchestrator racing CreateTimer against WaitForExternalEvent,
#   2. baseline, our host.json settings    one activity on lapse; DTF + Azure Storage, driven in-process)
#   3. ours: the real self-host (src/SelfHost, Release) over HTTP, host.json as shipped
# each on a fresh Azurite of its own, the same N and phases; the table goes to stdout and bench/RESULTS.md, and the last
# line printed is "bench: throughput_ratio=… overhead_ratio=… requests_ratio=… lateness_p99_s=… early=… idle_rps=… rss_10k_mb=…".
# Everything started here is stopped by PID on exit (Ctrl+C too). See bench/README.md.
# Usage: bench/run.sh [N]              N lifecycles per phase (default 500)
# Env:   BENCH_OPEN (10000)            tickets opened and left waiting on their timers for the RSS figure
#        BENCH_IDLE_SECONDS (60)       idle window; BENCH_CONCURRENCY (16) concurrent lifecycles
#        BENCH_PHASE_MINUTES (6)       bound of the reply phase and of the lapse opening; BENCH_OPEN_MINUTES (6) bound of the open phase
#        BENCH_LAPSE_BOUND (60)        a lapse later than this (s) after due counts as not lapsed
#        BENCH_SIDES ("baseline-default baseline-ours ours")  which sides to run (the report shows missing ones as failed)
#        BENCH_RESULTS (bench/RESULTS.md); BENCH_KEEP_LOGS=1 keeps the temp dir (logs, JSON results)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
source bench/lib.sh

n=${1:-500}
open=${BENCH_OPEN:-10000}
idle=${BENCH_IDLE_SECONDS:-60}
concurrency=${BENCH_CONCURRENCY:-16}
phase_minutes=${BENCH_PHASE_MINUTES:-6}
open_minutes=${BENCH_OPEN_MINUTES:-6}
lapse_bound=${BENCH_LAPSE_BOUND:-60}
sides=${BENCH_SIDES:-"baseline-default baseline-ours ours"}
results_md=${BENCH_RESULTS:-$repo/bench/RESULTS.md}
lapse_window=900 # benchfast's reply window here: every lapse ticket's urge is dated (due − 900 s), so all are due at once

ensure_azurite
work=$(mktemp -d "${TMPDIR:-/tmp}/urgeship-bench.XXXXXX")
mkdir -p "$work/results"
azurite_pid=""
host_pid=""
bench_pid=""
cleanup() {
  stop_pid "$bench_pid"
  stop_pid "$host_pid"
  stop_pid "$azurite_pid"
  [ "${BENCH_KEEP_LOGS:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
say() { echo "[run.sh +$(( $(date +%s) - started ))s] $*" >&2; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
revision=$(source_revision)

say "building src/SelfHost, bench/Bench, bench/Baseline (Release)"
dotnet build src/SelfHost -c Release -nologo -v quiet -clp:ErrorsOnly >&2 # stdout: the report only
dotnet build bench/Bench -c Release -nologo -v quiet -clp:ErrorsOnly >&2
dotnet build bench/Baseline -c Release -nologo -v quiet -clp:ErrorsOnly >&2
bench_dll=bench/Bench/bin/Release/net10.0/UrgeShipment.Bench.dll
baseline_dll=bench/Baseline/bin/Release/net10.0/UrgeShipment.Baseline.dll
durations=""

# --- the baselines: one process each (worker + driver), its own hub on a fresh Azurite ---
run_baseline() {
  local side=$1 settings=$2 t0; t0=$(date +%s)
  start_azurite "$work/azurite-$side"
  say "$side: Azurite (pid $azurite_pid) blob $blob, queue $queue, table $table"
  dotnet "$baseline_dll" --side "$side" --settings "$settings" --storage "$storage" --hub "bl$(rand | cut -c1-12)" --repo "$repo" \
    --n "$n" --open "$open" --concurrency "$concurrency" --idle-seconds "$idle" --lapse-bound-seconds "$lapse_bound" \
    --phase-minutes "$phase_minutes" --open-minutes "$open_minutes" --timeout-minutes 40 --results "$work/results/$side.json" &
  bench_pid=$!
  wait "$bench_pid" || say "$side: the measurement failed (recorded in its result)"
  bench_pid=""
  stop_pid "$azurite_pid"; azurite_pid=""
  durations="$durations $side $(( $(date +%s) - t0 )) s;"
}

# --- ours: the real host process, driven over HTTP ---
run_ours() {
  local t0; t0=$(date +%s)
  local admin_key="bench-admin-$(rand)" seller_key="bench-seller-$(rand)"
  local secret_xhs="bench-xhs-$(rand)" secret_tb="bench-tb-$(rand)" secret_fast="bench-fast-$(rand)"
  local hub="bench$(rand | cut -c1-12)" port; port=$(free_port)
  local base="http://127.0.0.1:$port" policy="$work/benchfast.json"
  sed "s/\"replyWindow\": \"PT10S\"/\"replyWindow\": \"PT${lapse_window}S\"/" bench/policies/benchfast.json > "$policy"
  grep -q "\"PT${lapse_window}S\"" "$policy" || { echo "Could not set the reply window in $policy." >&2; exit 1; }
  start_azurite "$work/azurite-ours"
  local healthy=0
  start_host "$work/host.log" "$hub" "$policy" "$admin_key" "$seller_key" "$secret_xhs" "$secret_tb" "$secret_fast" && healthy=1
  if [ "$healthy" = 1 ]; then
    say "ours: host (pid $host_pid) on $base, hub $hub; Azurite (pid $azurite_pid) blob $blob, queue $queue, table $table"
    dotnet "$bench_dll" --mode ours \
      --base "$base" --admin-key "$admin_key" --seller-key "$seller_key" --shop shop-bench \
      --secret-xiaohongshu "$secret_xhs" --secret-taobao "$secret_tb" --secret-benchfast "$secret_fast" --fast-marketplace benchfast \
      --lapse-window-seconds "$lapse_window" --n "$n" --open "$open" --concurrency "$concurrency" --idle-seconds "$idle" \
      --idle-settle-seconds 5 --lapse-bound-seconds "$lapse_bound" --phase-minutes "$phase_minutes" --open-minutes "$open_minutes" \
      --host-pid "$host_pid" --timeout-minutes 40 --results "$work/results/ours.json" &
    bench_pid=$!
    wait "$bench_pid" || say "ours: the measurement failed (recorded in its result)"
    bench_pid=""
  else
    tail -n 30 "$work/host.log" >&2
    say "ours: the host did not become healthy within 60 s"
  fi
  if grep -qE "^(fail|crit):" "$work/host.log"; then
    say "ours: the host logged errors:"
    grep -E -A3 "^(fail|crit):" "$work/host.log" | head -n 20 >&2
  fi
  stop_pid "$host_pid"; host_pid=""
  stop_pid "$azurite_pid"; azurite_pid=""
  durations="$durations ours $(( $(date +%s) - t0 )) s;"
}

for side in $sides; do
  case "$side" in
    baseline-default) run_baseline baseline-default default ;;
    baseline-ours) run_baseline baseline-ours ours ;;
    ours) run_ours ;;
    *) echo "Unknown side $side (BENCH_SIDES)." >&2; exit 2 ;;
  esac
done

elapsed=$(( $(date +%s) - started ))
[ "${BENCH_KEEP_LOGS:-0}" = 1 ] && say "logs and JSON results kept in $work"
notes="The run took $((elapsed / 60)) min $((elapsed % 60)) s (build included; by side:${durations%;}); load average (1/5/15 min) $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (the machine is shared). BENCH_OPEN=$open."
dotnet "$bench_dll" --mode report --in "$work/results" --results "$results_md" --revision "$revision" --notes "$notes"
