#!/usr/bin/env bash
# Benchmarks the self-host (src/SelfHost: the app's functions on DTF's Azure Storage backend) against its own Azurite,
# next to the bare Durable Functions baseline of the old design. Everything runs on 127.0.0.1; everything started here is
# stopped on exit. The settings sweep is bench/settings.sh.
# Usage: bench/run.sh [N]            N lifecycles per phase (default 300)
# Env:   BENCH_IDLE_SECONDS (default 60), BENCH_CONCURRENCY (default 16), BENCH_KEEP_LOGS=1 (keep the temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

n=${1:-300}
idle=${BENCH_IDLE_SECONDS:-60}
concurrency=${BENCH_CONCURRENCY:-16}

if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/urgeship-bench.XXXXXX")
azurite_pid=""
host_pid=""
bench_pid=""
# Stops one process we started, by PID: TERM, up to 15 s to exit, then KILL.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$bench_pid"
  stop_pid "$host_pid"
  stop_pid "$azurite_pid"
  if [ "${BENCH_KEEP_LOGS:-0}" = 1 ]; then echo "Logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Azurite on free loopback ports (port 0: it prints the ports it got) ---
node_modules/.bin/azurite --silent --location "$work/azurite" \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --blobPort 0 --queuePort 0 --tablePort 0 \
  --skipApiVersionCheck --disableTelemetry --loose > "$work/azurite.log" 2>&1 &
azurite_pid=$!
port_of() { sed -n "s/.*$1 service is successfully listening at http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p" "$work/azurite.log" | head -n1; }
blob=""; queue=""; table=""
for _ in $(seq 1 100); do
  blob=$(port_of Blob); queue=$(port_of Queue); table=$(port_of Table)
  [ -n "$blob" ] && [ -n "$queue" ] && [ -n "$table" ] && break
  kill -0 "$azurite_pid" 2>/dev/null || { cat "$work/azurite.log" >&2; echo "Azurite exited." >&2; exit 1; }
  sleep 0.2
done
[ -n "$table" ] || { cat "$work/azurite.log" >&2; echo "Azurite did not report its ports within 20 s." >&2; exit 1; }
echo "Azurite (pid $azurite_pid): blob $blob, queue $queue, table $table"

# --- build: the host in Release, the bench console ---
dotnet build src/SelfHost -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Bench -c Release -nologo -v quiet -clp:ErrorsOnly

revision="${BENCH_REVISION:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
if [ -z "${BENCH_REVISION:-}" ] && { ! git diff --quiet HEAD -- src || [ -n "$(git ls-files --others --exclude-standard src)" ]; }; then
  revision="$revision + uncommitted changes in src/"
fi

# --- keys: random per run; the host only gets their SHA-256 ---
rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
admin_key="bench-admin-$(rand)"
seller_key="bench-seller-$(rand)"
secret_xhs="bench-xhs-$(rand)"
secret_tb="bench-tb-$(rand)"
hub="bench$(rand | cut -c1-12)"

host_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
base="http://127.0.0.1:$host_port"
account="AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

# --- the real host process ---
env \
  AzureWebJobsStorage="DefaultEndpointsProtocol=http;$account;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1" \
  LocalSettingsPath=/nonexistent \
  ASPNETCORE_ENVIRONMENT=Development \
  Logging__LogLevel__Default=Warning \
  AzureFunctionsJobHost__logging__logLevel__default=Warning \
  Clock__AllowTravel=true \
  RateLimits__PermitsPerMinute=100000000 \
  RateLimits__WebhookPermitsPerMinute=100000000 \
  AzureFunctionsJobHost__extensions__durableTask__hubName="$hub" \
  Admin__ApiKeySha256="$(sha "$admin_key")" \
  Sellers__Accounts__0__ShopId=shop-bench \
  Sellers__Accounts__0__AccountId=bench-ops \
  Sellers__Accounts__0__ApiKeySha256="$(sha "$seller_key")" \
  Sellers__Accounts__0__Permissions=tickets.read,tickets.reply \
  Webhooks__Secrets__xiaohongshu="$secret_xhs" \
  Webhooks__Secrets__taobao="$secret_tb" \
  dotnet src/SelfHost/bin/Release/net10.0/UrgeShipment.SelfHost.dll --contentRoot "$repo" --urls "$base" \
  > "$work/host.log" 2>&1 &
host_pid=$!
for i in $(seq 1 300); do
  curl -fsS "$base/health" > /dev/null 2>&1 && break
  kill -0 "$host_pid" 2>/dev/null || { tail -n 50 "$work/host.log" >&2; echo "The host exited." >&2; exit 1; }
  [ "$i" = 300 ] && { tail -n 50 "$work/host.log" >&2; echo "The host did not become healthy within 60 s." >&2; exit 1; }
  sleep 0.2
done
echo "Host (pid $host_pid) on $base, hub $hub"

dotnet bench/Bench/bin/Release/net10.0/UrgeShipment.Bench.dll \
  --base "$base" --admin-key "$admin_key" --seller-key "$seller_key" --shop shop-bench \
  --secret-xiaohongshu "$secret_xhs" --secret-taobao "$secret_tb" \
  --n "$n" --concurrency "$concurrency" --idle-seconds "$idle" \
  --revision "$revision" --results "$repo/bench/RESULTS.md" &
bench_pid=$! # waited for in the background, so that a signal stops the run at once
wait "$bench_pid"
