#!/bin/sh
# How many corrected episodes of a new show it takes to help (issue 14).
#
#   sh training/k_corrections.sh CORPUS_DIR BASE_CKPT BASE_MODEL_DIR OUT [HELD_OUT]
#
# CORPUS_DIR/labels.json: series of N episodes each (e.g. `introdetect corpus --use eval`).
# For every series: k = 0 is the base model; for k = 1, 2 its first k episodes (the
# "corrections", with their labels) fine-tune BASE_CKPT (`introdetect train --init`), and the
# export gets the base model.json's decision and series blocks (the fine-tune changes weights
# only). Every model scores the same last HELD_OUT (default 2) episodes of its series with
# `introdetect compare --series both`; OUT/k<k>/summary.txt has the metrics of the held-out
# episodes of all series together (`introdetect eval`), OUT/k<k>/<series>.txt per series.
# Resumable: a finished model or score is kept. Recipe (same for k = 1 and 2): lr 3e-4,
# cosine to 0 over 120 window steps (12 epochs × 10 windows for k = 1, × 5 for k = 2).
set -eu
CORPUS=$1 BASE_CKPT=$2 BASE_MODEL=$3 OUT=$4 HELD=${5:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
C=${INTRODETECT:-"node $HERE/../dist/cli/main.js"}
PY=${INTRODETECT_PYTHON:-/usr/bin/python3}
mkdir -p "$OUT/features"

# labels: OUT/<series>/k<k>.json (first k episodes, split train), OUT/<series>/held.json
$PY - "$CORPUS/labels.json" "$OUT" "$HELD" <<'EOF'
import json, os, sys
labels, out, held = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3])
by = {}
for vid in sorted(labels):
    by.setdefault(labels[vid]['series'], []).append(vid)
for s, ids in by.items():
    os.makedirs(os.path.join(out, s), exist_ok=True)
    def write(name, chosen, split):
        with open(os.path.join(out, s, name), 'w') as f:
            json.dump({v: dict(labels[v], split=split) for v in chosen}, f, indent=2)
    write('held.json', ids[-held:], 'test')
    for k in (1, 2):
        write(f'k{k}.json', ids[:k], 'train')
with open(os.path.join(out, 'held.json'), 'w') as f:
    json.dump({v: dict(labels[v], split='test') for ids in by.values() for v in ids[-held:]},
              f, indent=2)
print(' '.join(sorted(by)), file=open(os.path.join(out, 'series.txt'), 'w'))
EOF

for s in $(cat "$OUT/series.txt"); do
  for k in 0 1 2; do
    model=$BASE_MODEL
    if [ "$k" -gt 0 ]; then
      model=$OUT/models/$s-k$k
      if [ ! -f "$model/.done" ]; then
        work=$OUT/work/$s-k$k
        mkdir -p "$work"
        [ -e "$work/features" ] || ln -s "$(cd "$OUT/features" && pwd)" "$work/features"
        $C train --labels "$OUT/$s/k$k.json" --media "$CORPUS" --mode fused --work "$work" \
          --init "$BASE_CKPT" --out "$model" --epochs 12 --set windows_per_episode=$((10 / k)) \
          --set lr=3e-4 --set select=last --resume
        $PY - "$BASE_MODEL/model.json" "$model/model.json" <<'EOF'
import json, sys
base, mine = (json.load(open(p)) for p in sys.argv[1:3])
for key in ('decision', 'series'):
    if key in base:
        mine[key] = base[key]
json.dump(mine, open(sys.argv[2], 'w'), indent=2)
EOF
        touch "$model/.done"
      fi
    fi
    mkdir -p "$OUT/k$k"
    if [ ! -s "$OUT/k$k/$s.txt" ]; then
      $C compare --labels "$OUT/$s/held.json" --media "$CORPUS" --split all --modes fused \
        --fused-models "$model" --series both --pred-dir "$OUT/k$k/pred" \
        --json "$OUT/k$k/$s.json" > "$OUT/k$k/$s.tmp"
      mv "$OUT/k$k/$s.tmp" "$OUT/k$k/$s.txt"
    fi
  done
done
for k in 0 1 2; do
  for run in fused-alone fused; do
    $C eval --labels "$OUT/held.json" --pred "$OUT/k$k/pred/$run" --json "$OUT/k$k/$run.json" \
      > "$OUT/k$k/summary-$run.txt"
  done
done
# mean over series of each series' held-out figures (OUT/k<k>/<series>.json) -> OUT/table.md
$PY - "$OUT" <<'EOF' | tee "$OUT/table.md"
import json, os, sys
out = sys.argv[1]
series = open(os.path.join(out, 'series.txt')).read().split()
pct = lambda v: '–' if v is None else f'{100 * v:.1f}'  # noqa: E731
def row(m):
    i, c = m['intro'], m['credits']
    return [i['perSecond']['f1'], i['within1s']['share'], i['presence']['precision'],
            i['presence']['recall'], c['perSecond']['f1'], c['within1s']['share']]
head = ('intro F1', 'intro ±1 s', 'presence P', 'presence R', 'credits F1', 'credits ±1 s')
for run in ('fused-alone', 'fused'):
    print(f'\n{run} (mean over {len(series)} series; per series: ' + ' / '.join(head[:2]) + ')\n')
    print('| k | ' + ' | '.join(head) + ' | per series |')
    print('|---' * (len(head) + 2) + '|')
    for k in (0, 1, 2):
        rows, per = [], []
        for s in series:
            r = [x for x in json.load(open(os.path.join(out, f'k{k}', f'{s}.json')))
                 if x['label'] == run][0]
            rows.append(row(r['metrics']))
            per.append(f'{s} {pct(rows[-1][0])}/{pct(rows[-1][1])}')
        mean = [None if any(r[j] is None for r in rows) else sum(r[j] for r in rows) / len(rows)
                for j in range(len(head))]
        print(f'| {k} | ' + ' | '.join(pct(v) for v in mean) + ' | ' + ', '.join(per) + ' |')
EOF
echo "k-corrections done: $OUT/table.md, $OUT/k{0,1,2}/summary-{fused-alone,fused}.txt"
