#!/usr/bin/env bash
# Builds the .deb of the agent or the collector from a fresh publish.
#   packaging/deb/build-deb.sh agent|collector amd64|arm64 [output-dir]
# amd64 agent: Native AOT. arm64 agent and both collectors: self-contained single file (Native AOT
# cannot cross-compile here). Prints the path of the package it built.
set -euo pipefail

component=${1:?usage: build-deb.sh agent|collector amd64|arm64 [output-dir]}
arch=${2:?usage: build-deb.sh agent|collector amd64|arm64 [output-dir]}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${3:-$root/artifacts/deb}
here=$root/packaging/deb
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$root/Directory.Build.props" | head -n1)

case "$arch" in
  amd64) rid=linux-x64; objdump=objdump ;;
  arm64) rid=linux-arm64; objdump=objdump ;;
  *) echo "unknown architecture: $arch" >&2; exit 2 ;;
esac

case "$component" in
  agent)
    pkg=telemetry-agent; project=agent/Telemetry.Agent; config_name=agent.yaml
    config_src=$root/packaging/agent/agent.yaml
    description="Web-server access-log and host-metrics agent (OTLP)"
    if [ "$arch" = amd64 ]; then publish_flags=(-p:PublishAot=true); else publish_flags=(-p:PublishAot=false --self-contained -p:PublishSingleFile=true); fi
    ;;
  collector)
    pkg=telemetry-collector; project=collector/Telemetry.Collector; config_name=collector.yaml
    config_src=$root/packaging/collector/collector.yaml
    description="OTLP collector writing web-server telemetry to InfluxDB"
    publish_flags=(--self-contained -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true)
    ;;
  *) echo "unknown component: $component" >&2; exit 2 ;;
esac

[ -f "$config_src" ] || { echo "missing sample config $config_src" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
publish=$work/publish
stage=$work/$pkg

dotnet publish "$root/$project" -c Release -r "$rid" "${publish_flags[@]}" -p:DebugType=none -p:DebugSymbols=false \
  -warnaserror -nologo -v q -o "$publish" >&2

install -d -m 0755 "$stage/DEBIAN" "$stage/usr/bin" "$stage/etc/$pkg" "$stage/lib/systemd/system" \
  "$stage/usr/share/doc/$pkg" "$stage/usr/share/man/man1" "$stage/usr/share/lintian/overrides"
install -m 0755 "$publish/$pkg" "$stage/usr/bin/$pkg"
# A plain ELF (the amd64 Native AOT agent) loses its .comment section; a single-file bundle must not be
# touched (its payload follows the ELF image).
if [ "$component" = agent ] && [ "$arch" = amd64 ]; then
  objcopy --remove-section=.comment "$stage/usr/bin/$pkg"
fi
install -m 0644 "$config_src" "$stage/etc/$pkg/$config_name"
install -m 0644 "$root/packaging/systemd/$pkg.service" "$stage/lib/systemd/system/$pkg.service"
install -m 0644 "$here/copyright" "$stage/usr/share/doc/$pkg/copyright"
install -m 0644 "$here/$component/README" "$stage/usr/share/doc/$pkg/README"
gzip -9n -c "$here/changelog" > "$stage/usr/share/doc/$pkg/changelog.gz"
gzip -9n -c "$here/man/$pkg.1" > "$stage/usr/share/man/man1/$pkg.1.gz"
chmod 0644 "$stage/usr/share/doc/$pkg/changelog.gz" "$stage/usr/share/man/man1/$pkg.1.gz"
install -m 0644 "$here/$component/lintian-overrides" "$stage/usr/share/lintian/overrides/$pkg"

extra_groups=""
[ "$component" = agent ] && extra_groups="adm"
for script in postinst prerm postrm; do
  sed -e "s|@PKG@|$pkg|g" -e "s|@EXTRA_GROUPS@|$extra_groups|g" -e "s|@CONFIG@|$config_name|g" \
    "$here/maintscripts/$script.in" > "$stage/DEBIAN/$script"
  chmod 0755 "$stage/DEBIAN/$script"
done
echo "/etc/$pkg/$config_name" > "$stage/DEBIAN/conffiles"

# libc version from the binary's symbol versions; TLS needs libssl at run time (loaded with dlopen).
glibc=$($objdump -T "$stage/usr/bin/$pkg" 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n1 || true)
depends="libc6 (>= ${glibc:-2.31}), libssl3 | libssl1.1, adduser, ca-certificates"
if [ "$component" = collector ] || [ "$arch" = arm64 ]; then
  depends="$depends, libgcc-s1, libstdc++6"
fi
installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)

cat > "$stage/DEBIAN/control" <<CONTROL
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: Telemetry maintainers <telemetry@example.org>
Installed-Size: $installed_size
Depends: $depends
Section: net
Priority: optional
Homepage: https://example.org/telemetry
Description: $description
$(sed 's/^/ /' "$here/$component/description")
CONTROL

(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum > DEBIAN/md5sums)
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"

mkdir -p "$out"
deb="$out/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >&2
echo "$deb"
