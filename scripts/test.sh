#!/usr/bin/env bash
# Set up (first time only), build the JUCE plugin, and run every test: Python (unit + real peers,
# the plugin's headless test program among them) and the device's Node tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PY=${PYTHON:-python3}
"$PY" -m ruff check .
# The JUCE plugin and its headless test program (incremental; tests/test_juce_plugin.py runs it).
nice -n 10 bash bridge/juce/build.sh
"$PY" -m pytest -q -p no:cacheprovider "$@"
if [ -d max_for_live/tests ] && command -v node >/dev/null; then
  node --test max_for_live/tests/
fi
