#!/usr/bin/env bash
# Configure (first time) and build the JUCE plugin (VST3, Standalone, LV2 / AU) and its headless
# test programs, Release, incrementally in bridge/juce/build/ (SHOTCALLER_JUCE_BUILD, an absolute
# path, builds elsewhere; tests/test_juce_plugin.py reads the same variable). Extra arguments
# go to the first cmake configure, e.g.
#   bash bridge/juce/build.sh -DSHOTCALLER_JUCE_DIR=$HOME/JUCE
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${SHOTCALLER_JUCE_BUILD:-build}
JOBS=${JOBS:-2}

if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build "$BUILD_DIR" --config Release -j "$JOBS"
