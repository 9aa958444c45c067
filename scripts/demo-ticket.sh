#!/usr/bin/env bash
# Opens a demo urge-ship ticket on the running app: a signed buyer.urged webhook for an order of shop-demo paid 3 days
# ago, timestamped with the app's clock (GET /api/dev/clock), so it is accepted after a dev-clock jump too. Prints the
# answer, the ticket id and the next commands (the seller's reply, reading the ticket) with the id filled in.
# Any non-2xx (a refused webhook, a wrong key, no app) is printed and exits 1.
# Usage: scripts/demo-ticket.sh [--id-only] [marketplace] [base-url]
#   --id-only    print only the ticket id:  TICKET=$(scripts/demo-ticket.sh --id-only)
#   marketplace  xiaohongshu (default), taobao, tmall or pinduoduo
#   base-url     default $URGESHIP_URL, else http://127.0.0.1:${URGESHIP_PORT:-7071}
# Env: SECRET (default dev-secret-<marketplace>), ADMIN_KEY (default dev-admin-key), SELLER_KEY (default dev-seller-key)
set -euo pipefail
id_only=false
if [ "${1:-}" = --id-only ]; then id_only=true; shift; fi
case "${1:-}" in -*) sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2 ;; esac
marketplace=${1:-xiaohongshu}
[ -z "${2:-}" ] || URGESHIP_URL=$2
seller=${SELLER_KEY:-dev-seller-key}
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ts=$(app_now) || exit 1
order="demo-$ts-$RANDOM"
body='{"type":"buyer.urged","occurredAt":"'$(date -u -d "@$ts" +%FT%TZ)'","order":{"orderId":"'$order'","shopId":"shop-demo","buyerId":"buyer-1","paidAmount":"199.00","currency":"CNY","paidAt":"'$(date -u -d "@$((ts - 3 * 86400))" +%FT%TZ)'","items":[{"sku":"SKU-1","qty":1}]}}'
answer=$(send_webhook "$marketplace" "$body" "$ts") || exit 1
HTTP_BODY=$answer
ticket=$(json_field ticketId)
if [ -z "$ticket" ]; then
  echo "${0##*/}: the webhook was answered but opened no ticket: $answer" >&2
  exit 1
fi
if $id_only; then
  echo "$ticket"
  exit 0
fi
ship_by=$(date -u -d "@$((ts + 2 * 86400))" +%FT%TZ) # two days ahead of the app's clock; every built-in policy allows up to five
cat <<NEXT
$answer
Ticket $ticket (order $order on $marketplace) awaits the seller's reply.
Next, the seller replies with a plan to ship by $ship_by (two days ahead of the app's clock):
  curl -sS --fail-with-body -w '\n' -X POST $URGESHIP_URL/api/tickets/$ticket/reply -H 'Authorization: Bearer $seller' -H 'Content-Type: application/json' -H 'Idempotency-Key: reply-$ticket' -d '{"kind":"delay","shipBy":"$ship_by"}'
Read the ticket:
  curl -sS --fail-with-body -w '\n' $URGESHIP_URL/api/tickets/$ticket -H 'Authorization: Bearer $seller'
NEXT
