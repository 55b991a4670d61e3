#!/usr/bin/env bash
# The whole pipeline on this machine with realistic load:
#   private InfluxDB (with the retention policies and rollups of packaging/influxdb)
#   <- telemetry-collector <- telemetry-agent (tailing a real nginx's access log, host metrics on)
#   <- nginx on loopback <- telemetry-loadgen http (realistic traffic with unique request ids)
# Shows progress every 2 s and a summary at the end (Ctrl-C or --duration): lines written vs points stored
# per status class, lost and duplicated lines, latency from line appended to point queryable, CPU and
# memory of agent and collector. Everything it starts, it stops (also on Ctrl-C or failure); its data
# lives in the one directory it prints. Exit code 0 only when nothing was lost or duplicated.
#
# usage: scripts/run-local.sh [--duration SECONDS (default 120; 0 = until Ctrl-C)] [--rate LINES/S (default 1000)]
#          [--mode http|file] [--dir DIR] [--no-build] [--max-delay hh:mm:ss.fff] [--flush-interval hh:mm:ss.fff]
#          [--progress SECONDS] [--rss-every SECONDS] [--no-rollups] [--drain-max SECONDS]
#          [--iql FILE] [--influxd-env FILE]
# --mode http (default): the load goes through nginx, which writes the log. --mode file: the load generator
#   appends nginx-format lines to the log itself (for rates beyond what nginx sustains next to everything
#   else on a small machine); nginx still runs, for the probes only.
# --no-build: reuse the binaries of the last build (.run/bin). --max-delay / --flush-interval: the agent's
#   batch.max_delay and the collector's influxdb.flush_interval (default: the products' defaults).
# --no-rollups: create the database and retention policies but not the continuous queries (they re-read
#   the last 10 minutes of http_requests every minute: at thousands of lines/s that is InfluxDB's largest cost).
# --drain-max: after the load, wait at most this long for the pipeline to catch up (default 600).
# --iql: the InfluxDB provisioning to apply (default packaging/influxdb/telemetry.iql), to compare rollup designs.
# --influxd-env: influxd settings as INFLUXDB_* environment variables (default packaging/influxdb/influxd.env, the
#   settings recommended for the shipped deployment); --influxd-env /dev/null runs influxd with its own defaults.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=120 rate=1000 dir="" mode=http build=1 max_delay="" flush_interval="" progress=2 rss_every=0 rollups=1 drain_max=600
iql=$root/packaging/influxdb/telemetry.iql influxd_env=$root/packaging/influxdb/influxd.env
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --max-delay) max_delay=$2; shift 2 ;;
    --flush-interval) flush_interval=$2; shift 2 ;;
    --progress) progress=$2; shift 2 ;;
    --rss-every) rss_every=$2; shift 2 ;;
    --no-rollups) rollups=0; shift ;;
    --drain-max) drain_max=$2; shift 2 ;;
    --iql) iql=$2; shift 2 ;;
    --influxd-env) influxd_env=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "run-local.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$mode" in http|file) ;; *) echo "run-local.sh: --mode http|file, got '$mode'" >&2; exit 2 ;; esac
[[ "$duration" =~ ^[0-9]+$ ]] || { echo "run-local.sh: --duration SECONDS, got '$duration'" >&2; exit 2; }
[[ "$rate" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "run-local.sh: --rate LINES/S, got '$rate'" >&2; exit 2; }
for f in "$iql" "$influxd_env"; do [ -r "$f" ] || { echo "run-local.sh: cannot read '$f'" >&2; exit 2; }; done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dir=${dir:-$root/.run/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$dir"/{influxdb,nginx,agent-state,logs}
dir=$(cd "$dir" && pwd)
logs=$dir/logs
bin=$root/.run/bin
echo "== run directory: $dir (logs in $logs)"

# --- stopping: every process started below is recorded here and stopped on any exit ----------------------
names=() pids=() logfiles=()
stop_one() { # pid: TERM to its process group, up to 10 s to exit, then KILL
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "   $2 did not stop within 10 s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    echo "== stopping ${names[*]}"
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_one "${pids[$i]}" "${names[$i]}"; done
  fi
  echo "== data and logs kept in $dir (delete it when done)"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "== interrupted"; exit 130' INT TERM

# start NAME LOGFILE command...: in its own session (setsid), so that Ctrl-C in the terminal reaches only this
# script and the watcher, which then stop the rest in order and still print the summary.
start() {
  local name=$1 logfile=$2; shift 2
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  names+=("$name") pids+=($!) logfiles+=("$logfile")
}
pid_of() { for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && echo "${pids[$i]}"; done; }
show_log() { # name logfile: the tail of a component's log, for the operator
  echo "---- last lines of $2 ($1) ----" >&2
  tail -n "${3:-25}" "$2" >&2 2>/dev/null || echo "(no log)" >&2
  echo "----" >&2
}
fail() { # name logfile message
  echo "FAILED: $3" >&2
  show_log "$1" "$2"
  exit 1
}
wait_for() { # name logfile url
  local pid; pid=$(pid_of "$1")
  for _ in $(seq 240); do
    curl -sf -o /dev/null --max-time 2 "$3" && return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; fail "$1" "$2" "$1 exited with code $? while starting"; }
    sleep 0.25
  done
  fail "$1" "$2" "$1 did not answer $3 within 60 s"
}
# A component that died while the load ran is the first thing to report.
check_alive() {
  local dead=0
  for i in "${!names[@]}"; do
    [ "${names[$i]}" = loadgen ] && continue
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      wait "${pids[$i]}" 2>/dev/null && code=0 || code=$?
      echo "FAILED: ${names[$i]} (pid ${pids[$i]}) exited during the run with code $code" >&2
      show_log "${names[$i]}" "${logfiles[$i]}"
      dead=1
    fi
  done
  return $dead
}

# --- build --------------------------------------------------------------------------------------------------
projects=(collector/Telemetry.Collector agent/Telemetry.Agent tests/Telemetry.LoadGenerator tests/Telemetry.LocalRun)
if [ "$build" = 1 ]; then
  "$root/scripts/install-deps.sh"
  echo "== building (Release) into $bin"
  for p in "${projects[@]}"; do
    out=$bin/$(basename "$p")
    rm -rf "$out" # publish skips files whose copy looks newer; a fresh folder is always right
    if ! dotnet publish "$root/$p" -c Release -p:PublishAot=false -nologo -v q -o "$out" >"$logs/build-$(basename "$p").log" 2>&1; then
      fail "build" "$logs/build-$(basename "$p").log" "dotnet publish $p"
    fi
  done
fi
collector_bin=$bin/Telemetry.Collector/telemetry-collector
agent_bin=$bin/Telemetry.Agent/telemetry-agent
loadgen_bin=$bin/Telemetry.LoadGenerator/telemetry-loadgen
watch_bin=$bin/Telemetry.LocalRun/telemetry-localrun
for b in "$collector_bin" "$agent_bin" "$loadgen_bin" "$watch_bin"; do
  [ -x "$b" ] || { echo "run-local.sh: $b missing (run without --no-build)" >&2; exit 1; }
done

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
influx_http=$(free_port) influx_rpc=$(free_port) grpc=$(free_port) otlp_http=$(free_port) web=$(free_port)

# --- InfluxDB -------------------------------------------------------------------------------------------------
echo "== influxd on 127.0.0.1:$influx_http"
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
# The recommended settings (INFLUXDB_* variables override the file, as /etc/default/influxdb does for the
# packaged service); the paths and ports above stay this run's own.
influxd_vars=()
while IFS= read -r line; do
  case "$line" in INFLUXDB_*=*) influxd_vars+=("$line") ;; esac
done < "$influxd_env"
echo "   settings from $influxd_env: ${influxd_vars[*]:-(none)}"
start influxd "$logs/influxd.log" env "${influxd_vars[@]}" /usr/bin/influxd -config "$dir/influxdb/influxdb.conf"
wait_for influxd "$logs/influxd.log" "http://127.0.0.1:$influx_http/ping"
if [ "$rollups" = 0 ]; then
  grep -v '^CREATE CONTINUOUS QUERY' "$iql" > "$dir/influxdb/telemetry-no-rollups.iql"
  iql=$dir/influxdb/telemetry-no-rollups.iql
  echo "   (--no-rollups: no continuous queries)"
fi
"$root/packaging/influxdb/apply.sh" --url "http://127.0.0.1:$influx_http" --iql "$iql" >"$logs/influx-provisioning.log" 2>&1 \
  || fail provisioning "$logs/influx-provisioning.log" "packaging/influxdb/apply.sh (database, retention policies, rollups)"

# --- collector ------------------------------------------------------------------------------------------------
echo "== collector: OTLP/gRPC 127.0.0.1:$grpc, OTLP/HTTP 127.0.0.1:$otlp_http"
{
  echo "receiver:"
  echo "  grpc_endpoint: \"127.0.0.1:$grpc\""
  echo "  http_endpoint: \"127.0.0.1:$otlp_http\""
  echo "influxdb:"
  echo "  url: \"http://127.0.0.1:$influx_http\""
  echo "  database: telemetry"
  [ -z "$flush_interval" ] || echo "  flush_interval: $flush_interval"
  echo "self_metrics:"
  echo "  interval: 00:00:10"
} > "$dir/collector.yaml"
start collector "$logs/collector.log" "$collector_bin" --config "$dir/collector.yaml"
wait_for collector "$logs/collector.log" "http://127.0.0.1:$otlp_http/readyz"

# --- nginx ----------------------------------------------------------------------------------------------------
access_log=$dir/nginx/access.log
# --mode file: the load generator writes its own file (it does not open with O_APPEND, so it must not share
# nginx's); nginx's log then holds only the latency probes. The agent tails both.
generated_log=$dir/nginx/generated.log
echo "== nginx on 127.0.0.1:$web, access log $access_log"
sed -e "s|{{PREFIX}}|$dir/nginx|g" -e "s|{{PORT}}|$web|g" -e "s|{{ACCESS_LOG}}|$access_log|g" \
  "$root/tests/Telemetry.LoadGenerator/ServerConfigs/nginx.conf.template" > "$dir/nginx/nginx.conf"
: > "$access_log"
start nginx "$logs/nginx.log" /usr/sbin/nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log"
wait_for nginx "$dir/nginx/error.log" "http://127.0.0.1:$web/.ready" # not logged (nginx.conf.template)
: > "$generated_log"

# --- agent ----------------------------------------------------------------------------------------------------
echo "== agent tailing $dir/nginx/*.log (host metrics every 10 s)"
log_format=$(sed -n "/log_format timed/,/;/p" "$dir/nginx/nginx.conf" \
  | sed -e 's/^ *log_format timed *//' -e "s/^ *'//" -e "s/' *;\?$//" | tr -d '\n')
{
  echo "state_dir: \"$dir/agent-state\""
  echo "collector:"
  echo "  endpoint: \"http://127.0.0.1:$grpc\""
  echo "  insecure: true"
  echo "sources:"
  echo "  - name: nginx"
  echo "    format: nginx"
  echo "    log_format: '$log_format'"
  echo "    paths: [\"$access_log\", \"$generated_log\"]"
  echo "    start_at: beginning"
  if [ -n "$max_delay" ]; then echo "batch:"; echo "  max_delay: $max_delay"; fi
  echo "host_metrics:"
  echo "  enabled: true"
  echo "  interval: 00:00:10"
} > "$dir/agent.yaml"
"$agent_bin" check --config "$dir/agent.yaml" >"$logs/agent-check.log" 2>&1 \
  || fail agent "$logs/agent-check.log" "telemetry-agent check --config $dir/agent.yaml"
start agent "$logs/agent.log" "$agent_bin" run --config "$dir/agent.yaml"

# --- load -----------------------------------------------------------------------------------------------------
[ "$duration" -gt 0 ] && run_for="${duration}s" || run_for=86400s
case "$mode" in
  http)
    echo "== load: $rate requests/s through nginx for ${duration}s (0 = until Ctrl-C)"
    loadgen_args=(http --url "http://127.0.0.1:$web" --rate "$rate" --concurrency 16 --duration "$run_for") ;;
  file)
    echo "== load: $rate lines/s appended to the access log for ${duration}s (0 = until Ctrl-C)"
    loadgen_args=(file --out "$generated_log" --format nginx --preset timed --rate "$rate" --duration "$run_for") ;;
esac
# The load generator prints its JSON summary (what it generated, per status class) on stdout at the end.
setsid "$loadgen_bin" "${loadgen_args[@]}" >"$dir/loadgen-summary.json" 2>"$logs/loadgen.log" </dev/null &
names+=(loadgen) pids+=($!) logfiles+=("$logs/loadgen.log")
loadgen_pid=$!

echo "== Grafana: add an InfluxDB data source http://127.0.0.1:$influx_http (database telemetry), or run"
echo "   packaging/grafana/ with TELEMETRY_INFLUXDB_URL=http://127.0.0.1:$influx_http (docs/dashboards.md)"
echo
# Ctrl-C now goes to the watcher, which stops the load, waits for the pipeline to drain and prints the summary.
trap ':' INT
status=0
"$watch_bin" watch --influx "http://127.0.0.1:$influx_http" --access-log "$access_log" --access-log "$generated_log" \
  --probe-url "http://127.0.0.1:$web/probe" --duration "$duration" --progress "$progress" --rss-every "$rss_every" --drain-max "$drain_max" \
  --expected "$dir/loadgen-summary.json" --summary-out "$dir/summary.json" \
  --process "agent=$(pid_of agent)" --process "collector=$(pid_of collector)" --process "influxd=$(pid_of influxd)" \
  --stop-pid "$loadgen_pid" || status=$?
trap 'echo; echo "== interrupted"; exit 130' INT

check_alive || status=3
if ! kill -0 "$loadgen_pid" 2>/dev/null && ! wait "$loadgen_pid"; then
  echo "FAILED: the load generator exited with an error" >&2
  show_log loadgen "$logs/loadgen.log"
  status=1
fi
case $status in
  0) echo "== PASS: every line written is a point in InfluxDB, once. Summary: $dir/summary.json" ;;
  3) echo "FAILED: a component stopped during the run (see above)" >&2 ;;
  *) echo "FAILED: lines lost, duplicated or counted differently (summary above, $dir/summary.json)" >&2
     show_log agent "$logs/agent.log" 15; show_log collector "$logs/collector.log" 15 ;;
esac
exit $status
