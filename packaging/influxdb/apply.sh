#!/usr/bin/env bash
# Applies telemetry.iql to an InfluxDB 1.x server over its HTTP API. Idempotent: re-running it changes
# nothing that is already as described; a retention policy whose settings differ is ALTERed; each
# continuous query is dropped and re-created (so an edited definition takes effect).
#
# usage: apply.sh [--url http://127.0.0.1:8086] [--database telemetry] [--username U] [--password P]
#                 [--password-file F] [--iql telemetry.iql] [--ca-file F]
# env:   INFLUX_URL, INFLUX_DATABASE, INFLUX_USERNAME, INFLUX_PASSWORD
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
url="${INFLUX_URL:-http://127.0.0.1:8086}"
database="${INFLUX_DATABASE:-telemetry}"
username="${INFLUX_USERNAME:-}"
password="${INFLUX_PASSWORD:-}"
iql="$here/telemetry.iql"
curl_tls=()

while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --username) username="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    --password-file) password="$(tr -d '\n' < "$2")"; shift 2 ;;
    --iql) iql="$2"; shift 2 ;;
    --ca-file) curl_tls=(--cacert "$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
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
  curl -sS --max-time 30 "${curl_tls[@]}" "${auth[@]}" -XPOST "$url/query" --data-urlencode "q=$1"
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

applied=0
statement=""
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
  statement="${statement//\"telemetry\"/\"$database\"}"
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
      name_on="${statement#CREATE CONTINUOUS QUERY }"
      name_on="${name_on%% RESAMPLE *}"
      name_on="${name_on%% BEGIN *}"
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
  statement=""
done < "$iql"

if [ -n "$statement" ]; then
  echo "apply.sh: statement without a closing ';' at the end of $iql" >&2
  exit 1
fi

echo "apply.sh: applied $applied statements to database '$database' at $url"
