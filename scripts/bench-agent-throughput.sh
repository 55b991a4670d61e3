#!/usr/bin/env bash
# Tail + parse + export throughput of the Native AOT agent on one core. A pre-written access log (realistic
# Apache `combined` lines from tests/Telemetry.LoadGenerator: varied routes, statuses, user agents, referers,
# IPv4/IPv6 clients) is read from the beginning by the agent pinned to one core (`taskset -c $agent_cpu`), host
# metrics off, exporting OTLP/gRPC (default batching, gzip as configured) to `otlp-sink`
# (tests/Telemetry.Benchmarks), which acknowledges at once and counts records from the raw protobuf, pinned
# to another core. Prints lines, wall seconds from agent start until the sink has the last record, lines/s,
# agent CPU seconds (utime + stime from /proc/<pid>/stat), lines per CPU-second and peak RSS (VmHWM), and
# checks that the sink received every line exactly once (distinct per-line timestamps) and none malformed.
# Targets (docs/performance.md): >= 200,000 lines/s on one core, RSS < 50 MB.
#
# usage: scripts/bench-agent-throughput.sh [--lines N (default 3000000)] [--gzip true|false (default true)]
#                                          [--agent-cpu C (default 1)] [--sink-cpu C (default 0)] [--keep]
#                                          [--agent DIR (an already published agent: skips the publish)]
#                                          [--no-build (use the sink and generator already built in Release)]
#                                          [--max-bytes N (batch.max_bytes; default: the agent's)]
#                                          [--max-in-flight N (batch.max_in_flight; default: the agent's)]
# The generated log is cached in ${BENCH_CACHE:-/tmp/bench-agent-throughput-cache} and reused by later runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lines=3000000 gzip=true agent_cpu=1 sink_cpu=0 keep=0 agent_dir= build=1 max_bytes= max_in_flight=
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) lines=$2; shift 2 ;;
    --gzip) gzip=$2; shift 2 ;;
    --agent-cpu) agent_cpu=$2; shift 2 ;;
    --sink-cpu) sink_cpu=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --agent) agent_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --max-bytes) max_bytes=$2; shift 2 ;;
    --max-in-flight) max_in_flight=$2; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench-agent-throughput.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dir=$(mktemp -d /tmp/bench-agent-throughput.XXXXXX)
cache=${BENCH_CACHE:-/tmp/bench-agent-throughput-cache}
mkdir -p "$dir"/{state,logs} "$cache"
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$keep" -eq 0 ]; then rm -rf "$dir"; else echo "kept $dir"; fi
}
trap cleanup EXIT

rid=linux-x64
[ "$(uname -m)" = aarch64 ] && rid=linux-arm64
if [ -z "$agent_dir" ]; then
  echo "== publishing the agent with Native AOT ($rid)"
  agent_dir="$dir/agent"
  dotnet publish "$root/agent/Telemetry.Agent" -c Release -r "$rid" -p:PublishAot=true -nologo -o "$agent_dir" >"$dir/logs/publish-agent.log" 2>&1 \
    || { tail -30 "$dir/logs/publish-agent.log"; exit 1; }
  if grep -E "warning (IL|AOT)[0-9]+" "$dir/logs/publish-agent.log"; then
    echo "AOT/trim warnings in the agent publish (see above)" >&2; exit 1
  fi
fi
[ -x "$agent_dir/telemetry-agent" ] || { echo "no telemetry-agent in $agent_dir" >&2; exit 1; }
if [ "$build" -eq 1 ]; then
  echo "== building the OTLP sink and the log generator"
  dotnet build "$root/tests/Telemetry.Benchmarks" -c Release -nologo >"$dir/logs/build-sink.log" 2>&1 \
    || { tail -30 "$dir/logs/build-sink.log"; exit 1; }
  dotnet build "$root/tests/Telemetry.LoadGenerator" -c Release -nologo >"$dir/logs/build-loadgen.log" 2>&1 \
    || { tail -30 "$dir/logs/build-loadgen.log"; exit 1; }
fi

log="$cache/access-combined-$lines.log"
if [ ! -s "$log" ] || [ "$(wc -l <"$log")" -ne "$lines" ]; then
  echo "== generating $lines Apache combined lines into $log"
  rm -f "$log"
  dotnet "$root/tests/Telemetry.LoadGenerator/bin/Release/net10.0/telemetry-loadgen.dll" file --out "$log" \
    --format apache --preset combined --pace none --count "$lines" --rate 5000 --seed 42 >"$dir/logs/loadgen.log" 2>&1 \
    || { tail -30 "$dir/logs/loadgen.log"; exit 1; }
fi
have=$(wc -l <"$log")
[ "$have" -eq "$lines" ] || { echo "generated $have lines, expected $lines" >&2; exit 1; }
bytes=$(stat -c %s "$log")
# Read it once so the page cache holds it: the benchmark measures the agent, not the disk.
cat "$log" >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)
taskset -c "$sink_cpu" dotnet "$root/tests/Telemetry.Benchmarks/bin/Release/net10.0/Telemetry.Benchmarks.dll" otlp-sink \
  --port "$port" --expect "$lines" >"$dir/logs/sink.log" 2>&1 &
sink=$!
pids+=($sink)
for _ in $(seq 240); do grep -q '^listening' "$dir/logs/sink.log" && break; sleep 0.25; done
grep -q '^listening' "$dir/logs/sink.log" || { echo "otlp-sink did not come up:"; tail -20 "$dir/logs/sink.log"; exit 1; }

cat > "$dir/agent.yaml" <<CONF
state_dir: "$dir/state"
collector:
  endpoint: "http://127.0.0.1:$port"
  insecure: true
  gzip: $gzip
sources:
  - name: bench
    format: apache
    log_format: combined
    paths: ["$log"]
    start_at: beginning
host_metrics:
  enabled: false
CONF
if [ -n "$max_bytes$max_in_flight" ]; then
  echo "batch:" >>"$dir/agent.yaml"
  [ -z "$max_bytes" ] || echo "  max_bytes: $max_bytes" >>"$dir/agent.yaml"
  [ -z "$max_in_flight" ] || echo "  max_in_flight: $max_in_flight" >>"$dir/agent.yaml"
fi

ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }   # utime + stime (fields 14, 15)
hz=$(getconf CLK_TCK)
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== $lines lines ($((bytes / 1048576)) MiB), agent on cpu $agent_cpu, sink on cpu $sink_cpu, gzip $gzip, load average $load"
s0=$(date +%s.%N)
taskset -c "$agent_cpu" "$agent_dir/telemetry-agent" run --config "$dir/agent.yaml" >"$dir/logs/agent.log" 2>&1 &
agent=$!
pids+=($agent)

last=-1 still=0
while ! grep -q '^complete' "$dir/logs/sink.log"; do
  kill -0 "$agent" 2>/dev/null || { echo "agent exited:"; tail -20 "$dir/logs/agent.log"; exit 1; }
  sleep 0.1
  now=$( (grep '^progress' "$dir/logs/sink.log" || true) | tail -1 | sed 's/.*records=\([0-9]*\).*/\1/')
  if [ "${now:-0}" = "$last" ]; then still=$((still + 1)); else still=0; last=${now:-0}; fi
  if [ "$still" -ge 600 ]; then
    echo "FAIL: no progress for 60 s at $last of $lines records"; tail -20 "$dir/logs/agent.log"; exit 1
  fi
done
t1=$(ticks "$agent")
hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$agent/status")
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$agent/status")
done_unix=$(sed -n 's/^complete .*unix=\([0-9.]*\).*/\1/p' "$dir/logs/sink.log")

# Give duplicates a chance to show, then stop the agent and the sink and read the sink's final tally.
sleep 2
kill "$agent"; wait "$agent" 2>/dev/null || true
kill "$sink"
for _ in $(seq 120); do grep -q '^final' "$dir/logs/sink.log" && break; sleep 0.25; done
final=$(grep '^final' "$dir/logs/sink.log" || true)
[ -n "$final" ] || { echo "otlp-sink printed no final tally:"; tail -20 "$dir/logs/sink.log"; exit 1; }
field() { echo "$final" | sed "s/.* $1=\([0-9]*\).*/\1/"; }
records=$(field records) distinct=$(field distinct) malformed=$(field malformed) requests=$(field log_requests)

awk -v n="$lines" -v bytes="$bytes" -v s0="$s0" -v s1="$done_unix" -v t1="$t1" -v hz="$hz" -v hwm="$hwm_kb" -v rss="$rss_kb" \
    -v rec="$records" -v dist="$distinct" -v bad="$malformed" -v req="$requests" -v load="$load" 'BEGIN {
  wall = s1 - s0; cpu = t1 / hz
  printf "lines:                 %d (%.0f bytes/line)\n", n, bytes / n
  printf "wall until all acked:  %.2f s (agent start to last record at the sink)\n", wall
  printf "throughput:            %.0f lines/s\n", n / wall
  printf "agent CPU:             %.2f s (utime + stime, includes start-up)\n", cpu
  printf "lines per CPU-second:  %.0f\n", n / cpu
  printf "agent peak RSS:        %.1f MiB (VmHWM; VmRSS at the end %.1f MiB)\n", hwm / 1024, rss / 1024
  printf "sink:                  %d records in %d export requests, %d distinct, %d malformed\n", rec, req, dist, bad
  printf "load average at start: %s\n", load
  fail = 0
  if (rec != n) { printf "FAIL: sink received %d records, expected %d\n", rec, n; fail = 1 }
  if (dist != rec) { printf "FAIL: %d duplicate records\n", rec - dist; fail = 1 }
  if (bad != 0) { printf "FAIL: %d lines were not parsed\n", bad; fail = 1 }
  if (fail) exit 1
  status = 0
  if (n / cpu < 200000) { print "BELOW TARGET: 200,000 lines per CPU-second"; status = 3 }
  if (hwm / 1024 >= 50) { print "ABOVE TARGET: 50 MB peak RSS"; status = 3 }
  if (status == 0) print "within targets (>= 200,000 lines/s on one core, RSS < 50 MB)"
  exit status
}'
