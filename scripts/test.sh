#!/usr/bin/env bash
# Set up (first time only) and run every test: Python (unit + real peers) and the device's Node tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=${PYTHON:-python3}
"$PY" -m ruff check .
"$PY" -m pytest -q -p no:cacheprovider "$@"
if [ -d max_for_live/tests ] && command -v node >/dev/null; then
  node --test max_for_live/tests/
fi
