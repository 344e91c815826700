#!/usr/bin/env bash
# Set up (first time only) and run the daemon with the shipped model; extra flags pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec shotcaller serve "$@"
