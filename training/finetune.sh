#!/bin/sh
# Fine-tune a shipped model on a new corpus, keeping its decision and series blocks.
#
#   sh training/finetune.sh MODE CORPUS_DIR BASE_MODEL_DIR WORK OUT [EPOCHS [KEY=VALUE ...]]
#
# MODE fused or vision; CORPUS_DIR/labels.json with the corpus' own train/val/test split;
# BASE_MODEL_DIR a model folder (models/fused). The base's checkpoint is rebuilt from its ONNX
# files (onnx_to_checkpoint.py, weights exact), `introdetect train --init` fine-tunes it on the
# train split (epoch chosen on the val split; feature dumps in WORK/features and runs in
# WORK/runs/MODE, so both modes share the dumps), and the export in OUT gets the base model.json's decision and series blocks (the
# fine-tune changes weights only; thresholds tuned on other data are not re-fitted to this
# corpus' small val split); heads the base lacks (heads=intro,credits,recap,preview) keep the
# thresholds this run's val picked. Resumable: rerun it to continue; a finished OUT is kept.
# Recipe: lr 3e-4 cosine to 0 over EPOCHS (default 10) x 2 windows per train episode, windows
# of 20-300 s, half at the head, a fifth at the tail, the rest anywhere.
set -eu
MODE=$1 CORPUS=$2 BASE=$3 WORK=$4 OUT=$5 EPOCHS=${6:-10}
shift 5; [ $# -gt 0 ] && shift
extra=''
for kv in "$@"; do extra="$extra --set $kv"; done
HERE=$(cd "$(dirname "$0")" && pwd)
C=${INTRODETECT:-"node $HERE/../dist/cli/main.js"}
PY=${INTRODETECT_PYTHON:-/usr/bin/python3}
[ -f "$OUT/.done" ] && { echo "$OUT is done"; exit 0; }
mkdir -p "$WORK"
if [ ! -f "$WORK/$MODE-base/best.pt" ]; then
  $PY "$HERE/onnx_to_checkpoint.py" --models "$BASE" --out "$WORK/$MODE-base/best.pt"
fi
resume=''
[ -f "$WORK/runs/$MODE/ckpt.pt" ] && resume='--resume'
$C train --labels "$CORPUS/labels.json" --media "$CORPUS" --mode "$MODE" --work "$WORK" \
  --init "$WORK/$MODE-base/best.pt" --out "$OUT" --epochs "$EPOCHS" \
  --set lr=3e-4 --set windows_per_episode=2 --set max_window=300 \
  --set window_kinds=0.5,0.2,0.3 $extra $resume
$PY - "$BASE/model.json" "$OUT/model.json" <<'EOF'
import json, sys
base, mine = (json.load(open(p)) for p in sys.argv[1:3])
for key in ('decision', 'series'):
    if key in base:   # the base's blocks; a head it lacks keeps this run's
        mine[key] = {**(mine.get(key) or {}), **base[key]}
json.dump(mine, open(sys.argv[2], 'w'), indent=2)
EOF
touch "$OUT/.done"
