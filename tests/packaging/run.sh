#!/usr/bin/env bash
# Runs every packaging test (deb, msi, ansible) and fails when any of them fails.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
for t in ${PACKAGING_TESTS:-msi deb ansible}; do
  echo "== packaging: $t"
  "$here/$t.sh" 2> >(grep -v -e 'GLib-GObject-WARNING' -e '^$' >&2) || status=1
done
exit $status
