#!/usr/bin/env bash
# Builds the agent and collector .debs (amd64 and arm64), lints them, then installs, runs, upgrades,
# removes and purges the amd64 agent on this machine, checking what an operator would check.
# Needs root, dpkg, lintian, systemd (for systemd-analyze) and man-db. Changes the machine: run it in CI
# or a throwaway VM.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The packages stay in artifacts/deb for the Ansible test.
debdir=${PACKAGES_DIR:-$root/artifacts}/deb

archs=${DEB_ARCHS:-"amd64 arm64"}
declare -A debs
for component in agent collector; do
  for arch in $archs; do
    if deb=$("$root/packaging/deb/build-deb.sh" "$component" "$arch" "$debdir"); then
      debs[$component-$arch]=$deb
      pass "build $component $arch: $(basename "$deb") ($(du -h "$deb" | cut -f1))"
    else
      fail "build $component $arch"
    fi
  done
done

for key in "${!debs[@]}"; do
  deb=${debs[$key]}
  if lintian --fail-on warning --tag-display-limit 0 "$deb" > "$out/lintian.txt" 2>&1; then
    pass "lintian --fail-on warning: $(basename "$deb")"
  else
    fail "lintian --fail-on warning: $(basename "$deb")"; grep -v 'root privileges' "$out/lintian.txt"
  fi
done

agent_deb=${debs[agent-amd64]:-}
collector_deb=${debs[collector-amd64]:-}
if [ -z "$agent_deb" ] || [ -z "$collector_deb" ]; then
  fail "amd64 packages built (needed for the install checks)"; finish; exit 1
fi

# A machine where an earlier run left the packages behind starts clean.
dpkg -P telemetry-agent telemetry-collector >/dev/null 2>&1 || true

# --- install -----------------------------------------------------------------------------------
check "dpkg -i agent" dpkg -i "$agent_deb"
check "dpkg -i collector" dpkg -i "$collector_deb"
check_eq "agent package state" "install ok installed" "$(dpkg-query -W -f='${Status}' telemetry-agent)"

for pkg in telemetry-agent telemetry-collector; do
  check "$pkg: system user exists" getent passwd "$pkg"
  check_eq "$pkg: user has no login shell" "/usr/sbin/nologin" "$(getent passwd "$pkg" | cut -d: -f7)"
  uid=$(id -u "$pkg" 2>/dev/null || echo 0)
  check "$pkg: user is a system user (uid < 1000)" test "$uid" -gt 0 -a "$uid" -lt 1000
  check_eq "$pkg: binary is root-owned 0755" "root:root 755" "$(stat -c '%U:%G %a' /usr/bin/$pkg)"
  check_eq "$pkg: state dir owned by the service, 0750" "$pkg:$pkg 750" "$(stat -c '%U:%G %a' /var/lib/$pkg)"
  cfg=$(ls /etc/$pkg/*.yaml)
  check_eq "$pkg: config readable by the service group only" "root:$pkg 640" "$(stat -c '%U:%G %a' "$cfg")"
  check "$pkg: config is a conffile" grep -qx "$cfg" /var/lib/dpkg/info/$pkg.conffiles
  check "$pkg: unit installed" test -f /lib/systemd/system/$pkg.service
  check "$pkg: unit enabled for multi-user.target" test -L /etc/systemd/system/multi-user.target.wants/$pkg.service
  check "$pkg: man page installed" test -f /usr/share/man/man1/$pkg.1.gz
  verify_err=$(systemd-analyze verify /lib/systemd/system/$pkg.service 2>&1 >/dev/null)
  check_eq "$pkg: systemd-analyze verify prints nothing on stderr" "" "$verify_err"
done
check_eq "agent user groups: own group and adm, nothing more" "adm telemetry-agent" \
  "$(id -nG telemetry-agent | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "collector user groups: own group only" "telemetry-collector" "$(id -nG telemetry-collector)"

# --- runs as its user, reads an adm-readable log --------------------------------------------------
logdir=/var/log/telemetry-deb-test
install -d -m 0750 -o root -g adm "$logdir"
printf '%s\n' \
  '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a?x=1 HTTP/1.1" 200 2326 "-" "curl/8.0"' \
  '::1 - bob [10/Oct/2000:13:55:37 -0700] "POST /b HTTP/1.1" 503 12 "http://r/" "Mozilla/5.0"' \
  'not an access log line' > "$logdir/access.log"
chown root:adm "$logdir/access.log"; chmod 0640 "$logdir/access.log"
parsed=$out/parsed.jsonl
runuser -u telemetry-agent -- sh -c "/usr/bin/telemetry-agent parse --format nginx < $logdir/access.log" >"$parsed" 2>"$out/parse.err"
check_eq "agent (as telemetry-agent) parses an adm-only log: 3 output lines" 3 "$(grep -c '"line"' "$parsed")"
check "line 1 is ok with status 200" grep -q '^{"line":1,"ok":true.*"http.response.status_code":200' "$parsed"
check "line 2 carries the IPv6 client" grep -q '^{"line":2,"ok":true.*"client.address":"::1"' "$parsed"
check "line 3 is reported malformed" grep -q '^{"line":3,"ok":false' "$parsed"
check "agent (as telemetry-agent) validates the packaged config and lists its sources" sh -c \
  "runuser -u telemetry-agent -- /usr/bin/telemetry-agent check --config /etc/telemetry-agent/agent.yaml | grep -q nginx"
check "collector --help runs" runuser -u telemetry-collector -- /usr/bin/telemetry-collector --help
rm -rf "$logdir"

# --- upgrade over itself keeps an edited config ----------------------------------------------------
echo "# edited by the operator" >> /etc/telemetry-agent/agent.yaml
check "dpkg -i agent again (upgrade in place)" dpkg -i --force-confdef --force-confold "$agent_deb"
check "edited config survives the upgrade" grep -qx "# edited by the operator" /etc/telemetry-agent/agent.yaml
check_eq "config permissions survive the upgrade" "root:telemetry-agent 640" "$(stat -c '%U:%G %a' /etc/telemetry-agent/agent.yaml)"
check "no .dpkg-dist left beside it (config unchanged in the package)" test ! -e /etc/telemetry-agent/agent.yaml.dpkg-dist

# --- remove keeps config and state; purge deletes them ---------------------------------------------
touch /var/lib/telemetry-agent/checkpoints.json
check "dpkg -r agent" dpkg -r telemetry-agent
check "binary gone after remove" test ! -e /usr/bin/telemetry-agent
check "unit gone after remove" test ! -e /lib/systemd/system/telemetry-agent.service
check "config kept after remove" test -f /etc/telemetry-agent/agent.yaml
check "state kept after remove" test -f /var/lib/telemetry-agent/checkpoints.json
check_eq "package state after remove" "deinstall ok config-files" "$(dpkg-query -W -f='${Status}' telemetry-agent)"
check "dpkg -P agent" dpkg -P telemetry-agent
check "config gone after purge" test ! -e /etc/telemetry-agent
check "state gone after purge" test ! -e /var/lib/telemetry-agent
check "unit no longer enabled after purge" test ! -e /etc/systemd/system/multi-user.target.wants/telemetry-agent.service
check "package unknown after purge" sh -c "! dpkg-query -W telemetry-agent 2>/dev/null | grep -q ."
check "dpkg -P collector" dpkg -P telemetry-collector
check "collector config gone after purge" test ! -e /etc/telemetry-collector

finish
