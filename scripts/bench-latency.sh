#!/usr/bin/env bash
# Latency benchmark of the whole pipeline: load generator -> nginx (or the log file) -> agent -> collector ->
# InfluxDB, with scripts/run-local.sh, once per rate. For each rate it prints the latency from line appended
# to point queryable (p50/p99/max of the probes, 2 per second; target p99 < 1 s), the agent's and the
# collector's CPU-seconds and peak RSS, and lost/duplicated lines. Exit code 0 when every run lost and
# duplicated nothing and met the p99 target.
#
# usage: scripts/bench-latency.sh [--rates "1000 5000"] [--duration 60] [--mode auto|http|file]
#          [--max-delay hh:mm:ss.fff] [--flush-interval hh:mm:ss.fff] [--p99-target-ms 1000] [--no-build] [--dir DIR]
#          [--no-rollups] [--drain-max SECONDS] (see scripts/run-local.sh --help)
# --mode auto (default): http through nginx up to 2,000 lines/s, file mode above: on a 2-core machine nginx
#   plus the HTTP load generator take a core at 5,000 requests/s and starve the pipeline being measured.
#   The mode of each run is printed next to its figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rates="1000 5000" duration=60 mode=auto build=1 dir="" target=1000 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rates) rates=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --max-delay|--flush-interval|--drain-max) extra+=("$1" "$2"); shift 2 ;;
    --no-rollups) extra+=(--no-rollups); shift ;;
    --p99-target-ms) target=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "bench-latency.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
dir=${dir:-$root/.run/bench-latency-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$dir"
echo "== bench-latency: rates $rates lines/s, ${duration} s each, results in $dir"
echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

status=0 first=1
for rate in $rates; do
  m=$mode
  [ "$m" != auto ] || { [ "$rate" -le 2000 ] && m=http || m=file; }
  args=(--duration "$duration" --rate "$rate" --mode "$m" --dir "$dir/rate-$rate" --progress 5 "${extra[@]}")
  { [ "$build" = 1 ] && [ "$first" = 1 ]; } || args+=(--no-build)
  first=0
  echo
  echo "== $rate lines/s, $m mode, ${duration} s (log: $dir/rate-$rate.log)"
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  rc=0
  "$root/scripts/run-local.sh" "${args[@]}" 2>&1 | tee -i "$dir/rate-$rate.log" || rc=$?
  echo "$rate $m $rc $load_before $(cut -d' ' -f1 /proc/loadavg)" >> "$dir/runs.txt"
  [ "$rc" = 0 ] || status=1
done

echo
echo "== results (load average 1-min at start/end of each run; other work on the machine inflates latency)"
python3 - "$dir" "$target" <<'PY' || status=1
import json, os, sys
d, target = sys.argv[1], float(sys.argv[2])
rows, ok = [], True
for line in open(os.path.join(d, "runs.txt")):
    rate, mode, rc, l0, l1 = line.split()
    try:
        s = json.load(open(os.path.join(d, f"rate-{rate}", "summary.json")))
    except (OSError, ValueError):
        print(f"{rate:>6} lines/s ({mode}): no summary (run-local.sh exit code {rc}; see {d}/rate-{rate}.log)")
        ok = False
        continue
    mb = lambda b: f"{b / 1048576:.0f} MB"
    p99 = s.get("latency_p99_ms", float("nan"))
    met = p99 < target
    ok = ok and met and rc == "0"
    rows.append((f"{rate}/s {mode}", f"{s['generated'] / max(1, s['load_seconds']):.0f}/s",
                 f"{s['stored']:,}", f"{s['lost']}/{s['duplicated']}",
                 f"{s.get('latency_p50_ms', float('nan')):.0f}", f"{p99:.0f}{'' if met else ' !'}", f"{s.get('latency_max_ms', float('nan')):.0f}",
                 f"{s['agent_cpu_seconds']:.1f} s", mb(s['agent_peak_rss_bytes']),
                 f"{s['collector_cpu_seconds']:.1f} s", mb(s['collector_peak_rss_bytes']), f"{l0}/{l1}"))
head = ("load", "written", "stored", "lost/dup", "p50 ms", "p99 ms", "max ms", "agent CPU", "agent peak", "coll. CPU", "coll. peak", "load avg")
w = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
print("  ".join(h.rjust(w[i]) for i, h in enumerate(head)))
for r in rows:
    print("  ".join(c.rjust(w[i]) for i, c in enumerate(r)))
print(f"target: p99 < {target:.0f} ms, 0 lost, 0 duplicated -> {'met' if ok else 'NOT met (! marks a missed p99)'}")
sys.exit(0 if ok else 1)
PY
exit $status
