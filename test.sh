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
log=$(mktemp)
timeout 45m dotnet test UrgeShipment.sln --no-build -nologo --results-directory "$results" --logger "trx" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test project: "Passed!  - Failed: 0, Passed: 349, Skipped: 0, Total: 349, ...".
passed=0; failed=0; projects=0
while read -r line; do
  p=$(sed -n 's/.*Passed: *\([0-9]*\).*/\1/p' <<<"$line")
  f=$(sed -n 's/.*Failed: *\([0-9]*\),.*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); projects=$((projects + 1))
done < <(grep -E '^(Passed|Failed)! +- ' "$log")
rm -f "$log"
expected=$(ls tests/*/*.csproj | wc -l)
if [ "$projects" -lt "$expected" ]; then
  echo "only $projects of $expected test projects reported a summary (a test host crashed or hung)"
  failed=$((failed + expected - projects))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
