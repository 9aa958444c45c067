#!/usr/bin/env bash
# Runs every test in the solution, against real Azurite (the test fixtures start it from node_modules)
# and Debian's Chromium (the browser test drives it). Installs both when missing.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite ]; then
  echo "Installing Azurite (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

if [ ! -x /usr/bin/chromium ] && [ -d tests/Dashboard.Tests ]; then
  echo "Installing Chromium (apt-get)..."
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; } \
    || echo "warning: could not install chromium; the browser test will fail"
fi

results=TestResults
rm -rf "$results"
dotnet build UrgeShipment.sln -c Debug -nologo -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
dotnet test UrgeShipment.sln --no-build -nologo --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal" "$@"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
