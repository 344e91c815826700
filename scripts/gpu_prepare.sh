#!/usr/bin/env bash
# Prepare the GPU run (#24) here, where there is PyPI and the corpus: .gpu/ (git-ignored) gets
#   corpus/  a class- and source-balanced pack of real one-shots as FLAC (shotcaller corpus pack)
#   whl/     the wheels the GPU machine's Python 3.12 lacks (it has torch, accelerate, numpy,
#            scipy, huggingface_hub, safetensors; not diffusers, soundfile, soxr, cffi, or
#            pedalboard, which the generated voices' effects need)
# and prints what would travel. Then: bash scripts/train_gpu.sh --dry-run (here), and on the
# machine: run(command="bash scripts/train_gpu.sh", carry=[".gpu"], timeout_s=600).
#   bash scripts/gpu_prepare.sh CORPUS [PER_CLASS]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:?usage: scripts/gpu_prepare.sh CORPUS [PER_CLASS]}
PER_CLASS=${2:-12}
PY=${PYTHON:-python3}
"$PY" -m server.cli corpus pack --corpus "$CORPUS" --out .gpu/corpus --per-class "$PER_CLASS" \
  --valid-per-class 2
mkdir -p .gpu/whl
# pinned to what this project runs on here, built for the machine's CPython 3.12
for wheel in diffusers==0.42.1 soundfile==0.14.0 soxr==1.1.0 cffi==2.0.0 pycparser==2.23 \
             importlib_metadata==8.7.0 pedalboard==0.9.26; do
  name=${wheel%%==*}
  ls .gpu/whl | grep -qi "^${name//-/_}-" && continue
  "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .gpu/whl "$wheel"
done
bash scripts/train_gpu.sh --size
