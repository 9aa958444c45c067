#!/usr/bin/env bash
# Runs UrgeShipment locally: installs and starts Azurite (loopback only), creates local.settings.json from the sample if
# absent, builds the self-hosted Functions app (src/SelfHost: the Durable Task Framework on Azurite) and runs it. Each
# phase is printed with the seconds since start, up to "Ready on http://…" once GET /health answers 200.
# Ctrl+C, `kill <pid of run.sh>` (TERM) or a closed terminal (HUP) stops the host and Azurite, waits for them and says so.
#
# Usage: ./run.sh [host arguments...]              e.g. ./run.sh --urls http://127.0.0.1:7072
# Env (default):
#   URGESHIP_PORT (7071)                the host's port on 127.0.0.1, unless --urls or ASPNETCORE_URLS says where
#   AZURITE_BLOB_PORT (10000), AZURITE_QUEUE_PORT (10001), AZURITE_TABLE_PORT (10002)
#                                       Azurite's ports; other than these, the host is given AzureWebJobsStorage for them
#   AZURITE_LOCATION (.azurite)         Azurite's data folder (and azurite.log)
#   AZURITE_DEBUG (0)                   1: Azurite's debug log in $AZURITE_LOCATION/debug.log (it grows ~18 KB a minute)
#   LocalSettingsPath (local.settings.json)  the settings file; created from local.settings.sample.json when absent
#   URGESHIP_START_TIMEOUT (180)        seconds to wait for GET /health to answer 200
#   ASPNETCORE_ENVIRONMENT (Development)
# shellcheck disable=SC2317 # stop and cleanup run from the traps
set -euo pipefail
cd "$(dirname "$0")"

t0=$SECONDS
say() { printf '[run.sh %3ds] %s\n' $((SECONDS - t0)) "$*"; }
die() { printf '[run.sh %3ds] %s\n' $((SECONDS - t0)) "$*" >&2; exit 1; }

# --- Everything started here is stopped by one handler, on INT, TERM, HUP and exit ---------------------------------------
step_pid="" step_name="" host_pid="" azurite_pid="" build_log=""
# stop NAME PID: TERM, up to 15 s to exit, then KILL; waits for it and says what it stopped.
stop() {
  local name=$1 pid=$2 tenths=0
  if kill -TERM "$pid" 2>/dev/null; then
    while kill -0 "$pid" 2>/dev/null && [ "$tenths" -lt 150 ]; do sleep 0.1; tenths=$((tenths + 1)); done
    if kill -KILL "$pid" 2>/dev/null; then
      say "Killed $name (pid $pid): it did not stop within 15 s of TERM."
    else
      say "Stopped $name (pid $pid)."
    fi
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local status=$? signal=${1:-}
  trap - INT TERM HUP EXIT
  if [ -n "$signal" ]; then say "SIG$signal: stopping."; fi
  # The host before Azurite: it still talks to storage while it stops.
  if [ -n "$step_pid" ]; then stop "$step_name" "$step_pid"; fi
  if [ -n "$host_pid" ]; then stop "the host" "$host_pid"; fi
  if [ -n "$azurite_pid" ]; then stop "Azurite" "$azurite_pid"; fi
  if [ -n "$build_log" ]; then rm -f "$build_log"; fi
  case $signal in INT) status=130 ;; TERM) status=143 ;; HUP) status=129 ;; esac
  exit "$status"
}
for signal in INT TERM HUP; do
  # shellcheck disable=SC2064 # the signal's name is meant to be fixed now
  trap "cleanup $signal" "$signal"
done
trap cleanup EXIT

# step NAME LOG COMMAND...: runs COMMAND in the background with its output in LOG and waits for it, so that a signal
# stops it at once (bash runs a trap only between foreground commands).
step() {
  local name=$1 log=$2 status=0
  shift 2
  "$@" >"$log" 2>&1 &
  step_pid=$! step_name=$name
  wait "$step_pid" || status=$?
  step_pid=""
  return "$status"
}

# own_session COMMAND...: runs COMMAND in a session of its own (same PID), so that a terminal's Ctrl+C or hang-up reaches
# run.sh alone and the handler stops the host before Azurite (a host whose storage is gone hangs in its shutdown).
own_session() {
  if command -v setsid >/dev/null; then exec setsid "$@"; else exec "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
check_port() { # NAME VALUE
  [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 65535 ] || die "$1 must be a port number (1-65535), was '$2'."
}

for tool in dotnet node npm curl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (prerequisites: .NET 10 SDK, Node.js + npm, curl; see README.md)."
done

# --- Where the host listens: --urls, else ASPNETCORE_URLS, else 127.0.0.1:$URGESHIP_PORT ------------------------------
urls="" host_args=("$@")
for ((i = 0; i < $#; i++)); do
  case ${host_args[i]} in
    --urls) urls=${host_args[i + 1]:-} ;;
    --urls=*) urls=${host_args[i]#--urls=} ;;
  esac
done
if [ -z "$urls" ] && [ -n "${ASPNETCORE_URLS:-}" ]; then urls=$ASPNETCORE_URLS; fi
if [ -z "$urls" ]; then
  check_port URGESHIP_PORT "${URGESHIP_PORT:-7071}"
  urls=http://127.0.0.1:${URGESHIP_PORT:-7071}
  host_args=(--urls "$urls" "$@")
elif [ -n "${URGESHIP_PORT:-}" ]; then
  say "URGESHIP_PORT=$URGESHIP_PORT is not used: the host listens on $urls."
fi
host_ports=()
IFS=';' read -ra url_list <<<"$urls"
for url in "${url_list[@]}"; do
  authority=${url#*://}
  authority=${authority%%/*}
  case $authority in
    \[*\]:* | [!\[]*:*) port=${authority##*:} ;;
    *) if [[ $url == https:* ]]; then port=443; else port=80; fi ;;
  esac
  check_port "the port in '$url'" "$port"
  host_ports+=("$port")
done
# The URL to probe and print: the first one, a wildcard host made loopback.
probe=${urls%%;*}
probe=${probe%/}
probe=$(sed -E 's#://(\*|\+|0\.0\.0\.0)(:|/|$)#://127.0.0.1\2#; s#://\[::\](:|/|$)#://[::1]\1#' <<<"$probe")

blob=${AZURITE_BLOB_PORT:-10000} queue=${AZURITE_QUEUE_PORT:-10001} table=${AZURITE_TABLE_PORT:-10002}
check_port AZURITE_BLOB_PORT "$blob"
check_port AZURITE_QUEUE_PORT "$queue"
check_port AZURITE_TABLE_PORT "$table"
for port in "$blob" "$queue" "$table" "${host_ports[@]}"; do
  if port_open "$port"; then
    die "Port $port is already in use (another ./run.sh, Azurite or host?). Stop it, or choose other ports: URGESHIP_PORT, AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT (README.md, Configuration)."
  fi
done

# --- Azurite ---------------------------------------------------------------------------------------------------------
if [ ! -x node_modules/.bin/azurite ]; then
  say "Installing Azurite (npm ci, first run only)..."
  npm_log=$(mktemp "${TMPDIR:-/tmp}/urgeship-npm.XXXXXX")
  step "npm ci" "$npm_log" npm ci --no-audit --no-fund --loglevel=error || { cat "$npm_log" >&2; rm -f "$npm_log"; die "npm ci failed (above)."; }
  rm -f "$npm_log"
fi
settings=${LocalSettingsPath:-local.settings.json}
if [ ! -f "$settings" ]; then
  cp local.settings.sample.json "$settings"
  say "Created $settings from local.settings.sample.json."
fi

location=${AZURITE_LOCATION:-.azurite}
mkdir -p "$location"
azurite_args=(--silent --location "$location" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table" --skipApiVersionCheck --disableTelemetry --loose)
if [ "${AZURITE_DEBUG:-0}" = 1 ]; then azurite_args+=(--debug "$location/debug.log"); fi
say "Starting Azurite on 127.0.0.1: blob $blob, queue $queue, table $table (data in $location/)..."
(own_session node_modules/.bin/azurite "${azurite_args[@]}") >"$location/azurite.log" 2>&1 &
azurite_pid=$!
for _ in $(seq 1 150); do
  if ! kill -0 "$azurite_pid" 2>/dev/null; then
    azurite_pid=""
    cat "$location/azurite.log" >&2
    die "Azurite exited (its output is above)."
  fi
  if port_open "$blob" && port_open "$queue" && port_open "$table"; then break; fi
  sleep 0.2
done
port_open "$table" || die "Azurite did not listen within 30 s ($location/azurite.log)."
say "Azurite is up (pid $azurite_pid)."
if [ -n "${AzureWebJobsStorage:-}" ]; then
  say "AzureWebJobsStorage is set in the environment: the host uses that storage, not this Azurite."
elif [ "$blob:$queue:$table" != 10000:10001:10002 ]; then
  # Azurite's well-known development account; UseDevelopmentStorage=true (the sample's) means the default ports only.
  account="AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;$account;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
  say "The host gets AzureWebJobsStorage for these ports (an environment variable: it wins over $settings)."
fi

# --- Build -----------------------------------------------------------------------------------------------------------
say "Building src/SelfHost (dotnet build; the first build restores packages and takes a minute)..."
build_log=$(mktemp "${TMPDIR:-/tmp}/urgeship-build.XXXXXX")
step "dotnet build" "$build_log" dotnet build src/SelfHost -nologo -v quiet -tl:off -clp:ErrorsOnly \
  || { cat "$build_log" >&2; die "The build failed (above)."; }
dll=$(dotnet msbuild src/SelfHost -nologo -getProperty:TargetPath)
[ -f "$dll" ] || die "The build did not produce $dll."

# --- The host --------------------------------------------------------------------------------------------------------
# A local run is a Development run (the sample settings enable the dev clock, which Production refuses).
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
say "Starting the host on $probe ($ASPNETCORE_ENVIRONMENT; waiting for GET /health)..."
# The built app itself, in the background (not `dotnet run`, not exec): its PID is the host's, and the handler stops it.
(own_session dotnet "$dll" --contentRoot "$PWD" "${host_args[@]}") &
host_pid=$!
timeout=${URGESHIP_START_TIMEOUT:-180}
deadline=$((SECONDS + timeout)) next_note=$((SECONDS + 10)) code=""
while :; do
  if ! kill -0 "$host_pid" 2>/dev/null; then
    status=0
    wait "$host_pid" || status=$?
    host_pid=""
    die "The host exited (code $status) before GET $probe/health answered 200; its output is above."
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$probe/health" || true)
  if [ "$code" = 200 ]; then break; fi
  [ $SECONDS -lt $deadline ] || die "GET $probe/health did not answer 200 within ${timeout} s (last: ${code/000/no answer})."
  if [ $SECONDS -ge $next_note ]; then
    say "Still waiting for GET $probe/health (last: ${code/000/no answer})..."
    next_note=$((SECONDS + 10))
  fi
  sleep 0.5
done

# The scripts and the README's commands find the app by URGESHIP_PORT (or URGESHIP_URL).
scripts_env=""
if [[ $probe =~ ^http://127\.0\.0\.1:([0-9]+)$ ]]; then
  if [ "${BASH_REMATCH[1]}" != 7071 ]; then scripts_env="export URGESHIP_PORT=${BASH_REMATCH[1]}; "; fi
else
  scripts_env="export URGESHIP_URL=$probe; "
fi
cat <<INFO
[run.sh $(printf '%3d' $((SECONDS - t0)))s] Ready on $probe (host pid $host_pid, Azurite pid $azurite_pid). Ctrl+C stops both.

  Dashboard: $probe/
  Demo keys (only their SHA-256 is in $settings):
    admin                          dev-admin-key
    operator li.wei                dev-operator-key
    seller shop-demo (read, reply) dev-seller-key
    seller shop-other (read)       dev-other-seller-key
  Webhook secrets: dev-secret-<marketplace> (xiaohongshu, taobao, tmall, pinduoduo)
  Open a demo ticket from another terminal (README.md, "Try it", goes on from there):
    ${scripts_env}./scripts/demo-ticket.sh

INFO

status=0
wait "$host_pid" || status=$?
host_pid=""
say "The host exited (code $status)."
exit "$status"
