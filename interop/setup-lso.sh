#!/usr/bin/env bash
# Installs the real LSO (and the Ansible it runs) into .interop/venv for `npm run test:interop`.
# Cached: a venv built from the same interop/requirements.txt is reused as it is.
# LSO 5.2 requires Python 3.12-3.14; set LSO_PYTHON to choose the interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/cached-venv.sh .interop/venv interop/requirements.txt lso LSO_PYTHON
.interop/venv/bin/python -m pip list --disable-pip-version-check 2>/dev/null | grep -Ei '^(orchestrator-lso|ansible-core|ansible-runner|uvicorn) '
