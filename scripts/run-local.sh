#!/usr/bin/env bash
# The whole pipeline on this machine with realistic load:
#   private InfluxDB (with the retention policies and rollups of packaging/influxdb)
#   <- telemetry-collector <- telemetry-agent (tailing a real nginx's access log, host metrics on)
#   <- nginx on loopback <- telemetry-loadgen http (realistic traffic with unique request ids)
# Shows progress while it runs and a summary at the end (Ctrl-C or --duration): generated vs stored per
# status class, lines lost, latency from line appended to point queryable, CPU and memory of agent and
# collector. Everything it starts, it stops; its data lives in the one directory it prints.
#
# usage: scripts/run-local.sh [--duration SECONDS (default 120; 0 = until Ctrl-C)] [--rate LINES/S (default 1000)]
#                             [--mode http|file] [--dir DIR]
# --mode http (default): the load goes through nginx, which writes the log. --mode file: the load generator
# appends nginx-format lines to the log itself (for rates beyond what nginx sustains next to everything
# else on a small machine); nginx still runs, unused.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=120 rate=1000 dir="" mode=http
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run-local.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

"$root/scripts/install-deps.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dir=${dir:-$root/.run/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$dir"/{bin,influxdb,nginx,agent-state,logs}
dir=$(cd "$dir" && pwd)
echo "== run directory: $dir"

echo "== building (Release)"
for p in collector/Telemetry.Collector agent/Telemetry.Agent tests/Telemetry.LoadGenerator tests/Telemetry.LocalRun; do
  dotnet publish "$root/$p" -c Release -p:PublishAot=false -nologo -v q -o "$dir/bin/$(basename "$p")" >/dev/null
done
collector_bin=$dir/bin/Telemetry.Collector/telemetry-collector
agent_bin=$dir/bin/Telemetry.Agent/telemetry-agent
loadgen_bin=$dir/bin/Telemetry.LoadGenerator/telemetry-loadgen
watch_bin=$dir/bin/Telemetry.LocalRun/telemetry-localrun

free_port() { python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}
influx_http=$(free_port) influx_rpc=$(free_port) grpc=$(free_port) otlp_http=$(free_port) web=$(free_port)

pids=()
cleanup() {
  trap - EXIT INT TERM
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  [ -f "$dir/nginx/nginx.pid" ] && kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "== stopped everything; data kept in $dir (delete it when done)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # url what
  for _ in $(seq 120); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "$2 did not come up; see $dir/logs" >&2; exit 1
}

echo "== InfluxDB on 127.0.0.1:$influx_http"
cat > "$dir/influxdb/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$influx_rpc"
[meta]
  dir = "$dir/influxdb/meta"
[data]
  dir = "$dir/influxdb/data"
  wal-dir = "$dir/influxdb/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$influx_http"
  log-enabled = false
[continuous_queries]
  run-interval = "10s"
CONF
/usr/bin/influxd -config "$dir/influxdb/influxdb.conf" >"$dir/logs/influxd.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$influx_http/ping" influxd
"$root/packaging/influxdb/apply.sh" --url "http://127.0.0.1:$influx_http" >"$dir/logs/influx-provisioning.log"

echo "== collector: OTLP gRPC 127.0.0.1:$grpc, OTLP/HTTP 127.0.0.1:$otlp_http"
cat > "$dir/collector.yaml" <<CONF
receiver:
  grpc_endpoint: "127.0.0.1:$grpc"
  http_endpoint: "127.0.0.1:$otlp_http"
influxdb:
  url: "http://127.0.0.1:$influx_http"
  database: telemetry
self_metrics:
  interval: "00:00:10"
CONF
"$collector_bin" --config "$dir/collector.yaml" >"$dir/logs/collector.log" 2>&1 &
collector_pid=$!; pids+=($collector_pid)
wait_for "http://127.0.0.1:$otlp_http/readyz" collector

echo "== nginx on 127.0.0.1:$web, access log $dir/nginx/access.log"
sed -e "s|{{PREFIX}}|$dir/nginx|g" -e "s|{{PORT}}|$web|g" -e "s|{{ACCESS_LOG}}|$dir/nginx/access.log|g" \
  "$root/tests/Telemetry.LoadGenerator/ServerConfigs/nginx.conf.template" > "$dir/nginx/nginx.conf"
touch "$dir/nginx/access.log"
/usr/sbin/nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log" >"$dir/logs/nginx.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$web/" nginx

echo "== agent tailing $dir/nginx/access.log, host metrics every 10 s"
log_format=$(sed -n "/log_format timed/,/;/p" "$dir/nginx/nginx.conf" | sed -e 's/^ *log_format timed *//' -e "s/^ *'//" -e "s/' *;\?$//" -e "s/'$//" | tr -d '\n')
cat > "$dir/agent.yaml" <<CONF
state_dir: "$dir/agent-state"
collector:
  endpoint: "http://127.0.0.1:$grpc"
  insecure: true
sources:
  - name: nginx
    format: nginx
    log_format: '$log_format'
    paths: ["$dir/nginx/access.log"]
    start_at: beginning
host_metrics:
  enabled: true
  interval: "00:00:10"
CONF
"$agent_bin" check --config "$dir/agent.yaml" >"$dir/logs/agent-check.log"
"$agent_bin" run --config "$dir/agent.yaml" >"$dir/logs/agent.log" 2>&1 &
agent_pid=$!; pids+=($agent_pid)

case "$mode" in
  http)
    echo "== load: $rate requests/s for ${duration}s (0 = until Ctrl-C) through nginx"
    loadgen_args=(http --url "http://127.0.0.1:$web" --rate "$rate" --concurrency 16)
    probe=(--probe-url "http://127.0.0.1:$web/probe") ;;
  file)
    echo "== load: $rate lines/s for ${duration}s (0 = until Ctrl-C) appended to the log"
    loadgen_args=(file --out "$dir/nginx/access.log" --format nginx --preset timed --rate "$rate")
    probe=(--probe-file "$dir/nginx/access.log") ;;
  *) echo "run-local.sh: --mode http|file, got '$mode'" >&2; exit 2 ;;
esac
if [ "$duration" -gt 0 ]; then loadgen_args+=(--duration "${duration}s"); else loadgen_args+=(--duration 86400s); fi
# Own process group (set -m): Ctrl-C reaches the watcher, which then stops the load with SIGINT so that
# the load generator still prints its summary.
set -m
"$loadgen_bin" "${loadgen_args[@]}" >"$dir/loadgen-summary.json" 2>"$dir/logs/loadgen.log" &
loadgen_pid=$!; pids+=($loadgen_pid)
set +m

echo "== Grafana: point a data source at http://127.0.0.1:$influx_http (database telemetry), or use"
echo "   packaging/grafana/ with TELEMETRY_INFLUXDB_URL=http://127.0.0.1:$influx_http (docs/dashboards.md)"
status=0
"$watch_bin" watch --influx "http://127.0.0.1:$influx_http" --access-log "$dir/nginx/access.log" \
  "${probe[@]}" --duration "$duration" \
  --expected "$dir/loadgen-summary.json" --summary-out "$dir/summary.json" \
  --process "agent=$agent_pid" --process "collector=$collector_pid" --stop-pid "$loadgen_pid" || status=$?
echo "== summary written to $dir/summary.json"
exit $status
