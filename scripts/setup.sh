#!/usr/bin/env bash
# Install what Shotcaller needs on a fresh Debian/Ubuntu machine (idempotent, quick when done).
# System packages need root (or sudo); Python packages go to the active Python environment.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libfluidsynth3 timgm6mb-soundfont liblo-tools puredata-core jackd2 libjack-jackd2-0)
# The JUCE plugin (bridge/juce): Debian's JUCE 7.0.5 sources (their Depends bring the -dev
# libraries it links), a compiler, CMake/Ninja, a font for the headless editor screenshot, and
# lilv-utils (lv2info) to check the LV2 bundle.
APT_PACKAGES+=(juce-modules-source cmake ninja-build g++ pkg-config fonts-dejavu-core lilv-utils)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null || missing+=(nodejs)  # the device's tests; any recent node will do
if ((${#missing[@]})) && command -v apt-get >/dev/null; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
# The CPU build of torch first: an unpinned torch would pull a multi-GB CUDA build.
if ! "$PY" -c "import torch" >/dev/null 2>&1; then
  "$PY" -m pip install -q torch==2.13.0
fi
if ! "$PY" -c "import server, bridge, pytest, ruff, hypothesis, pedalboard, accelerate" \
     >/dev/null 2>&1 \
   || ! command -v shotcaller >/dev/null; then
  "$PY" -m pip install -q -e '.[test]'
fi
