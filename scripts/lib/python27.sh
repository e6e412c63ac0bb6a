# shellcheck shell=bash
# find_python27: prints the path of a Python 2.7.x interpreter, or explains on stderr and fails.
# Order: $PYTHON27, python2.7 on PATH, pyenv's 2.7.18 (or any pyenv 2.7.x).
find_python27() {
  local candidates=() c prefix v
  [ -n "${PYTHON27:-}" ] && candidates+=("$PYTHON27")
  c=$(command -v python2.7 2>/dev/null) && candidates+=("$c")
  if command -v pyenv >/dev/null 2>&1; then
    prefix=$(pyenv prefix 2.7.18 2>/dev/null) && candidates+=("$prefix/bin/python")
    for v in $(pyenv versions --bare 2>/dev/null | grep '^2\.7\.' || true); do
      prefix=$(pyenv prefix "$v" 2>/dev/null) && candidates+=("$prefix/bin/python")
    done
  fi
  for c in "${candidates[@]}"; do
    if [ -x "$c" ] && "$c" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (2, 7) else 1)' 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  echo "Python 2.7.x not found: set PYTHON27=/path/to/python2.7, or install it (pyenv install 2.7.18)" >&2
  return 1
}
