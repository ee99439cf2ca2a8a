#!/bin/sh
# Live models (issue 17): the shipped fused model fine-tuned so its audio encoder hears only F
# seconds past each second's centre (mel_future=F; the rest of the 10-s window is silenced in
# the graph), so `introdetect stream` can decide each second 5 − F s sooner.
#
#   sh training/live_models.sh CORPUS_DIR OUT [F ...]        (default F: 0 1 2 5)
#
# CORPUS_DIR/labels.json with train / val / test splits (corpus24). For every F: the shipped
# models/fused (converted back to a checkpoint: training/onnx_to_checkpoint.py) is fine-tuned
# on the train split with the recipe below, the epoch picked on validation; exported to
# OUT/models/f<F> with the shipped series block, its decision tuned on validation
# (`introdetect tune`, as the shipped model's was). F=5 is the control: the same fine-tune
# with the whole window. Resumable: a finished model is kept. The recipe was fixed before any
# run: lr 3e-4 cosine to 0, 6 epochs, 2 windows per episode of 20–300 s (head 50 %, tail 20 %,
# anywhere 30 %), seed 1337.
set -eu
CORPUS=$1 OUT=$2
shift 2
FS=${*:-0 1 2 5}
HERE=$(cd "$(dirname "$0")" && pwd)
C=${INTRODETECT:-"node $HERE/../dist/cli/main.js"}
PY=${INTRODETECT_PYTHON:-/usr/bin/python3}
BASE=${BASE_MODEL:-$HERE/../models/fused}
mkdir -p "$OUT/features"
[ -f "$OUT/base/best.pt" ] || $PY "$HERE/onnx_to_checkpoint.py" --models "$BASE" --out "$OUT/base/best.pt" --check

for F in $FS; do
  M=$OUT/models/f$F
  if [ -f "$M/tuned" ]; then echo "f$F: done ($M)"; continue; fi
  W=$OUT/work-f$F
  mkdir -p "$W"
  [ -e "$W/features" ] || ln -s ../features "$W/features"
  $C train --labels "$CORPUS/labels.json" --mode fused --work "$W" --out "$M" \
    --init "$OUT/base/best.pt" --epochs 6 --set mel_future="$F" --set lr=3e-4 \
    --set windows_per_episode=2 --set max_window=300 --set window_kinds=0.5,0.2,0.3 \
    --set threads=2 --set select=val
  # the fine-tune changes weights only: the series step's parameters are the base model's
  $PY - "$BASE/model.json" "$M/model.json" <<'EOF'
import json, sys
base, out = json.load(open(sys.argv[1])), sys.argv[2]
m = json.load(open(out))
if 'series' in base:
    m['series'] = base['series']
json.dump(m, open(out, 'w'), indent=2)
EOF
  $C compare --labels "$CORPUS/labels.json" --split val --modes fused --fused-models "$M" \
    --pred-dir "$OUT/pred-val-f$F" > "$OUT/compare-val-f$F.txt"
  $C tune --labels "$CORPUS/labels.json" --pred "$OUT/pred-val-f$F/fused" --model "$M" --write \
    > "$OUT/tune-f$F.txt"
  touch "$M/tuned"
done
