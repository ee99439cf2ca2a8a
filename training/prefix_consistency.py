"""How far a checkpoint's live-stream probabilities are from detect's, on one split.

`introdetect stream` decides second t from a BiLSTM run over the seconds that have arrived
so far (at most --window of them), i.e. a sequence that ends `lookahead` seconds after t;
`introdetect detect` runs it over the whole searched span. A model that only ever saw long
training windows treats the end of a short sequence as something it never saw, and the two
disagree. This prints, per look-ahead, the mean and p95 of |p_stream - p_detect| for the intro
over the split's intro spans, overall and within 3 s of a labelled boundary.

  /usr/bin/python3 training/prefix_consistency.py --ckpt RUN/best.pt --labels L --dumps D \
      [--split val] [--lookahead 0,2,4,10,20] [--window 300]
"""
import argparse
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import load_split, to_tensors  # noqa: E402
from model import IntroDetector, ModelConfig  # noqa: E402
from train import TrainConfig, predict  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--ckpt', required=True)
    p.add_argument('--labels', required=True)
    p.add_argument('--dumps', required=True)
    p.add_argument('--split', default='val')
    p.add_argument('--lookahead', default='0,2,4,10,20')
    p.add_argument('--window', type=int, default=300)
    p.add_argument('--intro_span', type=float, default=0.5)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    ck = torch.load(a.ckpt, map_location='cpu')
    model = IntroDetector(ModelConfig(**ck['model_config']))
    model.load_state_dict(ck['model'])
    model.eval()
    eps = load_split(a.labels, a.dumps, model.cfg.mode, log=lambda *_: None)[a.split]
    tc = TrainConfig(intro_span=a.intro_span)
    lookaheads = [int(x) for x in a.lookahead.split(',')]
    diffs = {L: ([], []) for L in lookaheads}
    with torch.no_grad():
        for ep in eps:
            T = ep.seconds
            frames, mel, y, _ = ep.window(0, T, model.audio is not None)
            e = model.embed(*to_tensors(frames, mel)).unsqueeze(0)
            # detect's own probabilities (its spans, merged when they overlap), as train.py scores
            ref = predict(model, ep, tc)[:, 0]
            h = min(T, math.ceil(T * tc.intro_span))   # the intro's searched span, as predict's
            edges = {t + k for t in range(1, h) if y[t, 0] != y[t - 1, 0] for k in range(-3, 3)}
            for L in lookaheads:
                for t in range(h):
                    end = min(T, t + L + 1)
                    start = max(0, end - a.window)
                    d = abs(model.sequence(e[:, start:end])[0, t - start, 0].item() - ref[t])
                    diffs[L][0].append(d)
                    if t in edges:
                        diffs[L][1].append(d)
    print(f'# {a.ckpt}: |p_stream - p_detect|, intro, {len(eps)} episodes of split {a.split}')
    print('lookahead\tmean\tp95\tnear boundaries: mean\tp95')
    for L in lookaheads:
        al, near = np.array(diffs[L][0]), np.array(diffs[L][1] or [np.nan])
        print(f'{L}\t{al.mean():.3f}\t{np.quantile(al, .95):.3f}\t{near.mean():.3f}\t'
              f'{np.quantile(near, .95):.3f}')


if __name__ == '__main__':
    main()
