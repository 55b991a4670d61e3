#!/usr/bin/env bash
# Builds the Windows x64 .msi of the agent with wixl from a self-contained win-x64 publish.
#   packaging/msi/build-msi.sh [output-dir]      prints the path of the .msi
# Needs: dotnet, wixl (Debian package `wixl`), msibuild (msitools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/artifacts/msi}
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$root/Directory.Build.props" | head -n1)
# Windows Installer compares only major.minor.build, each within 255.255.65535.
if ! [[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || ((BASH_REMATCH[1] > 255 || BASH_REMATCH[2] > 255 || BASH_REMATCH[3] > 65535)); then
  echo "version '$version' is not a valid MSI ProductVersion (major.minor.build, 255.255.65535)" >&2; exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
publish=$work/publish
# Native AOT cannot cross-compile to Windows here: self-contained single file instead.
dotnet publish "$root/agent/Telemetry.Agent" -c Release -r win-x64 --self-contained -p:PublishAot=false \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=false -p:DebugType=none -p:DebugSymbols=false \
  -nologo -v q -o "$publish" >&2
[ -f "$publish/telemetry-agent.exe" ] || { echo "publish produced no telemetry-agent.exe" >&2; exit 1; }

# Anything the publish puts beside the executable (native libraries) gets its own component.
components="" refs="" n=0
while IFS= read -r -d '' file; do
  name=$(basename "$file")
  [ "$name" = telemetry-agent.exe ] && continue
  n=$((n + 1))
  components+="            <Component Id=\"AgentFile$n\" Guid=\"*\" Win64=\"yes\"><File Id=\"AgentFile$n\" Name=\"$name\" Source=\"publish/$name\" KeyPath=\"yes\"/></Component>"$'\n'
  refs+="      <ComponentRef Id=\"AgentFile$n\"/>"$'\n'
done < <(find "$publish" -maxdepth 1 -type f ! -name '*.pdb' -print0 | sort -z)

wxs=$work/telemetry-agent.wxs
# wixl resolves Source paths relative to the working directory only.
cp "$here/agent.yaml" "$work/agent.yaml"
awk -v version="$version" -v publish=publish -v config=agent.yaml \
    -v components="$components" -v refs="$refs" '
  { gsub(/@VERSION@/, version); gsub(/@PUBLISH@/, publish); gsub(/@CONFIG@/, config) }
  /^@EXTRA_COMPONENTS@$/ { printf "%s", components; next }
  /^@EXTRA_REFS@$/ { printf "%s", refs; next }
  { print }' "$here/telemetry-agent.wxs.in" > "$wxs"

mkdir -p "$out"
msi=$out/telemetry-agent-$version-x64.msi
# wixl warns about attributes it ignores; the ones it ignores silently are fixed below.
(cd "$work" && wixl -a x64 -o "$msi" "$wxs") >&2
# Component attributes: 256 = 64-bit, 128 = NeverOverwrite (an edited config is not replaced on upgrade),
# 16 = Permanent (uninstall leaves it). wixl drops the last two (docs: ../shared/TOOLCHAIN.md).
msibuild "$msi" -q "UPDATE \`Component\` SET \`Attributes\` = 400 WHERE \`Component\` = 'AgentConfig'"
echo "$msi"
