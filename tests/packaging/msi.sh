#!/usr/bin/env bash
# Builds the agent .msi with wixl and checks its tables (msiinfo export) for what Windows Installer will
# do with it: the service, its start type and account, the install paths, the upgrade code and rules, and
# a configuration that survives upgrades and uninstall. Needs wixl and msitools.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if ! msi=$("$root/packaging/msi/build-msi.sh" "$out"); then
  fail "build the .msi"; finish; exit 1
fi
pass "build $(basename "$msi") ($(du -h "$msi" | cut -f1))"
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$root/Directory.Build.props" | head -n1)

table() { msiinfo export "$msi" "$1" | tr -d '\r' | tail -n +4; }   # rows only, tab-separated
field() { awk -F'\t' -v k="$2" -v c="$3" '$1 == k { print $c }' <<<"$1"; }

suminfo=$(msiinfo suminfo "$msi")
check "x64 package (Template x64)" grep -q '^Template: x64;' <<<"$suminfo"

props=$(table Property)
check_eq "UpgradeCode is the product's fixed one" "{6E1C7C1B-5F0B-4C52-9C7A-3B1D2A7F4E10}" "$(field "$props" UpgradeCode 2)"
check_eq "ProductVersion is the build's version" "$version" "$(field "$props" ProductVersion 2)"
check_eq "per-machine install (ALLUSERS=1)" "1" "$(field "$props" ALLUSERS 2)"

upgrade=$(table Upgrade)
check "MajorUpgrade: older versions detected for removal" grep -qP '^\{6E1C7C1B-5F0B-4C52-9C7A-3B1D2A7F4E10\}\t\t'"${version//./\\.}"'\t.*WIX_UPGRADE_DETECTED$' <<<"$upgrade"
check "MajorUpgrade: newer versions block a downgrade" grep -q 'WIX_DOWNGRADE_DETECTED$' <<<"$upgrade"
check "RemoveExistingProducts is scheduled" grep -q '^RemoveExistingProducts' <<<"$(table InstallExecuteSequence)"
check "downgrade gives an error message" grep -q 'WIX_DOWNGRADE_DETECTED' <<<"$(table LaunchCondition)"

svc=$(table ServiceInstall)
check_eq "service name" "telemetry-agent" "$(field "$svc" AgentServiceInstall 2)"
check_eq "service is its own process (type 16)" "16" "$(field "$svc" AgentServiceInstall 4)"
check_eq "service starts automatically (start type 2)" "2" "$(field "$svc" AgentServiceInstall 5)"
check_eq "service account" "LocalSystem" "$(field "$svc" AgentServiceInstall 9)"
check_eq "service runs the agent with the ProgramData config" \
  'run --config "[CommonAppDataFolder]Telemetry\Agent\agent.yaml"' "$(field "$svc" AgentServiceInstall 11)"
check_eq "service belongs to the executable's component" "AgentService" "$(field "$svc" AgentServiceInstall 12)"

ctl=$(table ServiceControl)
# 163 = start on install (1) + stop on install (2) + stop on uninstall (32) + delete on uninstall (128).
check_eq "service started on install, stopped on upgrade/uninstall, removed on uninstall" "163" "$(field "$ctl" AgentServiceControl 3)"

dirs=$(table Directory)
check_eq "binaries under Program Files (64-bit)\\Telemetry" "ProgramFiles64Folder" "$(field "$dirs" TelemetryProgramDir 2)"
check_eq "binaries in ...\\Telemetry\\Agent" "TelemetryProgramDir Agent" "$(field "$dirs" INSTALLDIR 2) $(field "$dirs" INSTALLDIR 3)"
check_eq "configuration under ProgramData\\Telemetry\\Agent" "CommonAppDataFolder TelemetryDataDir Agent" \
  "$(field "$dirs" TelemetryDataDir 2) $(field "$dirs" AGENTDATADIR 2) $(field "$dirs" AGENTDATADIR 3)"
check_eq "state directory created under ProgramData\\Telemetry\\Agent\\state" "AGENTSTATEDIR" "$(field "$(table CreateFolder)" AGENTSTATEDIR 1)"

files=$(table File)
check_eq "agent executable installed by the service component" "AgentService telemetry-agent.exe" \
  "$(field "$files" AgentExe 2) $(field "$files" AgentExe 3)"
check_eq "agent.yaml installed by the config component" "AgentConfig agent.yaml" "$(field "$files" AgentYaml 2) $(field "$files" AgentYaml 3)"

comps=$(table Component)
attrs=$(field "$comps" AgentConfig 4)
check "config component is 64-bit (256)" test $((attrs & 256)) -ne 0
check "config component is NeverOverwrite (128): an edited agent.yaml survives upgrades" test $((attrs & 128)) -ne 0
check "config component is Permanent (16): uninstall leaves agent.yaml" test $((attrs & 16)) -ne 0
check_eq "executable component is 64-bit and replaced on upgrade" "256" "$(field "$comps" AgentService 4)"

mkdir -p "$out/x"
check "msiextract lists the executable and the config" sh -c "msiextract -C '$out/x' '$msi' | grep -q 'telemetry-agent.exe' && test -f \"\$(find '$out/x' -name agent.yaml | head -n1)\""
exe=$(find "$out/x" -name telemetry-agent.exe | head -n1)
check "the executable is a Windows x86-64 program" sh -c "file -b '$exe' | grep -q 'PE32+ executable.*x86-64'"
cfg=$(find "$out/x" -name agent.yaml | head -n1)
check "the shipped config tails IIS logs" grep -q 'format: iis' "$cfg"

finish
