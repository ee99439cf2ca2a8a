"""Tiny randomly initialised models + PyTorch reference outputs for the TS parity test.

  /usr/bin/python3 training/make_parity_fixture.py [--out test/fixtures/models]

Writes <out>/tiny-fused/, <out>/tiny-vision/, <out>/tiny-fused-heads/ (recap and preview
heads) and <out>/tiny-fused-live/ (mel_future=1: the
audio encoder hears 1 s ahead, as a live model): the ONNX files, model.json and parity.json.
--only NAME (re)writes one of them.
parity.json holds no inputs, only the formulas that generate them (the JS side rebuilds them)
and the expected outputs of PyTorch (float32, as nested lists).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import export_model  # noqa: E402
from model import IntroDetector, ModelConfig  # noqa: E402

T = 7
FRAME_FORMULA = 'frames[t][y][x][c] = (t*31 + y*7 + x*3 + c*11) % 256'
MEL_FORMULA = 'mel[t][f][b] = ((t*13 + f*5 + b*3) % 97) / 8'


def parity_inputs(t=T, size=64, window=500, bands=64):
    """uint8 frames [T,H,W,C] and float32 mel windows [T,F,B] from the documented formulas."""
    tt, y, x, c = np.ix_(np.arange(t), np.arange(size), np.arange(size), np.arange(3))
    frames = ((tt * 31 + y * 7 + x * 3 + c * 11) % 256).astype(np.uint8)
    tt, f, b = np.ix_(np.arange(t), np.arange(window), np.arange(bands))
    mel = (((tt * 13 + f * 5 + b * 3) % 97) / 8.0).astype(np.float32)
    return frames, mel


def frame_tensor(frames):
    """As src/vision/frameTensor.ts: HWC uint8 -> CHW float32, times float32(1/255)."""
    x = frames.astype(np.float32) * np.float32(1 / 255)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


FIXTURES = {'tiny-fused': ('fused', 5.0), 'tiny-vision': ('vision', 5.0),
            'tiny-fused-live': ('fused', 1.0), 'tiny-fused-heads': ('fused', 5.0)}
# tiny-fused-heads: recap and preview heads, the recap's output bias pinned high and the
# preview's low, so every searched head second is a recap and none a preview (CLI tests)
HEADS = {'tiny-fused-heads': (('intro', 'credits', 'recap', 'preview'), (0, 0, 8.0, -8.0))}


def tiny_config(mode, mel_future=5.0, heads=('intro', 'credits')):
    return ModelConfig(mode=mode, img_channels=(4, 8, 8), dv=8, aud_channels=(4, 8, 8), da=8,
                       hidden=8, dropout=0.0, mel_mean=2.0, mel_std=2.5,  # pinned: fixtures
                       aud_pool='time' if mode == 'fused' else 'mean',  # as shipped
                       mel_future=mel_future, heads=heads)


def make(name, out_root, seed=0):
    mode, mel_future = FIXTURES[name]
    torch.manual_seed(seed)
    heads, bias = HEADS.get(name, (('intro', 'credits'), None))
    cfg = tiny_config(mode, mel_future, heads)
    model = IntroDetector(cfg).eval()
    if bias is not None:
        with torch.no_grad():
            for i, b in enumerate(bias):
                if b:
                    model.sequence.head.bias[i] = b
    out_dir = os.path.join(out_root, name)
    export_model(model, out_dir, {'note': f'randomly initialised (seed {seed}); for tests only'})
    write_parity(model, out_dir)
    return out_dir


def write_parity(model, out_dir):
    """PyTorch outputs for the formula inputs -> <out_dir>/parity.json."""
    cfg = model.cfg
    model.eval()
    frames, mel = parity_inputs(size=cfg.frame_size, window=cfg.mel_window, bands=cfg.mel_bands)
    with torch.no_grad():
        ev = model.image(frame_tensor(frames))
        ea = model.audio(torch.from_numpy(mel)) if model.audio is not None else None
        emb = ev if ea is None else torch.cat([ev, ea], dim=1)
        probs = model.sequence(emb.unsqueeze(0))
    r = lambda a: [[float(v) for v in row] for row in a.reshape(-1, a.shape[-1]).tolist()]  # noqa
    parity = {
        'mode': cfg.mode, 'seconds': T, 'tolerance': 1e-4,
        'frames': {'shape': [T, cfg.frame_size, cfg.frame_size, 3], 'layout': 'T,H,W,C',
                   'dtype': 'uint8', 'inputFormula': FRAME_FORMULA,
                   'toTensor': 'frameTensor (src/vision/frameTensor.ts): [T,3,H,W] = rgb * (1/255)'},
        'mel': None if ea is None else {
            'shape': [T, cfg.mel_window, cfg.mel_bands], 'layout': 'T,F,B', 'dtype': 'float32',
            'inputFormula': MEL_FORMULA},
        'expected': {
            'visionEmbedding': {'file': 'vision-encoder.onnx', 'input': 'frames',
                                'output': 'embedding', 'shape': list(ev.shape), 'data': r(ev)},
            'audioEmbedding': None if ea is None else {
                'file': 'audio-encoder.onnx', 'input': 'mel', 'output': 'embedding',
                'shape': list(ea.shape), 'data': r(ea)},
            'embeddings': {'note': 'sequence input: vision then audio, per second',
                           'shape': [1] + list(emb.shape), 'data': r(emb)},
            'probs': {'file': 'sequence.onnx', 'input': 'embeddings', 'output': 'probs',
                      'shape': list(probs.shape), 'data': r(probs[0]),
                      'channels': list(cfg.heads)},
        },
    }
    with open(os.path.join(out_dir, 'parity.json'), 'w') as f:
        json.dump(parity, f, indent=1)


def main():
    p = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument('--out', default=os.path.join(here, '..', 'test', 'fixtures', 'models'))
    p.add_argument('--only', choices=sorted(FIXTURES), help='write only this fixture')
    a = p.parse_args()
    dirs = [make(name, a.out) for name in ([a.only] if a.only else FIXTURES)]
    # the repo's `prettier --check .` covers these JSON files: format them as it wants
    root = os.path.join(here, '..')
    jsons = [os.path.join(d, f) for d in dirs for f in ('model.json', 'parity.json')]
    try:
        subprocess.run(['npx', 'prettier', '--log-level', 'warn', '--write'] + jsons, cwd=root,
                       check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        print(f'prettier not applied ({err}); run: npx prettier --write {a.out}')
    for d in dirs:
        for name in sorted(os.listdir(d)):
            print(f'{d}/{name}: {os.path.getsize(os.path.join(d, name))} bytes')


if __name__ == '__main__':
    main()
