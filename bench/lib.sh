# Shared by bench/run.sh and bench/settings.sh (sourced, from the repo root): Azurite on free loopback ports, PIDs
# stopped one by one, random keys, the source revision.
account="AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

ensure_azurite() {
  if [ ! -x node_modules/.bin/azurite ]; then
    echo "Installing Azurite (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Stops one process we started, by PID: TERM, up to 15 s to exit, then KILL.
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# start_azurite DIR: a fresh Azurite (its log DIR.log) on free loopback ports (port 0: it prints the ports it got). Sets
# azurite_pid, blob, queue, table and storage (the connection string). A fresh one per process measured: Azurite slows
# down as its database grows. It keeps its data in memory: on disk (BENCH_AZURITE_DISK=1, data in DIR) it also writes its
# whole database out every few seconds, a cost that grows with the data stored, which no storage account has.
start_azurite() {
  local dir=$1
  local where=(--inMemoryPersistence)
  [ "${BENCH_AZURITE_DISK:-}" = 1 ] && where=(--location "$dir")
  node_modules/.bin/azurite --silent "${where[@]}" \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort 0 --queuePort 0 --tablePort 0 \
    --skipApiVersionCheck --disableTelemetry --loose > "$dir.log" 2>&1 &
  azurite_pid=$!
  port_of() { sed -n "s/.*$1 service is successfully listening at http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p" "$dir.log" | head -n1; }
  blob=""; queue=""; table=""
  for _ in $(seq 1 100); do
    blob=$(port_of Blob); queue=$(port_of Queue); table=$(port_of Table)
    [ -n "$blob" ] && [ -n "$queue" ] && [ -n "$table" ] && break
    kill -0 "$azurite_pid" 2>/dev/null || { cat "$dir.log" >&2; echo "Azurite exited." >&2; exit 1; }
    sleep 0.2
  done
  [ -n "$table" ] || { cat "$dir.log" >&2; echo "Azurite did not report its ports within 20 s." >&2; exit 1; }
  storage="DefaultEndpointsProtocol=http;$account;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1"
}

rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }

# The commit measured, and whether src/ or bench/ had uncommitted changes (BENCH_REVISION overrides).
source_revision() {
  if [ -n "${BENCH_REVISION:-}" ]; then echo "$BENCH_REVISION"; return; fi
  local rev; rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if ! git diff --quiet HEAD -- src bench host.json 2>/dev/null || [ -n "$(git ls-files --others --exclude-standard src bench 2>/dev/null)" ]; then
    rev="$rev + uncommitted changes"
  fi
  echo "$rev"
}

# Starts the self-host (Release) on $base against $storage with the bench's keys, secrets and policy file, plus any
# extra NAME=value settings given; its output goes to the log file. Sets host_pid; returns 1 unless healthy within 60 s.
# Usage: start_host <log> <hub> <policy> <admin_key> <seller_key> <secret_xhs> <secret_tb> <secret_fast> [NAME=value ...]
start_host() {
  local log=$1 hub=$2 policy=$3 admin_key=$4 seller_key=$5 secret_xhs=$6 secret_tb=$7 secret_fast=$8
  shift 8
  env \
    AzureWebJobsStorage="$storage" \
    LocalSettingsPath=/nonexistent \
    ASPNETCORE_ENVIRONMENT=Development \
    Logging__LogLevel__Default=Warning \
    AzureFunctionsJobHost__logging__logLevel__default=Warning \
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
    Webhooks__Secrets__benchfast="$secret_fast" \
    Marketplaces__PolicyFiles__0="$policy" \
    "$@" \
    dotnet src/SelfHost/bin/Release/net10.0/UrgeShipment.SelfHost.dll --contentRoot "$repo" --urls "$base" \
    > "$log" 2>&1 &
  host_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "$base/health" > /dev/null 2>&1 && return 0
    kill -0 "$host_pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
