#!/usr/bin/env bash
# Builds a Python venv from a pinned requirements file, or reuses the one already built from the
# same file (a sha256 stamp inside the venv says which file built it). Shared by the interop test
# (real LSO) and the bench (orchestrator-core): both need Python 3.12-3.14, and Debian 12's
# python3 is 3.11, so interpreters from pyenv are looked for too.
#
# usage: scripts/cached-venv.sh VENV REQUIREMENTS PROBE_MODULE [PYTHON_ENV_VAR]
#   PROBE_MODULE   a module the finished venv must import (a half-built venv is rebuilt)
#   PYTHON_ENV_VAR the variable a user sets to choose the interpreter (default PYTHON)
set -euo pipefail

venv=$1 requirements=$2 probe=$3 chooser=${4:-PYTHON}
stamp="$venv/.requirements.sha256"

fits() { "$1" -c 'import sys, venv, ensurepip; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 15))' 2>/dev/null; }

find_python() {
  local candidate
  for candidate in "${!chooser:-}" python3.14 python3.13 python3.12 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null && fits "$candidate" && { command -v "$candidate"; return; }
  done
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[234]*/bin/python3; do
    [ -x "$candidate" ] && fits "$candidate" && { echo "$candidate"; return; }
  done
  return 1
}

wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && "$venv/bin/python" -c "import $probe" >/dev/null 2>&1; then
  echo "== venv up to date ($venv)"
  exit 0
fi

if ! python=$(find_python); then
  echo "ERROR: $venv needs Python 3.12, 3.13 or 3.14 with the venv module." >&2
  echo "       Install one (e.g. apt-get install python3.12-venv, or pyenv install 3.12) or set $chooser." >&2
  exit 1
fi
echo "== building $venv with $python ($("$python" --version))"
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$wanted" > "$stamp"
