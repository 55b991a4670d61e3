#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds everything, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Telemetry.sln -c Release -warnaserror -nologo -v q

log=$(mktemp)
status=0
dotnet test Telemetry.sln -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test assemblies.
passed=$({ grep -oE 'Passed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
failed=$({ grep -oE 'Failed: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
skipped=$({ grep -oE 'Skipped: +[0-9]+' "$log" || true; } | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi

# Packaging: builds the .deb/.msi, lints, installs and removes them, applies the Ansible playbook.
tests/packaging/run.sh

# End to end with the README's main command: load generator -> nginx -> agent -> collector -> influxd.
tests/e2e/local-pipeline.sh
