"""Merges labels.json files (ours or the seeds') into one, for training on several corpora or
folders at once with `introdetect train --labels OUT`.

  /usr/bin/python3 training/merge_labels.py --out OUT.json A/labels.json B/labels.json:train

Each entry's `file` is rewritten relative to OUT's folder, so the media stay where they are.
`PATH:SPLIT` forces every episode of that file into SPLIT (e.g. a second corpus used only for
training). Ids (and series) that are already taken get the file's position as a prefix
("c2-s01e01"), so two corpora that both have s01e01 stay apart.
"""
import argparse
import json
import os


def merge(sources, out_path):
    out_dir = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(out_dir, exist_ok=True)
    merged = {}
    for i, src in enumerate(sources, 1):
        path, _, split = src.rpartition(':')
        if split not in ('train', 'val', 'test'):
            path, split = src, ''
        with open(path) as f:
            entries = json.load(f)
        base = os.path.dirname(os.path.abspath(path))
        clash = any(vid in merged for vid in entries)
        for vid, e in entries.items():
            e = dict(e)
            if e.get('file'):
                e['file'] = os.path.relpath(os.path.join(base, e['file']), out_dir)
            if split:
                e['split'] = split
            if clash:
                vid = f'c{i}-{vid}'
                if e.get('series'):
                    e['series'] = f'c{i}-{e["series"]}'
            if vid in merged:
                raise SystemExit(f'{path}: id {vid} is already taken')
            merged[vid] = e
    with open(out_path, 'w') as f:
        json.dump(merged, f, indent=1)
    return merged


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--out', required=True)
    p.add_argument('sources', nargs='+', help='labels.json, or labels.json:SPLIT')
    a = p.parse_args(argv)
    m = merge(a.sources, a.out)
    splits = {}
    for e in m.values():
        splits[e.get('split', 'none')] = splits.get(e.get('split', 'none'), 0) + 1
    print(f'{len(m)} episodes → {a.out} ({", ".join(f"{k} {v}" for k, v in sorted(splits.items()))})')


if __name__ == '__main__':
    main()
