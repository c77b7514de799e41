#!/usr/bin/env bash
# Installs the real LSO (and the Ansible it runs) into .interop/venv for `npm run test:interop`.
# Cached: a venv built from the same interop/requirements.txt is reused as it is.
# LSO 5.2 requires Python 3.12-3.14; Debian 12's python3 is 3.11, so interpreters from pyenv
# are looked for too. Set LSO_PYTHON to choose one.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.interop/venv
REQUIREMENTS=interop/requirements.txt
STAMP="$VENV/.requirements.sha256"

fits() { "$1" -c 'import sys, venv, ensurepip; sys.exit(not (3, 12) <= sys.version_info[:2] < (3, 15))' 2>/dev/null; }

find_python() {
  local candidate
  for candidate in "${LSO_PYTHON:-}" python3.14 python3.13 python3.12 python3; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null && fits "$candidate" && { command -v "$candidate"; return; }
  done
  for candidate in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[234]*/bin/python3; do
    [ -x "$candidate" ] && fits "$candidate" && { echo "$candidate"; return; }
  done
  return 1
}

wanted=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$wanted" ] && "$VENV/bin/python" -c 'import lso' 2>/dev/null; then
  echo "== LSO venv up to date ($VENV)"
  exit 0
fi

if ! python=$(find_python); then
  echo "ERROR: the interop test needs Python 3.12, 3.13 or 3.14 with the venv module (LSO 5.2 requires it)." >&2
  echo "       Install one (e.g. apt-get install python3.12-venv, or pyenv install 3.12) or set LSO_PYTHON." >&2
  exit 1
fi
echo "== building $VENV with $python ($("$python" --version))"
rm -rf "$VENV"
"$python" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
echo "$wanted" > "$STAMP"
"$VENV/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -Ei '^(orchestrator-lso|ansible-core|ansible-runner|uvicorn) '
