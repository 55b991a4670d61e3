#!/usr/bin/env bash
# Lints the Ansible playbook, applies it to this machine with a local connection (InfluxDB, collector and
# agent roles, PKI with mutual TLS and a bearer token), applies it again expecting changed=0, then starts
# the installed binaries directly (no systemd as PID 1 here) and checks that lines appended to the
# log the agent tails arrive in InfluxDB over TLS. Needs root, ansible, ansible-lint, influxdb.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
playbook=$root/packaging/ansible
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  dpkg -P telemetry-agent telemetry-collector >/dev/null 2>&1
  rm -rf "$work" /var/log/telemetry-ansible-test
}
trap cleanup EXIT

lint=$(cd "$playbook" && NO_COLOR=1 ansible-lint -p site.yml 2>&1)
if grep -q '^Passed with production profile' <<<"$lint"; then pass "ansible-lint: production profile"; else fail "ansible-lint"; echo "$lint"; fi
check "ansible-playbook --syntax-check" sh -c "cd '$playbook' && ansible-playbook -i localhost, site.yml --syntax-check"

packages=${PACKAGES_DIR:-$root/artifacts}
for c in agent collector; do
  if [ ! -f "$packages/deb/telemetry-${c}_$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$root/Directory.Build.props")_amd64.deb" ]; then
    "$root/packaging/deb/build-deb.sh" "$c" amd64 "$packages/deb" >/dev/null || fail "build $c .deb"
  fi
done

# InfluxDB as the package installed it, started directly (the role's service tasks are guarded).
start_influxd() {
  runuser -u influxdb -- /usr/bin/influxd -config /etc/influxdb/influxdb.conf >>"$work/influxd.log" 2>&1 &
  influxd_pid=$!; pids+=("$influxd_pid")
  for _ in $(seq 60); do curl -sf -o /dev/null http://127.0.0.1:8086/ping && return 0; sleep 0.5; done
  return 1
}
install -d -o influxdb -g influxdb /var/lib/influxdb
check "influxd starts from the package's config" start_influxd

install -d -m 0750 -o root -g adm /var/log/telemetry-ansible-test
install -m 0640 -o root -g adm /dev/null /var/log/telemetry-ansible-test/access.log
cat > "$work/inventory.yml" <<INV
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: /usr/bin/python3
  vars:
    telemetry_pki_dir: $work/pki
    telemetry_packages_dir: $packages
    telemetry_collector_address: localhost
    telemetry_mtls: true
    telemetry_bearer_token: ansible-test-token-0123456789
    influxdb_admin_password: admin-secret
    influxdb_writer_password: writer-secret
    influxdb_reader_password: reader-secret
    telemetry_agent_sources:
      - name: web
        format: nginx
        paths: [/var/log/telemetry-ansible-test/access.log]
        start_at: beginning
  children:
    influxdb: { hosts: { localhost: } }
    collectors: { hosts: { localhost: } }
    agents: { hosts: { localhost: } }
INV
run_playbook() { (cd "$playbook" && ANSIBLE_NOCOLOR=1 ansible-playbook -i "$work/inventory.yml" site.yml) > "$work/run$1.log" 2>&1; }
if run_playbook 1; then pass "first run applies"; else fail "first run applies"; tail -n 40 "$work/run1.log" "$work/influxd.log"; fi
# The config change enabling authentication asked for a restart that the guard skipped: do it here.
kill "$influxd_pid"; wait "$influxd_pid" 2>/dev/null
check "influxd restarts with authentication on" start_influxd
if run_playbook 2; then pass "second run applies"; else fail "second run applies"; tail -n 40 "$work/run2.log"; fi
recap=$(grep -E '^localhost +:' "$work/run2.log" | tail -n1)
check "second run changes nothing (changed=0 failed=0)" grep -qE 'changed=0 .*failed=0 ' <<<"$recap"
grep -q 'changed=0 ' <<<"$recap" || grep -B3 -E '^changed:' "$work/run2.log" | head -40

q() { curl -sG http://127.0.0.1:8086/query -u "admin:admin-secret" --data-urlencode "db=telemetry" --data-urlencode "q=$1"; }
check "database telemetry exists" sh -c "curl -sG http://127.0.0.1:8086/query -u admin:admin-secret --data-urlencode 'q=SHOW DATABASES' | grep -q '\"telemetry\"'"
check "retention policy raw is 7 days and the default" sh -c "curl -sG http://127.0.0.1:8086/query -u admin:admin-secret --data-urlencode 'q=SHOW RETENTION POLICIES ON telemetry' | grep -q '\"raw\",\"168h0m0s\",\"[^\"]*\",1,true'"
check "anonymous queries are refused (authentication on)" sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' -G http://127.0.0.1:8086/query --data-urlencode 'q=SHOW DATABASES')\" = 401"
check "the writer cannot read users (least privilege)" sh -c "! curl -sG http://127.0.0.1:8086/query -u telemetry_writer:writer-secret --data-urlencode 'q=SHOW USERS' | grep -q '\"admin\"'"
for f in /etc/telemetry-collector/tls/server-key.pem /etc/telemetry-agent/tls/client-key.pem /etc/telemetry-agent/token; do
  check "$f is not world-readable" sh -c "test \$(( 0\$(stat -c %a $f) & 07 )) -eq 0"
done

# The inventory's settings reach the configs (role defaults must not override them).
check "collector requires client certificates (inventory telemetry_mtls: true)" grep -q 'require_client_certificate: true' /etc/telemetry-collector/collector.yaml
check "collector requires the bearer token (inventory telemetry_bearer_token)" grep -q 'ansible-test-token-0123456789' /etc/telemetry-collector/collector.yaml
check "agent presents a client certificate" grep -q 'client_cert_file:' /etc/telemetry-agent/agent.yaml

# The installed binaries, as their users, with the configs the playbook wrote.
runuser -u telemetry-collector -- /usr/bin/telemetry-collector --config /etc/telemetry-collector/collector.yaml >"$work/collector.log" 2>&1 &
pids+=($!)
runuser -u telemetry-agent -- /usr/bin/telemetry-agent run --config /etc/telemetry-agent/agent.yaml >"$work/agent.log" 2>&1 &
pids+=($!)
n=200
run=$(date +%s)-$$ # this run's lines only: InfluxDB keeps earlier runs' points on a reused machine
for i in $(seq 1 $n); do
  printf '10.0.0.%d - - [%s] "GET /ansible/%d?rid=ansible-%s-%d HTTP/1.1" %d 512 "-" "curl/8.0"\n' \
    $((i % 250)) "$(date -u '+%d/%b/%Y:%H:%M:%S +0000')" "$i" "$run" "$i" $((i % 10 == 0 ? 503 : 200))
done >> /var/log/telemetry-ansible-test/access.log
count=0
for _ in $(seq 60); do
  count=$(q "SELECT count(status_code) FROM http_requests WHERE \"query\" =~ /rid=ansible-$run-/" | grep -oE '"values":\[\["[^"]*",[0-9]+' | grep -oE '[0-9]+$' || echo 0)
  [ "${count:-0}" -ge "$n" ] && break
  sleep 1
done
check_eq "lines appended to the tailed log are in InfluxDB (agent -> mTLS -> collector -> influxd)" "$n" "${count:-0}"
if [ "${count:-0}" -ne "$n" ]; then tail -n 20 "$work/agent.log" "$work/collector.log"; q "SHOW MEASUREMENTS"; echo; q "SELECT * FROM http_requests LIMIT 3"; echo; fi
check "the collector runs with authentication on" sh -c "! grep -q 'Authentication is OFF' '$work/collector.log'"

finish
