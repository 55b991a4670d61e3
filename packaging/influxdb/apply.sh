#!/usr/bin/env bash
# Applies telemetry.iql to an InfluxDB 1.x server over its HTTP API. Idempotent: re-running it changes
# nothing that is already as described; a retention policy whose settings differ is ALTERed; each
# continuous query is dropped and re-created (so an edited definition takes effect).
#
# usage: apply.sh [--url http://127.0.0.1:8086] [--database telemetry] [--username U] [--password P]
#                 [--password-file F] [--iql telemetry.iql] [--ca-file F] [--raw-request-rollups]
#                 [--backfill FROM TO [--chunk MINUTES]]
# env:   INFLUX_URL, INFLUX_DATABASE, INFLUX_USERNAME, INFLUX_PASSWORD
#
# --raw-request-rollups: also apply raw-request-rollups.iql, the optional continuous queries that roll up the
#   raw http_requests points (by exact status and by route). They are off by default because at thousands of
#   lines/s they stall InfluxDB's writes each minute (docs/operations.md, "Sizing: what the rollups cost").
#   Without this flag apply.sh drops them if they exist (an earlier version created them by default), so
#   re-run it with the same flags each time. With --backfill it also backfills them.
#
# --backfill FROM TO: instead of provisioning, recompute the rollups of every continuous query in the .iql
#   for FROM <= time < TO (RFC 3339 UTC, e.g. 2026-11-23T10:00:00Z; FROM is rounded down and TO up to a whole
#   minute, so no minute is rolled up from part of its points). Runs each CQ's own SELECT ... INTO with that
#   time range, --chunk minutes at a time (default 10) to bound what InfluxDB reads per query. Rewriting a
#   minute replaces its rollup points (same series and time), so a backfill can be re-run. Use it after
#   raw points arrived later than the CQs' RESAMPLE FOR window (an agent or collector outage: see
#   docs/operations.md, "InfluxDB rollups after an outage").
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
url="${INFLUX_URL:-http://127.0.0.1:8086}"
database="${INFLUX_DATABASE:-telemetry}"
username="${INFLUX_USERNAME:-}"
password="${INFLUX_PASSWORD:-}"
iql="$here/telemetry.iql"
raw_iql="$here/raw-request-rollups.iql" raw_rollups=0
curl_tls=()
backfill_from="" backfill_to="" chunk_minutes=10
max_time=30 # seconds per request; a backfill chunk may read millions of points

while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --username) username="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    --password-file) password="$(tr -d '\n' < "$2")"; shift 2 ;;
    --iql) iql="$2"; shift 2 ;;
    --ca-file) curl_tls=(--cacert "$2"); shift 2 ;;
    --raw-request-rollups) raw_rollups=1; shift ;;
    --backfill) [ $# -ge 3 ] || { echo "apply.sh: --backfill FROM TO" >&2; exit 2; }
                backfill_from="$2"; backfill_to="$3"; shift 3 ;;
    --chunk) chunk_minutes="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "apply.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

case "$database" in
  *[!A-Za-z0-9_-]*|"") echo "apply.sh: --database: only letters, digits, '_' and '-' allowed, got '$database'" >&2; exit 2 ;;
esac

auth=()
if [ -n "$username" ]; then
  auth=(--user "$username:$password")
fi

# query STATEMENT -> prints the JSON answer; exit 1 on HTTP failure.
query() {
  curl -sS --max-time "$max_time" "${curl_tls[@]}" "${auth[@]}" -XPOST "$url/query" --data-urlencode "q=$1"
}

# run STATEMENT [tolerated-error-regex]: fails on any error in the answer that is not tolerated.
run() {
  local answer
  if ! answer="$(query "$1")"; then
    echo "apply.sh: request failed: $1" >&2
    return 1
  fi
  if printf '%s' "$answer" | grep -q '"error"'; then
    if [ -n "${2:-}" ] && printf '%s' "$answer" | grep -Eq "$2"; then
      return 3
    fi
    echo "apply.sh: InfluxDB refused: $1" >&2
    echo "  -> $answer" >&2
    return 1
  fi
}

if ! curl -sS --max-time 10 "${curl_tls[@]}" -o /dev/null -w '%{http_code}' "$url/ping" | grep -q '^204$'; then
  echo "apply.sh: no InfluxDB answering at $url/ping" >&2
  exit 1
fi

# statements FILE: each statement of the .iql on one line, comments dropped, database renamed.
statements() {
  local line statement=""
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      --*|\#*|"") continue ;;
    esac
    statement="${statement:+$statement }$line"
    case "$statement" in
      *\;) ;;
      *) continue ;;
    esac
    statement="${statement%;}"
    printf '%s\n' "${statement//\"telemetry\"/\"$database\"}"
    statement=""
  done < "$1"
  if [ -n "$statement" ]; then
    echo "apply.sh: statement without a closing ';' at the end of $1" >&2
    return 1
  fi
}

# cq_name_on STATEMENT -> '"name" ON "database"' of a CREATE CONTINUOUS QUERY statement; cq_name -> name.
cq_name_on() {
  local name_on="${1#CREATE CONTINUOUS QUERY }"
  name_on="${name_on%% RESAMPLE *}"
  printf '%s\n' "${name_on%% BEGIN *}"
}
cq_name() {
  local name="${1#CREATE CONTINUOUS QUERY \"}"
  printf '%s\n' "${name%%\"*}"
}

all=$(statements "$iql") || exit 1
optional=""
if [ -r "$raw_iql" ]; then
  optional=$(statements "$raw_iql") || exit 1
elif [ "$raw_rollups" = 1 ]; then
  echo "apply.sh: --raw-request-rollups: cannot read $raw_iql" >&2
  exit 2
fi
if [ "$raw_rollups" = 1 ]; then
  all="$all"$'\n'"$optional"
fi

if [ -n "$backfill_from" ]; then
  [[ "$chunk_minutes" =~ ^[1-9][0-9]*$ ]] || { echo "apply.sh: --chunk MINUTES (a positive whole number), got '$chunk_minutes'" >&2; exit 2; }
  epoch() { # RFC 3339 -> seconds; only UTC ('Z') so the minute rounding is the one InfluxDB uses
    [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?Z$ ]] \
      || { echo "apply.sh: --backfill: '$1' is not an RFC 3339 UTC time such as 2026-11-23T10:00:00Z" >&2; return 1; }
    date -u -d "$1" +%s
  }
  from=$(epoch "$backfill_from") || exit 2
  to=$(epoch "$backfill_to") || exit 2
  from=$((from / 60 * 60)) to=$(((to + 59) / 60 * 60))
  [ "$from" -lt "$to" ] || { echo "apply.sh: --backfill: FROM must be before TO" >&2; exit 2; }
  rfc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
  max_time=900
  cqs=0 queries=0
  while IFS= read -r statement; do
    case "$statement" in "CREATE CONTINUOUS QUERY "*) ;; *) continue ;; esac
    name=$(cq_name "$statement")
    select="${statement#* BEGIN }"; select="${select% END}"
    case "$select" in
      "SELECT "*" GROUP BY time("*) ;;
      *) echo "apply.sh: --backfill: $name is not 'SELECT ... GROUP BY time(...) ...'" >&2; exit 1 ;;
    esac
    case "$select" in *" WHERE "*) echo "apply.sh: --backfill: $name has its own WHERE clause; not supported" >&2; exit 1 ;; esac
    head="${select%% GROUP BY *}" tail="${select#"$head"}"
    for ((t = from; t < to; t += chunk_minutes * 60)); do
      end=$((t + chunk_minutes * 60)); [ "$end" -le "$to" ] || end=$to
      run "$head WHERE time >= '$(rfc "$t")' AND time < '$(rfc "$end")'$tail" || exit 1
      queries=$((queries + 1))
    done
    cqs=$((cqs + 1))
  done <<< "$all"
  [ "$cqs" -gt 0 ] || { echo "apply.sh: --backfill: no continuous query in $iql" >&2; exit 1; }
  echo "apply.sh: backfilled $cqs continuous queries from $(rfc "$from") to $(rfc "$to") ($queries queries) in database '$database' at $url"
  exit 0
fi

applied=0
while IFS= read -r statement; do
  [ -n "$statement" ] || continue
  case "$statement" in
    "CREATE RETENTION POLICY "*)
      status=0
      run "$statement" 'already exists|conflicts' || status=$?
      if [ "$status" -eq 3 ]; then
        run "ALTER ${statement#CREATE }"
      elif [ "$status" -ne 0 ]; then
        exit 1
      fi
      ;;
    "CREATE CONTINUOUS QUERY "*)
      name_on=$(cq_name_on "$statement")
      status=0
      run "DROP CONTINUOUS QUERY $name_on" 'not found|does not exist' || status=$?
      if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit 1; fi
      run "$statement"
      ;;
    *)
      run "$statement"
      ;;
  esac
  applied=$((applied + 1))
done <<< "$all"

# The optional continuous queries not asked for: drop them if an earlier run (or version) created them.
# (InfluxDB answers a DROP of a continuous query that does not exist without an error, so look first.)
dropped=0
shown=$(query "SHOW CONTINUOUS QUERIES") || { echo "apply.sh: request failed: SHOW CONTINUOUS QUERIES" >&2; exit 1; }
while IFS= read -r statement; do
  case "$statement" in "CREATE CONTINUOUS QUERY "*) ;; *) continue ;; esac
  name_on=$(cq_name_on "$statement") name=$(cq_name "$statement")
  case $'\n'"$all"$'\n' in *$'\n'"CREATE CONTINUOUS QUERY $name_on "*) continue ;; esac
  printf '%s' "$shown" | grep -Fq -e "[\"$name\",\"CREATE CONTINUOUS QUERY $name ON $database " \
    -e "[\"$name\",\"CREATE CONTINUOUS QUERY $name ON \\\"$database\\\" " || continue
  run "DROP CONTINUOUS QUERY $name_on" || exit 1
  dropped=$((dropped + 1))
done <<< "$optional"

note=""
[ "$dropped" -eq 0 ] || note=" (dropped $dropped optional continuous queries of $(basename "$raw_iql"); --raw-request-rollups keeps them)"
echo "apply.sh: applied $applied statements to database '$database' at $url$note"
