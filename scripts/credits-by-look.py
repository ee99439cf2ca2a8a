"""Credits found per credits look of a `--credit-looks all` corpus: per-second F1 and recall of
the credits (the labels' credits parts; a mid-credits scene is not credits) for each layout
(full, overScene, squeeze) and for episodes ending on an instrumental tail, plus how many
episodes' credits start no more than 5 s late. Reads the corpus' manifest.json and labels.json
and the predictions `introdetect compare --pred-dir` wrote.

  python3 scripts/credits-by-look.py CORPUS_DIR PRED_DIR [PRED_DIR ...]
"""
import json
import os
import sys


def seconds(v):
    h, m, s = v.split(':')
    return int(h) * 3600 + int(m) * 60 + float(s)


def span(a, b):
    return set(range(int(round(a)), int(round(b))))


def main(corpus, preds):
    manifest = json.load(open(os.path.join(corpus, 'manifest.json')))
    labels = json.load(open(os.path.join(corpus, 'labels.json')))
    for pred_dir in preds:
        by, on_time = {}, 0
        for ep in manifest['episodes']:
            label = labels[ep['id']]
            pieces = [p for p in ep['parts'] if p['kind'] == 'credits']
            layout = pieces[0].get('look', {}).get('layout', 'full') if pieces else '-'
            tail = any(p.get('look', {}).get('tail', 0) for p in pieces)
            truth = set()
            for p in label.get('parts') or []:
                if p['type'] == 'credits':
                    truth |= span(seconds(p['start']), seconds(p['end']))
            pred = json.load(open(os.path.join(pred_dir, ep['id'] + '.json')))
            found = [s for s in pred.get('segments') or [] if s['type'] == 'credits']
            if not found and pred.get('credits'):
                found = [pred['credits']]
            got = set()
            for s in found:
                got |= span(s['start'], s['end'])
            if pred.get('credits') and pred['credits']['start'] - seconds(label['credits_start']) <= 5:
                on_time += 1
            for key in [layout] + (['tail'] if tail else []):
                d = by.setdefault(key, [0, 0, 0, 0])
                d[0] += len(truth & got)
                d[1] += len(got - truth)
                d[2] += len(truth - got)
                d[3] += 1
        print(f'{pred_dir}: credits starting at most 5 s late: {on_time} of {len(manifest["episodes"])}')
        for key, (tp, fp, fn, n) in sorted(by.items()):
            f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
            print(f'  {key:10s} {n:3d} episodes  per-second F1 {100 * f1:5.1f} %  recall '
                  f'{100 * tp / max(1, tp + fn):5.1f} %')


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
