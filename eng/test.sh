#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine with the .NET SDK (as root): installs what the
# tests need, runs every test project and the consumer test (eng/consumer-test.sh), and ends with one line
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# The PostgreSQL store tests start a throwaway server of their own; they need the server binaries.
if [ -z "${SYNCKIT_TEST_POSTGRES:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing the PostgreSQL server for the store tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "warning: could not install postgresql; the PostgreSQL tests will fail and say what to do"
fi

# The dashboard's browser tests drive the machine's headless Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the dashboard's browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "warning: could not install chromium; the browser tests will fail and say what to do"
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet build SyncKit.sln -c Release || { echo "0 passed, 1 failed"; exit 1; }

# One test project at a time: the crash and multi-instance tests kill and restart real processes on
# real time, and must not compete with another project's tests for the CPU.
status=0
for project in tests/*/*.Tests.csproj; do
  dotnet test "$project" -c Release --no-build --logger trx --results-directory "$results" "$@" || status=1
done

# The consumer test: the packages packed, then built and run against by version, as another team would. It counts as
# one test, and runs with the whole suite (not when arguments such as --filter narrow the run).
consumer=skipped
if [ $# -eq 0 ]; then
  if bash eng/consumer-test.sh; then consumer=passed; else consumer=failed; status=1; fi
fi

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran"; status=1
fi
case $consumer in passed) passed=$((passed + 1)) ;; failed) failed=$((failed + 1)) ;; esac
echo "$passed passed, $failed failed"
exit $status
