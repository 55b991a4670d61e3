#!/usr/bin/env bash
# Installs the Debian packages the tests and the local pipeline use, when they are missing.
# Idempotent; needs root (or sudo) on a Debian/Ubuntu machine.
set -euo pipefail

packages=(influxdb apache2 nginx curl procps sysstat iproute2 util-linux python3 msitools wixl lintian ansible ansible-lint systemd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  # policy-rc.d keeps the packaged services from starting: tests start private instances on free ports.
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  "${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
fi

for tool in influxd apache2 nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing after install: $tool" >&2; exit 1; }
done
