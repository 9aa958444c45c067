#!/usr/bin/env bash
# Opens a demo urge-ship ticket on the local app: a signed buyer.urged webhook for an order paid 3 days ago.
# Times come from the app's clock (GET /api/dev/clock), so the webhook is accepted after a dev-clock jump too.
# Usage: scripts/demo-ticket.sh [marketplace] [base-url]   (defaults: xiaohongshu, http://127.0.0.1:7071)
set -euo pipefail
marketplace=${1:-xiaohongshu}
base=${2:-http://127.0.0.1:7071}
secret=${SECRET:-dev-secret-$marketplace}
admin=${ADMIN_KEY:-dev-admin-key}

now=$(curl -fsS "$base/api/dev/clock" -H "Authorization: Bearer $admin" 2>/dev/null | sed -n 's/.*"now":"\([^"]*\)".*/\1/p' || true)
[ -n "$now" ] || now=$(date -u +%FT%TZ) # the dev clock is off: the machine's clock is the app's
ts=$(date -u -d "$now" +%s)
occurred=$(date -u -d "@$ts" +%FT%TZ)
paid=$(date -u -d "@$((ts - 3 * 86400))" +%FT%TZ)
order="demo-$ts-$RANDOM"
body='{"type":"buyer.urged","occurredAt":"'$occurred'","order":{"orderId":"'$order'","shopId":"shop-demo","buyerId":"buyer-1","paidAmount":"199.00","currency":"CNY","paidAt":"'$paid'","items":[{"sku":"SKU-1","qty":1}]}}'
sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
answer=$(curl -sS -w '\n%{http_code}' -X POST "$base/api/webhooks/$marketplace" -H "Content-Type: application/json" \
  -H "X-Event-Id: demo-$ts-$RANDOM" -H "X-Timestamp: $ts" -H "X-Signature: sha256=$sig" -d "$body")
status=${answer##*$'\n'}
echo "${answer%$'\n'*}"
case "$status" in
  2??) echo "Ticket for order $order: curl -s $base/api/orders/$marketplace/$order/ticket -H 'Authorization: Bearer dev-seller-key'" ;;
  *) echo "The webhook was refused (HTTP $status)." >&2; exit 1 ;;
esac
