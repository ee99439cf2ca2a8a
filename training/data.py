"""Labels and feature dumps -> per-second training examples.

A dump folder (written by `introdetect features`, the only feature extractor) holds meta.json,
frames.npy (uint8 [T,64,64,3]) and mel.npy (float32 [T*50+450, 64]); the 10-s mel window of
second t is mel[t*50 : t*50+500]. Labels follow labels.json (see src/labels/parseLabelsJson.ts);
second t is positive when start <= t < end.
"""
import json
import os
import re

import numpy as np
import torch


# ---------------------------------------------------------------------------- labels

def parse_time(v):
    """'H:MM:SS(.fff)', 'M:SS', 'SS' or a number of seconds -> float seconds."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0:
        return float(v)
    if isinstance(v, str) and re.fullmatch(r'\d+(:\d{1,2}){0,2}(\.\d+)?', v.strip()):
        secs = 0.0
        for part in v.strip().split(':'):
            secs = secs * 60 + float(part)
        return secs
    raise ValueError(f'not a time: {v!r}')


def repair(start, end):
    """As src/labels/repairInterval.ts: equal -> None, minute slip, else swap."""
    if start == end:
        return None
    if start < end:
        return (start, end)
    if start - 60 < end and start - 60 >= 0:
        return (start - 60, end)
    return (end, start)


def parse_labels(path):
    """labels.json -> {id: {'intro': iv, 'credits': iv, 'split', 'series', 'duration'}}.

    iv is (start, end) seconds, None (none) or 'unknown' (not labelled -> loss masked).
    Credits without an end run to the end of the file (end = inf, closed by the dump length).
    'parts': the entry's `parts` by type ({type: [(start, end)]}), None where it lists none;
    a `midCredits` part interrupts the credits and is episode, not credits (issue 16).
    """
    with open(path) as f:
        raw = json.load(f)
    out = {}
    for vid, e in raw.items():
        lab = {'split': e.get('split'), 'series': e.get('series'), 'duration': e.get('duration')}
        if 'start' not in e and 'end' not in e:
            lab['intro'] = 'unknown'
        elif e.get('start') is None and e.get('end') is None:
            lab['intro'] = None
        else:
            lab['intro'] = repair(parse_time(e['start']), parse_time(e['end']))
        if 'credits_start' not in e:
            lab['credits'] = 'unknown'
        elif e['credits_start'] is None:
            lab['credits'] = None
        else:
            s = parse_time(e['credits_start'])
            if e.get('credits_end') is None:
                lab['credits'] = (s, float('inf'))
            else:
                lab['credits'] = repair(s, parse_time(e['credits_end']))
        # every part of a corpus that lists them (None: not listed -> recap/preview unknown)
        parts = None
        if e.get('parts') is not None:
            parts = {}
            for p in e['parts']:
                parts.setdefault(p['type'], []).append((parse_time(p['start']),
                                                        parse_time(p['end'])))
        lab['parts'] = parts
        out[vid] = lab
    return out


def targets(lab, seconds, origin=0.0, heads=('intro', 'credits')):
    """-> target float32 [T,H] and mask float32 [T,H] (0 where the label is unknown), one
    column per head. Row t is the file's second origin + t (a dump of part of a file has
    origin > 0). Credits are 0 in their gaps (mid-credits scenes). A recap or preview head is
    known only where the entry lists its parts (labels from before `parts` say nothing of them)."""
    t = origin + np.arange(seconds, dtype=np.float64)
    y = np.zeros((seconds, len(heads)), np.float32)
    m = np.ones((seconds, len(heads)), np.float32)
    for ch, key in enumerate(heads):
        if key in ('intro', 'credits'):
            ivs = lab[key] if lab[key] in (None, 'unknown') else [lab[key]]
        else:
            parts = lab.get('parts')
            ivs = 'unknown' if parts is None else parts.get(key, [])
        if ivs == 'unknown':
            m[:, ch] = 0
            continue
        for iv in ivs or ():
            y[(t >= iv[0]) & (t < iv[1]), ch] = 1
    for a, b in (lab.get('parts') or {}).get('midCredits', ()):
        y[(t >= a) & (t < b), 1] = 0
    return y, m


# ---------------------------------------------------------------------------- episodes

class Episode:
    """One dump, memory-mapped, with its per-second targets."""

    def __init__(self, vid, dump_dir, lab, heads=('intro', 'credits')):
        with open(os.path.join(dump_dir, 'meta.json')) as f:
            self.meta = json.load(f)
        if self.meta.get('format') != 'introdetect-features':
            raise ValueError(f'{dump_dir}/meta.json is not an introdetect features dump')
        self.id, self.lab = vid, lab
        self.frames = np.load(os.path.join(dump_dir, self.meta['frame']['file']), mmap_mode='r')
        self.seconds = int(min(self.meta['seconds'], self.frames.shape[0]))
        self.mel = None
        if self.meta.get('mel'):
            self.mel = np.load(os.path.join(dump_dir, self.meta['mel']['file']), mmap_mode='r')
            self.seconds = min(self.seconds, (self.mel.shape[0] - 450) // 50)
        self.y, self.mask = targets(lab, self.seconds, float(self.meta.get('origin') or 0),
                                    heads)

    def window(self, a, b, with_mel):
        """Seconds [a, b): frames uint8 [n,64,64,3], mel float32 [n*50+450, 64] or None."""
        frames = np.array(self.frames[a:b])
        mel = np.array(self.mel[a * 50: b * 50 + 450], dtype=np.float32) if with_mel else None
        return frames, mel, self.y[a:b], self.mask[a:b]


def load_split(labels_path, dumps_dir, mode, val_frac=0.1, seed=0, log=print,
               heads=('intro', 'credits')):
    """-> {'train': [Episode], 'val': [...], 'test': [...]}. Labels without a dump, or without
    audio in fused mode, are skipped (and counted). Labels without a split go to train, except a
    deterministic val_frac of them when no episode is marked val."""
    labels = parse_labels(labels_path)
    splits = {'train': [], 'val': [], 'test': []}
    skipped = {'no dump': 0, 'no audio': 0, 'too short': 0}
    unsplit = []
    for vid in sorted(labels):
        d = os.path.join(dumps_dir, vid)
        if not os.path.exists(os.path.join(d, 'meta.json')):
            skipped['no dump'] += 1
            continue
        ep = Episode(vid, d, labels[vid], heads)
        if mode == 'fused' and ep.mel is None:
            skipped['no audio'] += 1
            continue
        if ep.seconds < 2:
            skipped['too short'] += 1
            continue
        if ep.lab['split'] in splits:
            splits[ep.lab['split']].append(ep)
        else:
            unsplit.append(ep)
    if unsplit:
        rng = np.random.RandomState(seed)
        order = rng.permutation(len(unsplit))
        n_val = 0 if splits['val'] else max(1, int(round(val_frac * len(unsplit))))
        for i, j in enumerate(order):
            splits['val' if i < n_val and len(unsplit) > 1 else 'train'].append(unsplit[j])
    log(f'episodes: train {len(splits["train"])}, val {len(splits["val"])}, '
        f'test {len(splits["test"])}; skipped {skipped}')
    return splits


# ---------------------------------------------------------------------------- tensors

def to_tensors(frames, mel):
    """uint8 [n,H,W,3] -> float32 [n,3,H,W] in [0,1]; mel [n*50+450,64] -> windows [n,500,64]
    (a strided view, no copy)."""
    x = torch.from_numpy(frames).permute(0, 3, 1, 2).float().mul_(1 / 255)
    m = None
    if mel is not None:
        m = torch.from_numpy(mel).unfold(0, 500, 50).transpose(1, 2)  # [n, 500, 64]
    return x, m


def augment(frames, mel, rng, cfg):
    """Train-time augmentation, in place on numpy copies. frames uint8 [n,H,W,3]."""
    n = frames.shape[0]
    # dropped frames: the decoder repeats the previous frame, or shows black
    drop = rng.rand(n) < cfg.p_drop_frame
    drop[0] = False
    for i in np.nonzero(drop)[0]:
        frames[i] = frames[i - 1] if rng.rand() < 0.7 else 0
    # colour jitter: brightness, contrast, per-channel gain for the whole window
    f = frames.astype(np.float32)
    gain = rng.uniform(1 - cfg.jitter, 1 + cfg.jitter, size=(1, 1, 1, 3)).astype(np.float32)
    contrast = np.float32(rng.uniform(1 - cfg.jitter, 1 + cfg.jitter))
    bright = np.float32(rng.uniform(-cfg.jitter, cfg.jitter) * 255)
    mean = f.mean(axis=(1, 2, 3), keepdims=True)
    f = (f - mean) * contrast + mean
    f = f * gain + bright
    frames = np.clip(f, 0, 255).astype(np.uint8)
    if mel is not None:
        # gain: adding a constant to ln(1+power) ~ scaling the power; noise; never below 0
        mel = mel + np.float32(rng.uniform(-cfg.mel_gain, cfg.mel_gain))
        mel += rng.normal(0, cfg.mel_noise, size=mel.shape).astype(np.float32)
        np.maximum(mel, 0, out=mel)
    return frames, mel


def sample_window(ep, rng, cfg):
    """A training window [a, b): at the head (as detect's intro span), at the tail (credits
    span) or anywhere; its length drawn from [min_window, max_window]."""
    T = ep.seconds
    n = min(T, int(rng.randint(cfg.min_window, cfg.max_window + 1)))
    kind = rng.choice(['head', 'tail', 'any'], p=cfg.window_kinds)
    if kind == 'head':
        a = int(rng.randint(0, min(cfg.max_shift, T - n) + 1))   # small temporal shift
    elif kind == 'tail':
        a = T - n - int(rng.randint(0, min(cfg.max_shift, T - n) + 1))
    else:
        a = int(rng.randint(0, T - n + 1))
    return a, a + n
