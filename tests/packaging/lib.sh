# Assertions shared by the packaging tests. Each failed check prints one line and counts; `finish`
# prints the tally and fails the script when anything failed.
checks=0
failures=0

pass() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

# check "<what a user would check>" command...
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

# check_eq "<what>" expected actual
check_eq() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}

finish() {
  echo "$(basename "$0"): $((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ] && [ "$checks" -gt 0 ]
}
