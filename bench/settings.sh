#!/usr/bin/env bash
# Sweeps DTF's Azure Storage settings on the self-host: for each configuration a fresh host process (its own hub) on a
# fresh Azurite of our own, measures real-timer lapse timing, lapse timing after a dev-clock jump, seller-reply lifecycles,
# idle storage requests and peak RSS; writes bench/SETTINGS.md. Everything runs on 127.0.0.1; everything started here is
# stopped by PID on exit. See bench/README.md.
# Usage: bench/settings.sh [M] [N]   M real-timer tickets (default 100; M/2 for the jump test), N seller-reply lifecycles (default 100)
# Env:   BENCH_SETTINGS       configurations "partitionCount:maxQueuePollingInterval ..." (default: {1,2,4} × {00:00:01,00:00:05}
#                             plus 4:00:00:30, Durable Functions' defaults; BENCH_SETTINGS=full runs all of {1,2,4} × {1 s,5 s,30 s})
#        BENCH_EXTENDED=0     skip the extendedSessionsEnabled=true run on the best-looking configuration
#        BENCH_IDLE_SECONDS   idle window (default 30); BENCH_IDLE_SETTLE idle settle wait (default 2 × the polling interval, 5–60 s)
#        BENCH_LONE           lone real-timer deadlines (default 3; none at 30 s polling); BENCH_JUMP_M tickets in the jump test (default M/2)
#        BENCH_LAPSE_WINDOW   the real-timer reply window, s (default 25 + settle + idle window + the lone deadlines' spacing)
#        BENCH_CONCURRENCY    (default 16); BENCH_LAPSE_BOUND not-lapsed bound, s (default 60); BENCH_TARGET_BOUND lapse bound of the pick, s (default 2)
#        BENCH_SWEEP_MINUTES  start no new configuration after this many minutes (default 40)
#        BENCH_RESULTS        output (default bench/SETTINGS.md); BENCH_KEEP_LOGS=1 keeps the temp dir (host logs, JSON results)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

m=${1:-100}
n=${2:-100}
# A 30 s configuration takes about 4 minutes (its real timers get a 115 s window, to meet fully backed-off pollers), so the
# default keeps one of them, Durable Functions' defaults (partitionCount 4, 30 s): the sweep stays near 25 minutes on 2 cores.
matrix=${BENCH_SETTINGS:-"1:00:00:01 1:00:00:05 2:00:00:01 2:00:00:05 4:00:00:01 4:00:00:05 4:00:00:30"}
[ "$matrix" = full ] && matrix="1:00:00:01 1:00:00:05 1:00:00:30 2:00:00:01 2:00:00:05 2:00:00:30 4:00:00:01 4:00:00:05 4:00:00:30"
idle=${BENCH_IDLE_SECONDS:-30}
concurrency=${BENCH_CONCURRENCY:-16}
lapse_bound=${BENCH_LAPSE_BOUND:-60}
lone_count=${BENCH_LONE:-3}
target_bound=${BENCH_TARGET_BOUND:-2}
sweep_minutes=${BENCH_SWEEP_MINUTES:-40}
results_md=${BENCH_RESULTS:-$repo/bench/SETTINGS.md}
policy_template="$repo/bench/policies/benchfast.json" # replyWindow PT10S, replaced per configuration

source bench/lib.sh
ensure_azurite

work=$(mktemp -d "${TMPDIR:-/tmp}/urgeship-settings.XXXXXX")
mkdir -p "$work/results"
azurite_pid=""
host_pid=""
bench_pid=""
cleanup() {
  stop_pid "$bench_pid"
  stop_pid "$host_pid"
  stop_pid "$azurite_pid"
  if [ "${BENCH_KEEP_LOGS:-0}" = 1 ]; then echo "Logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build: the host in Release, the bench console ---
dotnet build src/SelfHost -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Bench -c Release -nologo -v quiet -clp:ErrorsOnly
bench_dll=bench/Bench/bin/Release/net10.0/UrgeShipment.Bench.dll

revision=$(source_revision)

# --- keys: random per run; the host only gets their SHA-256 ---
admin_key="bench-admin-$(rand)"
seller_key="bench-seller-$(rand)"
secret_xhs="bench-xhs-$(rand)"
secret_tb="bench-tb-$(rand)"
secret_fast="bench-fast-$(rand)"

seconds_of() { local IFS=:; read -r h mm s <<< "$1"; echo $((10#$h * 3600 + 10#$mm * 60 + 10#${s%%.*})); }

# A result for a configuration whose host never served (the report shows it as failed).
failed_json() {
  printf '{"Sequence":%s,"Label":"%s","Partitions":%s,"Polling":"%s","Extended":%s,"Error":"%s","M":%s,"N":%s}\n' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$m" "$n" > "$work/results/$1.json"
}

# run_config SEQ PARTITIONS POLLING EXTENDED: a fresh host process with these settings and its own hub, the measurements, stop.
run_config() {
  local seq=$1 partitions=$2 polling=$3 extended=$4
  local label="partitionCount=$partitions maxQueuePollingInterval=$polling extendedSessionsEnabled=$extended"
  local hub="set${seq}x$(rand | cut -c1-10)"
  local port; port=$(free_port)
  local base="http://127.0.0.1:$port"
  local poll_s; poll_s=$(seconds_of "$polling")
  local settle=${BENCH_IDLE_SETTLE:-$(( poll_s * 2 < 5 ? 5 : (poll_s * 2 > 60 ? 60 : poll_s * 2) ))}
  # The real-timer tickets' reply window: opening and its notices (~15 s, more on a busy machine), the settle wait, the
  # idle window and the lone deadlines all pass before the burst's deadlines (see --mode settings-plan).
  local plan; plan=$(dotnet "$bench_dll" --mode settings-plan --polling "$polling" --idle-seconds "$idle" --idle-settle-seconds "$settle" --lone "$lone_count")
  local window=${BENCH_LAPSE_WINDOW:-${plan%% *}}
  local rest=${plan#* }
  local lone=${rest%% *} spacing=${rest#* }
  local policy="$work/benchfast-$seq.json"
  sed "s/\"replyWindow\": \"PT10S\"/\"replyWindow\": \"PT${window}S\"/" "$policy_template" > "$policy"
  grep -q "\"PT${window}S\"" "$policy" || { echo "Could not set the reply window in $policy." >&2; exit 1; }
  start_azurite "$work/azurite-$seq"
  echo "[$seq] $label: hub $hub on $base; Azurite (pid $azurite_pid) blob $blob, queue $queue, table $table"
  local healthy=0
  start_host "$work/host-$seq.log" "$hub" "$policy" "$admin_key" "$seller_key" "$secret_xhs" "$secret_tb" "$secret_fast" \
    Clock__AllowTravel=true \
    AzureWebJobs__DeadlineWatchdog__Disabled=true \
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount="$partitions" \
    AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval="$polling" \
    AzureFunctionsJobHost__extensions__durableTask__extendedSessionsEnabled="$extended" && healthy=1
  if [ "$healthy" != 1 ]; then
    tail -n 30 "$work/host-$seq.log" >&2
    echo "[$seq] the host did not become healthy within 60 s." >&2
    failed_json "$seq" "$label" "$partitions" "$polling" "$extended" "the host did not become healthy within 60 s"
    stop_pid "$host_pid"; host_pid=""
    stop_pid "$azurite_pid"; azurite_pid=""
    return 0
  fi
  dotnet "$bench_dll" --mode settings \
    --base "$base" --admin-key "$admin_key" --seller-key "$seller_key" --shop shop-bench \
    --secret-xiaohongshu "$secret_xhs" --secret-taobao "$secret_tb" --secret-benchfast "$secret_fast" \
    --fast-marketplace benchfast --m "$m" --n "$n" --concurrency "$concurrency" --quiet-seconds 2 \
    --lone "$lone" --lone-spacing-seconds "$spacing" ${BENCH_JUMP_M:+--jump-m "$BENCH_JUMP_M"} \
    --idle-seconds "$idle" --idle-settle-seconds "$settle" --lapse-bound-seconds "$lapse_bound" \
    --sequence "$seq" --label "$label" --partitions "$partitions" --polling "$polling" --extended "$extended" \
    --host-pid "$host_pid" --timeout-minutes 10 --results "$work/results/$seq.json" &
  bench_pid=$! # waited for in the background, so that a signal stops the sweep at once
  wait "$bench_pid" || echo "[$seq] the measurement failed (recorded in its result)." >&2
  bench_pid=""
  [ -f "$work/results/$seq.json" ] || failed_json "$seq" "$label" "$partitions" "$polling" "$extended" "no result written"
  if grep -qE "^(fail|crit):" "$work/host-$seq.log"; then
    echo "[$seq] the host logged errors:" >&2
    grep -E -A3 "^(fail|crit):" "$work/host-$seq.log" | head -n 20 >&2
  fi
  stop_pid "$host_pid"; host_pid=""
  stop_pid "$azurite_pid"; azurite_pid=""
  rm -rf "$work/azurite-$seq" # its data; the log stays
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
seq=0
skipped=""
for cfg in $matrix; do
  seq=$((seq + 1))
  if [ $(( $(date +%s) - started )) -ge $(( sweep_minutes * 60 )) ]; then
    skipped="$skipped $cfg"
    continue
  fi
  run_config "$seq" "${cfg%%:*}" "${cfg#*:}" false
done

if [ "${BENCH_EXTENDED:-1}" != 0 ]; then
  if [ $(( $(date +%s) - started )) -ge $(( sweep_minutes * 60 )) ]; then
    skipped="$skipped extendedSessions"
  elif best=$(dotnet "$bench_dll" --mode settings-pick --in "$work/results" --target-bound-seconds "$target_bound"); then
    seq=$((seq + 1))
    echo "Best-looking configuration: partitionCount ${best%% *}, maxQueuePollingInterval ${best#* }; now with extended sessions."
    run_config "$seq" "${best%% *}" "${best#* }" true
  fi
fi

elapsed=$(( $(date +%s) - started ))
notes="The sweep took $((elapsed / 60)) min $((elapsed % 60)) s; load average (1/5/15 min) $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after (the machine is shared)."
[ -n "$skipped" ] && notes="$notes Not run (over BENCH_SWEEP_MINUTES=$sweep_minutes):$skipped."
dotnet "$bench_dll" --mode settings-report --in "$work/results" --results "$results_md" \
  --revision "$revision" --target-bound-seconds "$target_bound" --notes "$notes"
echo "Written to $results_md"
