"""Measures one training step (forward + backward + AdamW) over a 600-s window, and encoder
throughput, on random inputs.  /usr/bin/python3 training/bench.py [--threads 2]"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import IntroDetector, ModelConfig  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=2)
p.add_argument('--seconds', type=int, default=600)
p.add_argument('--repeat', type=int, default=5)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
n = a.seconds
frames, mel = torch.rand(n, 3, 64, 64), torch.rand(n, 500, 64) * 6
for mode in ('vision', 'fused'):
    m = IntroDetector(ModelConfig(mode=mode))
    opt = torch.optim.AdamW(m.parameters())
    y = torch.zeros(n, 2)
    times = []
    for i in range(a.repeat + 1):
        t = time.time()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(m(frames, mel)[0], y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i:
            times.append(time.time() - t)
    times.sort()
    print(f'{mode}: train step over {n} s: median {times[len(times) // 2]:.2f} s, '
          f'min {times[0]:.2f} s ({a.threads} threads)')
m.eval()
with torch.no_grad():
    for name, enc, x in (('image', m.image, frames), ('audio', m.audio, mel)):
        t = time.time()
        enc(x)
        print(f'{name} encoder (PyTorch eval): {n / (time.time() - t):.0f} per s')
