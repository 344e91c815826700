#!/usr/bin/env bash
# The GPU run (#24): the codec's learned decoder, trained against the shipped codec's
# projection on the packed real one-shots of .gpu/corpus (scripts/gpu_prepare.sh) and on the
# corpus's generated drum-machine and synth voices, made there again (server/corpus/synth.py
# needs no files: the same seeds give the same voices and splits), in one command that stops
# itself before the device's 10-minute limit with the weights exported.
#   on the GPU machine:  run(command="bash scripts/train_gpu.sh", carry=[".gpu"])
#                        back from $OUT: codec/ (decoder/ in it) and decoder_log.jsonl, 7 files
#   here, first:         bash scripts/train_gpu.sh --dry-run   (the same command, tiny, on CPU)
#   what would travel:   bash scripts/train_gpu.sh --size
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-gpu}
GPU_DIR=${GPU_DIR:-.gpu}  # what gpu_prepare.sh made (a test points it elsewhere)
LIMIT_MIB=64
travelling() {  # tracked and untracked-not-ignored files, plus the carried $GPU_DIR
  local tree gpu
  tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null \
         | awk '{s+=$1} END {print s+0}')
  gpu=$(find "$GPU_DIR" -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}')
  echo "would travel: tree $((tree / 1048576)) MiB + $GPU_DIR $((gpu / 1048576)) MiB" \
       "= $(((tree + gpu) / 1048576)) MiB of $LIMIT_MIB"
  [ $((tree + gpu)) -le $((LIMIT_MIB * 1048576)) ] || { echo "too much to travel" >&2; exit 2; }
}
[ -f "$GPU_DIR/corpus/metadata.jsonl" ] || {
  echo "no $GPU_DIR/corpus: run scripts/gpu_prepare.sh CORPUS" >&2; exit 2; }
case "$MODE" in
  --size) travelling; exit 0 ;;
  --dry-run)
    travelling
    OUT=$(mktemp -d)
    DEVICE=cpu; STEPS=3; BATCH=2; MINUTES=2; VOICES=4; JOBS=2 ;;
  gpu)
    OUT=${OUT:-runs/gpu}
    DEVICE=cuda; STEPS=200000; BATCH=96; MINUTES=7; VOICES=320; JOBS=16
    if ls "$GPU_DIR"/whl/*.whl >/dev/null 2>&1; then
      python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site "$GPU_DIR"/whl/*.whl
      export PYTHONPATH=/tmp/site:$PWD
    fi
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true ;;
  *) echo "usage: scripts/train_gpu.sh [--dry-run|--size]" >&2; exit 2 ;;
esac
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 TQDM_MININTERVAL=30
# the shipped corpus's voices (320 a family), in the codec's window, each in the split the
# shipped corpus gave it (a test voice stays out of training)
SYNTH=$(mktemp -d)
"$PY" -m server.cli corpus build --out "$SYNTH" --synth "$VOICES" --seconds 1.5 --jobs "$JOBS" \
  --splits "$GPU_DIR/corpus/splits.json" | tail -3
# the weights are exported every minute, so a run cut off still returns its last ones
"$PY" -m server.cli train codec --corpus "$GPU_DIR/corpus" --also "$SYNTH" \
  --decoder-per-class 40 --projection models/shotcaller-small/codec --out "$OUT" \
  --device "$DEVICE" --decoder-steps "$STEPS" --batch-size "$BATCH" --minutes "$MINUTES" \
  --checkpoint-minutes 1
# the checkpoint (optimizer state) stays there: only what ships comes back
rm -f "$OUT/decoder_checkpoint.pt"
ls -la "$OUT" "$OUT/codec" "$OUT/codec/decoder"
"$PY" - "$OUT" <<'PYEOF'
import json, sys
from pathlib import Path
from server.codec.codec import SpectralCodec
run = Path(sys.argv[1])
codec = SpectralCodec.from_pretrained(run / "codec")
assert codec.decoder is not None, "no decoder exported"
log = [json.loads(line) for line in (run / "decoder_log.jsonl").open()]
print("exported decoder; last log entry:", log[-1])
PYEOF
