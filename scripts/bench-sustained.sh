#!/usr/bin/env bash
# Sustained-load benchmark of the whole pipeline (scripts/run-local.sh): 6,000 lines/s for 10 minutes by
# default, appended to the log by the load generator (file mode: nginx cannot serve that many requests next
# to everything else on a 2-core machine). Prints the RSS of agent and collector every minute, then the
# first-minute vs last-minute figures. Passes (exit 0) when nothing was lost or duplicated, the per-class
# counts match, the pipeline kept up (when the load stopped it was less than 5 s of load behind) and memory stayed flat: the RSS at
# the last minute is at most the RSS at the first minute plus max(25 %, 32 MB).
#
# usage: scripts/bench-sustained.sh [--rate 6000] [--duration 600] [--mode file|http] [--no-build] [--dir DIR]
#          [--max-delay hh:mm:ss.fff] [--flush-interval hh:mm:ss.fff] [--no-rollups] [--drain-max SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rate=6000 duration=600 mode=file dir="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --no-build) extra+=(--no-build); shift ;;
    --max-delay|--flush-interval|--drain-max) extra+=("$1" "$2"); shift 2 ;;
    --no-rollups) extra+=(--no-rollups); shift ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "bench-sustained.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ "$duration" -ge 120 ] || { echo "bench-sustained.sh: --duration must be at least 120 s (first vs last minute)" >&2; exit 2; }
dir=${dir:-$root/.run/bench-sustained-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$dir"
echo "== bench-sustained: $rate lines/s, $mode mode, ${duration} s; results in $dir"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== load average before: $load_before ($(nproc) cores)"
rc=0
"$root/scripts/run-local.sh" --duration "$duration" --rate "$rate" --mode "$mode" --dir "$dir/run" \
  --progress 10 --rss-every 60 "${extra[@]}" 2>&1 | tee -i "$dir/run.log" || rc=$?
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== sustained result ($rate lines/s for $duration s, load average before $load_before, after $load_after)"
python3 - "$dir/run/summary.json" "$rc" <<'PY'
import json, sys
path, rc = sys.argv[1], sys.argv[2]
try:
    s = json.load(open(path))
except (OSError, ValueError):
    print(f"no summary ({path}); run-local.sh exit code {rc}: see the log above")
    sys.exit(1)
mb = lambda b: b / 1048576
ok = rc == "0"
written_rate = s["generated"] / max(1, s["load_seconds"])
print(f"  written {s['generated']:,} lines ({written_rate:,.0f}/s), stored {s['stored']:,}, lost {s['lost']}, duplicated {s['duplicated']}, classes match: {s['classes_match']}")
behind_s = s["behind_at_stop"] / max(1, written_rate)
kept_up = behind_s < 5
ok = ok and kept_up
print(f"  behind when the load stopped: {s['behind_at_stop']:,} lines ({behind_s:.1f} s of load), caught up {s['drain_seconds']:.0f} s later: {'kept up' if kept_up else 'DID NOT KEEP UP'}")
if "latency_p50_ms" in s:
    print(f"  latency p50 {s['latency_p50_ms']:.0f} ms, p99 {s['latency_p99_ms']:.0f} ms, max {s['latency_max_ms']:.0f} ms")
for name in ("agent", "collector", "influxd"):
    samples = s.get(f"{name}_rss_samples_bytes", [])
    if len(samples) < 2:
        print(f"  {name}: fewer than 2 per-minute RSS samples")
        ok = False
        continue
    first, last = samples[0], samples[-1]
    allowed = max(first * 0.25, 32 * 1048576)
    flat = last - first <= allowed
    if name != "influxd":  # InfluxDB's cache grows with its data by design; shown, not judged
        ok = ok and flat
    per_min = " ".join(f"{mb(v):.0f}" for v in samples)
    verdict = "" if name == "influxd" else ("  flat" if flat else f"  GROWING (more than +{mb(allowed):.0f} MB)")
    print(f"  {name:<9} RSS per minute (MB): {per_min}")
    print(f"  {name:<9} first minute {mb(first):.1f} MB, last minute {mb(last):.1f} MB ({mb(last - first):+.1f} MB), peak {mb(s[f'{name}_peak_rss_bytes']):.1f} MB, CPU {s[f'{name}_cpu_seconds']:.0f} s ({100 * s[f'{name}_cpu_seconds'] / max(1, s['load_seconds']):.0f} % of a core){verdict}")
print("  result: " + ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
