#!/usr/bin/env bash
# Sustained-load benchmark of the whole pipeline (scripts/run-local.sh): 6,000 lines/s (100 x the seed's
# 5 million events/day) for 10 minutes by default, appended to the log by the load generator (file mode:
# nginx cannot serve that many requests next to everything else on a 2-core machine), with the shipped
# InfluxDB provisioning (packaging/influxdb/telemetry.iql, rollup continuous queries on) and influxd
# settings (packaging/influxdb/influxd.env).
#
# Prints: lines generated and written, points stored, lost, duplicated; per-minute RSS and CPU-seconds of
# agent, collector and influxd; InfluxDB's own figures per minute (writes timed out, queries, continuous
# queries, cache snapshots, compactions) and the time its continuous queries took (from its log); the
# backlog (bytes of the access logs the agent had not yet had acknowledged) when the load stopped and at the end.
#
# PASS (exit 0) only when all of these hold:
#   - 0 lost and 0 duplicated, the per-status-class counts equal the load generator's;
#   - it kept up: when the load stopped, the pipeline was less than --max-behind seconds of load behind
#     (default 5 s, i.e. 30,000 lines at 6,000/s);
#   - memory flat: for the agent and the collector, the RSS at the last minute is at most the RSS at minute 2
#     plus max(20 %, 32 MB). Minute 2, not 1: the first minute holds start-up (JIT, first buffers, the first
#     GC budgets). influxd's RSS is printed, not judged: it maps its data files, so it grows with the data.
#
# usage: scripts/bench-sustained.sh [--rate 6000] [--duration 600] [--mode file|http] [--no-build] [--dir DIR]
#          [--max-delay hh:mm:ss.fff] [--flush-interval hh:mm:ss.fff] [--no-rollups] [--drain-max SECONDS]
#          [--iql FILE] [--influxd-env FILE] [--max-behind SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rate=6000 duration=600 mode=file dir="" max_behind=5 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --no-build) extra+=(--no-build); shift ;;
    --max-delay|--flush-interval|--drain-max|--iql|--influxd-env) extra+=("$1" "$2"); shift 2 ;;
    --no-rollups) extra+=(--no-rollups); shift ;;
    --max-behind) max_behind=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "bench-sustained.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$duration" =~ ^[0-9]+$ ]] && [ "$duration" -ge 180 ] \
  || { echo "bench-sustained.sh: --duration must be at least 180 s (minute 2 vs the last minute)" >&2; exit 2; }
[[ "$max_behind" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "bench-sustained.sh: --max-behind SECONDS, got '$max_behind'" >&2; exit 2; }
dir=${dir:-$root/.run/bench-sustained-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$dir"
echo "== bench-sustained: $rate lines/s, $mode mode, ${duration} s; results in $dir"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== load average before: $load_before ($(nproc) cores)"
rc=0
"$root/scripts/run-local.sh" --duration "$duration" --rate "$rate" --mode "$mode" --dir "$dir/run" \
  --progress 10 --rss-every 60 "${extra[@]}" 2>&1 | tee -i "$dir/run.log" || rc=${PIPESTATUS[0]}
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "== sustained result ($rate lines/s for $duration s, load average before $load_before, after $load_after)"
python3 - "$dir/run" "$rc" "$max_behind" <<'PY'
import json, os, re, sys
run, rc, max_behind = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    s = json.load(open(os.path.join(run, "summary.json")))
except (OSError, ValueError):
    print(f"no summary ({run}/summary.json); run-local.sh exit code {rc}: see the log above")
    sys.exit(1)
mb = lambda b: b / 1048576
failures = []
if rc not in ("0", "1"):
    failures.append(f"run-local.sh exit code {rc} (a component stopped or failed to start)")

try:
    gen = json.load(open(os.path.join(run, "loadgen-summary.json")))
except (OSError, ValueError):
    gen = {}
load_s = max(1.0, s["load_seconds"])
log_bytes = 0
for f in ("access.log", "generated.log"):
    try:
        log_bytes += os.path.getsize(os.path.join(run, "nginx", f))
    except OSError:
        pass
print(f"  load generator: {gen.get('total', 0):,} lines generated ({gen.get('total', 0) / load_s:,.0f}/s);"
      f" access logs: {s['generated']:,} lines written (with the latency probes), {log_bytes / 1e6:,.0f} MB")
print(f"  points stored {s['stored']:,}; lost {s['lost']:,}; duplicated {s['duplicated']:,}; per-class counts equal the load generator's: {s['classes_match']}")
if s["lost"] > 0: failures.append(f"{s['lost']:,} lines lost")
if s["duplicated"] > 0: failures.append(f"{s['duplicated']:,} points duplicated")
if not s["classes_match"]: failures.append("per-class counts differ")

# Backlog: what the agent had not had acknowledged, from its checkpoints (written at its stop) and the files.
backlog_end = None
try:
    cp = json.load(open(os.path.join(run, "agent-state", "checkpoints.json")))
    backlog_end = 0
    for f in cp.get("files", []):
        try:
            backlog_end += max(0, os.path.getsize(f["path"]) - int(f["offset"]))
        except OSError:
            pass
except (OSError, ValueError):
    pass
rate = s["generated"] / load_s
behind_s = s["behind_at_stop"] / max(1.0, rate)
bytes_per_line = log_bytes / max(1, s["generated"])
print(f"  backlog when the load stopped: {s['behind_at_stop']:,} lines (~{s['behind_at_stop'] * bytes_per_line / 1e6:,.1f} MB of log, {behind_s:.1f} s of load); "
      + (f"caught up {s['drain_seconds']:.0f} s later" if s["lost"] == 0 else f"NOT caught up when the watcher stopped waiting {s['drain_seconds']:.0f} s later"))
print("  backlog at the end (access-log bytes the agent had not had acknowledged): "
      + ("unknown (no agent checkpoint file)" if backlog_end is None else f"{backlog_end:,} bytes")
      + (" - the lines counted as lost above were not stored when the run ended; they still wait in the log files"
         if s["lost"] > 0 and backlog_end else ""))
if behind_s > max_behind:
    failures.append(f"fell behind: {behind_s:.1f} s of load behind when the load stopped (bound {max_behind:g} s)")
if "latency_p50_ms" in s:
    print(f"  latency (line appended -> point queryable): p50 {s['latency_p50_ms']:.0f} ms, p99 {s['latency_p99_ms']:.0f} ms, max {s['latency_max_ms']:.0f} ms ({s['probes']} probes)")

print("  per minute (RSS MB / CPU-seconds in that minute):")
for name in ("agent", "collector", "influxd"):
    rss = s.get(f"{name}_rss_samples_bytes", [])
    cpu = s.get(f"{name}_cpu_samples_seconds", [])
    per_min_cpu = [b - a for a, b in zip([0.0] + cpu[:-1], cpu)]
    cells = " ".join(f"{mb(r):.0f}/{c:.0f}" for r, c in zip(rss, per_min_cpu))
    print(f"    {name:<9} {cells}")
for name in ("agent", "collector", "influxd"):
    rss = s.get(f"{name}_rss_samples_bytes", [])
    total_cpu = s.get(f"{name}_cpu_seconds", 0)
    line = f"  {name:<9} CPU {total_cpu:.0f} s ({100 * total_cpu / load_s:.0f} % of a core, {1e6 * total_cpu / max(1, s['stored']):.0f} CPU-us per point stored), peak RSS {mb(s.get(f'{name}_peak_rss_bytes', 0)):.0f} MB"
    if len(rss) < 3:
        print(line + "; fewer than 3 per-minute samples")
        if name != "influxd": failures.append(f"{name}: fewer than 3 per-minute RSS samples")
        continue
    base, last = rss[1], rss[-1]
    allowed = max(0.20 * base, 32 * 1048576)
    flat = last - base <= allowed
    line += f"; RSS minute 2 {mb(base):.0f} MB -> last minute {mb(last):.0f} MB ({mb(last - base):+.0f} MB)"
    if name == "influxd":
        line += " (not judged: its data files are memory-mapped)"
    else:
        line += "  flat" if flat else f"  GROWING (allowed +{mb(allowed):.0f} MB)"
        if not flat: failures.append(f"{name} RSS grew {mb(last - base):+.0f} MB from minute 2 (allowed +{mb(allowed):.0f} MB)")
    print(line)

stats = s.get("influxd_stats", [])
if len(stats) >= 2:
    a, b = stats[0], stats[-1]
    d = lambda k: b[k] - a[k]
    print(f"  influxd: {d('write_requests'):,} write requests, {d('write_timeouts')} timed out, {d('points_write_failed'):,} points refused, {d('http_server_errors')} HTTP 5xx;"
          f" {d('queries'):,} queries ({d('query_seconds'):.0f} s); {d('cache_snapshots')} cache snapshots ({d('cache_snapshot_seconds'):.0f} s);"
          f" {d('compactions')} compactions ({d('compaction_seconds'):.0f} s)")

# Continuous queries: how long each took, from influxd's log (log-enabled is on by default).
cq = {}
try:
    for line in open(os.path.join(run, "logs", "influxd.log"), errors="replace"):
        if 'msg="Finished continuous query"' in line:
            m = re.search(r" name=(\S+).* duration=([0-9.]+)(ms|s|µs|us)", line)
            if m:
                v = float(m.group(2)) * {"ms": 1e-3, "s": 1.0, "µs": 1e-6, "us": 1e-6}[m.group(3)]
                runs, total, worst = cq.get(m.group(1), (0, 0.0, 0.0))
                cq[m.group(1)] = (runs + 1, total + v, max(worst, v))
except OSError:
    pass
if cq:
    top = sorted(cq.items(), key=lambda kv: -kv[1][1])
    rest = top[2:]
    print("  continuous queries (wall time in influxd): " + "; ".join(f"{n} {r} runs, {t:.1f} s in all, longest {w:.1f} s" for n, (r, t, w) in top[:2])
          + (f"; {len(rest)} others {sum(t for _, (_, t, _) in rest):.1f} s" if rest else ""))

print("  result: " + ("PASS" if not failures else "FAIL - " + "; ".join(failures)))
sys.exit(0 if not failures else 1)
PY
