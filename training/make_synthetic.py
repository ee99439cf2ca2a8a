"""Synthetic feature dumps + labels.json, for tests and smoke runs only (real features come
from `introdetect features`; never train a shipped model on these).

  /usr/bin/python3 training/make_synthetic.py --out /tmp/introdetect-synth [--episodes 12]

Each series has a fixed intro (a coloured moving pattern with a tonal "theme" in the mel
bands) placed at a random start in each episode (some episodes have none), and end credits
(dark frames with scrolling white lines, music) at the tail (some have none, some unknown).
Writes <out>/labels.json and <out>/dumps/<id>/{meta.json,frames.npy,mel.npy} in the dump
format of `introdetect features` (version 1).
"""
import argparse
import json
import os

import numpy as np

FPS_MEL, PAD, HOP, S = 50, 5, 320, 64


def tc(s):
    s = int(s)
    return f'{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}'


def make_episode(rng, series_rng_seed, T, intro, credits):
    srng = np.random.RandomState(series_rng_seed)
    base_col = srng.randint(0, 256, size=3)
    theme_bands = srng.choice(64, size=4, replace=False)
    yy, xx = np.mgrid[0:S, 0:S]
    frames = np.empty((T, S, S, 3), np.uint8)
    # content: scenes of 3-15 s, each a random colour field plus noise
    t = 0
    while t < T:
        n = rng.randint(3, 16)
        col = rng.randint(0, 256, size=3)
        grad = rng.uniform(-2, 2, size=2)
        img = col[None, None, :] + (grad[0] * xx + grad[1] * yy)[..., None]
        for k in range(t, min(T, t + n)):
            frames[k] = np.clip(img + rng.normal(0, 8, size=(S, S, 3)), 0, 255)
        t += n
    # audio per second: speech-like broadband noise level
    level = rng.uniform(1.0, 4.0, size=T)
    tonal = np.zeros((T, 64), np.float32)
    if intro:
        a, b = intro
        for k in range(a, b):
            ph = (k - a) * 0.3
            img = base_col[None, None, :] * (0.6 + 0.4 * np.sin(ph + xx / 9.0))[..., None]
            frames[k] = np.clip(img + rng.normal(0, 6, size=(S, S, 3)), 0, 255)
            tonal[k, theme_bands] = 6.0 + np.sin(ph)
    if credits:
        a, b = credits
        for k in range(a, b):
            img = np.zeros((S, S, 3))
            img[((yy + 2 * (k - a)) % 8) < 2] = 230
            frames[k] = np.clip(img + rng.normal(0, 4, size=(S, S, 3)), 0, 255)
            tonal[k, 10:30:4] = 5.0
            level[k] = 0.5
    # mel frame f covers audio time f/50 - 5 s
    F_ = T * FPS_MEL + 450
    sec = np.floor(np.arange(F_) / FPS_MEL - PAD).astype(int)
    inside = (sec >= 0) & (sec < T)
    s_idx = np.clip(sec, 0, T - 1)
    mel = rng.gamma(2.0, 0.5, size=(F_, 64)).astype(np.float32) * level[s_idx, None]
    mel += tonal[s_idx]
    mel[~inside] = 0.0
    mel = np.log1p(np.maximum(mel, 0) ** 2).astype(np.float32)
    return frames, mel


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--out', default='/tmp/introdetect-synth')
    p.add_argument('--episodes', type=int, default=12)
    p.add_argument('--series', type=int, default=3)
    p.add_argument('--min-seconds', type=int, default=240)
    p.add_argument('--max-seconds', type=int, default=480)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    rng = np.random.RandomState(a.seed)
    labels = {}
    for i in range(a.episodes):
        series = i % a.series
        vid = f'synth{series}_e{i:02d}'
        T = int(rng.randint(a.min_seconds, a.max_seconds + 1))
        intro_len = 30 + 10 * series
        intro = None
        if rng.rand() < 0.85:
            s0 = int(rng.randint(0, 90))
            intro = (s0, s0 + intro_len)
        kind = rng.choice(['credits', 'none', 'unknown'], p=[0.75, 0.1, 0.15])
        credits = None
        if kind != 'none':
            c0 = T - int(rng.randint(30, 60))
            credits = (c0, T)
        frames, mel = make_episode(rng, 100 + series, T, intro, credits)
        d = os.path.join(a.out, 'dumps', vid)
        os.makedirs(d, exist_ok=True)
        np.save(os.path.join(d, 'frames.npy'), frames)
        np.save(os.path.join(d, 'mel.npy'), mel)
        meta = {'format': 'introdetect-features', 'version': 1, 'input': f'synthetic/{vid}',
                'origin': 0, 'seconds': T,
                'frame': {'file': 'frames.npy', 'size': 64, 'layout': 'T,H,W,C', 'dtype': 'uint8'},
                'mel': {'file': 'mel.npy', 'sampleRate': 16000, 'fftSize': 512, 'hop': HOP,
                        'bands': 64, 'framesPerSecond': 50, 'windowFrames': 500,
                        'padSeconds': 5, 'layout': 'F,B', 'dtype': 'float32',
                        'scale': 'ln(1+power)'}}
        with open(os.path.join(d, 'meta.json'), 'w') as f:
            json.dump(meta, f, indent=2)
        split = ['train', 'train', 'train', 'val'][i % 4] if i < a.episodes - 1 else 'test'
        e = {'name': f'synthetic series {series} episode {i}',
             'start': tc(intro[0]) if intro else None, 'end': tc(intro[1]) if intro else None,
             'file': f's{series}/e{i:02d}.mkv', 'series': f's{series}', 'split': split,
             'duration': float(T)}
        if kind != 'unknown':
            e['credits_start'] = tc(credits[0]) if credits else None
            e['credits_end'] = None if credits else None   # credits run to the end of the file
        labels[vid] = e
    with open(os.path.join(a.out, 'labels.json'), 'w') as f:
        json.dump(labels, f, indent=2, ensure_ascii=False)
    print(f'{a.episodes} episodes in {a.out}/dumps, labels {a.out}/labels.json')


if __name__ == '__main__':
    main()
