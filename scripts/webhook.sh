#!/usr/bin/env bash
# Sends one signed webhook to the app, timestamped with the app's clock (GET /api/dev/clock), so it is accepted after a
# dev-clock jump too. Prints the answer; any non-2xx is printed and exits 1.
#   scripts/webhook.sh xiaohongshu '{"type":"order.refunded","occurredAt":"2026-01-01T00:00:00Z","orderId":"o-1"}'
# Usage: scripts/webhook.sh MARKETPLACE JSON-BODY [base-url]
#   base-url default $URGESHIP_URL, else http://127.0.0.1:${URGESHIP_PORT:-7071}
# Env: SECRET (default dev-secret-MARKETPLACE), ADMIN_KEY (default dev-admin-key, to read the app's clock).
set -euo pipefail
[ $# -ge 2 ] && [ $# -le 3 ] || { sed -n '2,8s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ -z "${3:-}" ] || URGESHIP_URL=$3
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
send_webhook "$1" "$2"
