#!/usr/bin/env bash
# Runs UrgeShipment locally: installs and starts Azurite (data in .azurite/, loopback only), creates
# local.settings.json from the sample if absent, builds and runs the self-hosted Functions app (src/SelfHost: the
# Durable Task Framework on Azurite) on http://127.0.0.1:7071. Ctrl+C stops the host and Azurite.
# Host arguments pass through, e.g. ./run.sh --urls http://127.0.0.1:7072
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
fi
[ -f local.settings.json ] || { cp local.settings.sample.json local.settings.json; echo "Created local.settings.json from local.settings.sample.json"; }

for port in 10000 10001 10002 7071; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "Port $port is already in use (another Azurite or host?). Stop it first." >&2
    exit 1
  fi
done

mkdir -p .azurite
node_modules/.bin/azurite --silent --location .azurite --debug .azurite/debug.log \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --skipApiVersionCheck --disableTelemetry --loose > .azurite/azurite.log 2>&1 &
azurite_pid=$!
trap 'kill $azurite_pid 2>/dev/null || true; wait $azurite_pid 2>/dev/null || true; echo "Azurite stopped."' EXIT
for _ in $(seq 1 50); do
  (exec 3<>/dev/tcp/127.0.0.1/10002) 2>/dev/null && break
  sleep 0.2
done
echo "Azurite running (pid $azurite_pid): blob 10000, queue 10001, table 10002, data in .azurite/"

dotnet build src/SelfHost -nologo -v quiet -clp:ErrorsOnly

cat <<INFO

UrgeShipment on http://127.0.0.1:7071  (dashboard: http://127.0.0.1:7071/)
Demo keys (from local.settings.json; only their SHA-256 is configured):
  admin                          dev-admin-key
  seller shop-demo (read, reply) dev-seller-key
  seller shop-other (read)       dev-other-seller-key
Webhook secrets: dev-secret-<marketplace> (xiaohongshu, taobao, tmall, pinduoduo)

Open a demo ticket (signed webhook) in another terminal:
  ./scripts/demo-ticket.sh
or by hand:
  ts=\$(date +%s); body='{"type":"buyer.urged","occurredAt":"'\$(date -u +%FT%TZ)'","order":{"orderId":"demo-'\$ts'","shopId":"shop-demo","buyerId":"buyer-1","paidAmount":"199.00","currency":"CNY","paidAt":"'\$(date -u -d '-3 days' +%FT%TZ)'","items":[{"sku":"SKU-1","qty":1}]}}'; sig=\$(printf '%s.%s' "\$ts" "\$body" | openssl dgst -sha256 -hmac dev-secret-xiaohongshu -r | cut -d' ' -f1); curl -s -X POST http://127.0.0.1:7071/api/webhooks/xiaohongshu -H "Content-Type: application/json" -H "X-Event-Id: demo-\$ts" -H "X-Timestamp: \$ts" -H "X-Signature: sha256=\$sig" -d "\$body"; echo
Travel in time (dev only): curl -s -X POST http://127.0.0.1:7071/api/dev/clock -H "Authorization: Bearer dev-admin-key" -H "Content-Type: application/json" -d '{"advanceBy":"PT25H"}'

INFO
# A local run is a Development run (the sample settings enable the dev clock, which Production refuses).
ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} dotnet run --project src/SelfHost --no-build --no-launch-profile -- --contentRoot "$PWD" "$@"
