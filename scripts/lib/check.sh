# shellcheck shell=bash
# check NAME CMD...: runs one check that is not a test runner and records it as one JUnit-style
# case in $CHECK_REPORT (summed by scripts/lib/junit.py), printing ok/FAIL and the failure's tail.
check() {
  local name=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  record_check "$name" "$rc" "$out"
}

# record_check NAME RC OUTPUT: records an outcome already known (a runner's exit status, a missing suite).
record_check() {
  local name=$1 rc=$2 out=$3
  # The output goes through stdin: as an argument, a long one (a build's error cascade) would
  # exceed the kernel's limit and the failure would never be recorded.
  printf '%s' "$out" | tail -c 4000 | python3 "$(dirname "${BASH_SOURCE[0]}")/junit.py" case "$CHECK_REPORT" "$name" "$rc" - \
    || { echo "scripts/test: could not record the check '$name'" >&2; exit 2; }
  if [ "$rc" -eq 0 ]; then echo "ok    $name"; else echo "FAIL  $name"; printf '%s\n' "$out" | tail -20 | sed 's/^/      /'; fi
  return 0
}
