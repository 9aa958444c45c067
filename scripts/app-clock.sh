#!/usr/bin/env bash
# Prints the app's clock (business time: real time + the dev-clock offset) as Unix seconds, read from
# GET /api/dev/clock with the admin key. Webhook timestamps are checked against this clock, and a reply's shipBy must
# lie ahead of it: after a dev-clock jump, compute times from this, not from `date +%s`.
#   now=$(scripts/app-clock.sh); date -u -d "@$((now + 2 * 86400))" +%FT%TZ    # two days ahead of the app
# Usage: scripts/app-clock.sh [base-url]   (default $URGESHIP_URL, else http://127.0.0.1:${URGESHIP_PORT:-7071})
# Env: ADMIN_KEY (default dev-admin-key). Any non-2xx is printed and exits 1.
set -euo pipefail
[ $# -le 1 ] || { sed -n '2,8s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ -z "${1:-}" ] || URGESHIP_URL=$1
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
now=$(app_now) || exit 1
echo "$now"
