#!/usr/bin/env bash
# Opens a demo urge-ship ticket on the local host: a signed buyer.urged webhook for an order paid 3 days ago.
# Usage: scripts/demo-ticket.sh [marketplace] [base-url]   (defaults: xiaohongshu, http://127.0.0.1:7071)
set -euo pipefail
marketplace=${1:-xiaohongshu}
base=${2:-http://127.0.0.1:7071}
secret=${SECRET:-dev-secret-$marketplace}
ts=$(date +%s)
order="demo-$ts-$RANDOM"
body='{"type":"buyer.urged","occurredAt":"'$(date -u +%FT%TZ)'","order":{"orderId":"'$order'","shopId":"shop-demo","buyerId":"buyer-1","paidAmount":"199.00","currency":"CNY","paidAt":"'$(date -u -d '-3 days' +%FT%TZ)'","items":[{"sku":"SKU-1","qty":1}]}}'
sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
curl -sS -X POST "$base/api/webhooks/$marketplace" -H "Content-Type: application/json" \
  -H "X-Event-Id: demo-$ts-$RANDOM" -H "X-Timestamp: $ts" -H "X-Signature: sha256=$sig" -d "$body"
echo
echo "Ticket for order $order: curl -s $base/api/orders/$marketplace/$order/ticket -H 'Authorization: Bearer dev-seller-key'"
