#!/usr/bin/env bash
# End-to-end through the real web server, with the README's own command: scripts/run-local.sh drives
# nginx with the load generator, the agent tails nginx's log, the collector writes to a private influxd.
# Passes when every request nginx logged is a point in InfluxDB (0 lost, 0 duplicated) and the per-status-
# class counts equal the load generator's report (telemetry-localrun's exit code and summary.json).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/tests/packaging/lib.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$root/scripts/run-local.sh" --duration "${E2E_DURATION:-30}" --rate "${E2E_RATE:-300}" --dir "$dir" > "$dir/run.log" 2>&1
rc=$?
check_eq "run-local.sh exits 0 (nothing lost or duplicated, classes match)" 0 "$rc"
summary=$dir/summary.json
if [ -f "$summary" ]; then
  num() { grep -oE "\"$1\": *[0-9.]+" "$summary" | grep -oE '[0-9.]+$'; }
  check "requests were generated" test "$(num generated)" -gt 1000
  check_eq "stored equals generated" "$(num generated)" "$(num stored)"
  check_eq "lost" 0 "$(num lost)"
  check_eq "duplicated" 0 "$(num duplicated)"
  # (or exceed them by the few requests the load generator had in flight when it stopped: it does not count those)
  check "per-status-class counts equal the load generator's" grep -qE '"(classes_match|classes_differ_by_requests_the_client_gave_up_on)": *true' "$summary"
  check "latency probes were seen in InfluxDB" test "$(num probes)" -gt 10
  check_eq "no probe went missing" 0 "$(num probes_not_seen)"
else
  fail "summary.json written"
fi
[ "$failures" -eq 0 ] || tail -n 60 "$dir/run.log"
finish
