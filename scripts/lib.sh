# shellcheck shell=bash
# Sourced by the scripts in this folder (not run on its own): where the app is, HTTP calls that fail loudly, the app's
# clock, signed webhooks. Needs bash, curl, openssl, sed and GNU date (`date -d`).
#
# Env: URGESHIP_URL (default http://127.0.0.1:${URGESHIP_PORT:-7071}), ADMIN_KEY (default dev-admin-key),
#      SECRET (a marketplace's webhook secret; default dev-secret-<marketplace>).

URGESHIP_URL=${URGESHIP_URL:-http://127.0.0.1:${URGESHIP_PORT:-7071}}
URGESHIP_URL=${URGESHIP_URL%/}
ADMIN_KEY=${ADMIN_KEY:-dev-admin-key}

# The last answer of `http`: its status and body.
HTTP_STATUS=""
HTTP_BODY=""

# http METHOD PATH [curl arguments...]: sends one request to the app; sets HTTP_STATUS and HTTP_BODY. Returns 1 when the
# app does not answer (curl's reason on stderr), 0 otherwise, whatever the status.
http() {
  local method=$1 path=$2 answer
  shift 2
  answer=$(curl -sS --max-time 60 -X "$method" -w '\n%{http_code}' "$URGESHIP_URL$path" "$@") || {
    echo "${0##*/}: $method $URGESHIP_URL$path: no answer. Is the app running there (./run.sh; URGESHIP_URL / URGESHIP_PORT)?" >&2
    return 1
  }
  HTTP_STATUS=${answer##*$'\n'}
  HTTP_BODY=${answer%$'\n'*}
}

# fail_http METHOD PATH: prints the last answer on stderr and exits 1.
fail_http() {
  echo "${0##*/}: $1 $URGESHIP_URL$2 answered HTTP $HTTP_STATUS:" >&2
  printf '%s\n' "$HTTP_BODY" >&2
  exit 1
}

# json_field NAME: the first string value of "NAME" in HTTP_BODY (flat answers only; enough for ids and times).
json_field() {
  sed -n 's/.*"'"$1"'":"\([^"]*\)".*/\1/p' <<<"$HTTP_BODY" | head -n 1
}

# app_now: the app's clock (business time: real time + the dev-clock offset) as Unix seconds, from GET /api/dev/clock.
# Webhook timestamps are checked against this clock, so after a dev-clock jump `date +%s` is refused (stale_timestamp).
# When the dev clock is off (Clock:AllowTravel=false) the app's clock is this machine's, and that is used (said on stderr).
app_now() {
  http GET /api/dev/clock -H "Authorization: Bearer $ADMIN_KEY" || exit 1
  case $HTTP_STATUS in
    200)
      local now
      now=$(json_field now)
      [ -n "$now" ] || { echo "${0##*/}: GET /api/dev/clock answered without \"now\": $HTTP_BODY" >&2; exit 1; }
      date -u -d "$now" +%s
      ;;
    404)
      if [[ $HTTP_BODY == *Clock:AllowTravel* ]]; then
        echo "${0##*/}: the app's dev clock is off (Clock:AllowTravel): its clock is this machine's." >&2
        date -u +%s
      else
        fail_http GET /api/dev/clock
      fi
      ;;
    *) fail_http GET /api/dev/clock ;;
  esac
}

# send_webhook MARKETPLACE BODY [TIMESTAMP]: signs BODY (HMAC-SHA256 of "{timestamp}.{body}" with SECRET, default
# dev-secret-MARKETPLACE) with the app's clock (or TIMESTAMP) and posts it; prints the answer; exits 1 on a non-2xx.
send_webhook() {
  local marketplace=$1 body=$2 ts=${3:-} secret sig
  if [ -z "$ts" ]; then ts=$(app_now) || exit 1; fi
  secret=${SECRET:-dev-secret-$marketplace}
  sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
  http POST "/api/webhooks/$marketplace" -H 'Content-Type: application/json' \
    -H "X-Event-Id: evt-$ts-$RANDOM$RANDOM" -H "X-Timestamp: $ts" -H "X-Signature: sha256=$sig" --data-binary "$body" || exit 1
  case $HTTP_STATUS in
    2??) printf '%s\n' "$HTTP_BODY" ;;
    *) fail_http POST "/api/webhooks/$marketplace" ;;
  esac
}
