"""Trains one introdetect model (encoders + BiLSTM jointly) on feature dumps.

  nice -n 10 /usr/bin/python3 training/train.py --mode fused \
      --labels LABELS.json --dumps DUMPS_DIR --out training/runs/fused [--resume] [--key=value ...]

Every field of TrainConfig and ModelConfig can be set as --field=value. The out folder gets
ckpt.pt (latest, for --resume), best.pt (best val score) and metrics.json.

Fine-tuning: --init CKPT starts from that checkpoint's model weights and configs (its audio
normalisation included) with a fresh optimizer and learning-rate schedule; the command line's
--key=value override its training config (labels, dumps and out must be given; eval_only and
max_steps are not inherited).
"""
import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass, asdict, fields

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import augment, load_split, sample_window, to_tensors  # noqa: E402
from model import HEAD_SPANS, IntroDetector, ModelConfig, check_heads, count_params  # noqa: E402

SPAN_CONTEXT = 30   # seconds detect decodes beyond each searched span


@dataclass
class TrainConfig:
    mode: str = 'fused'
    labels: str = ''
    dumps: str = ''
    out: str = 'training/runs/fused'
    seed: int = 1337
    threads: int = 2
    epochs: int = 30
    windows_per_episode: int = 1      # training windows drawn per episode per epoch
    lr: float = 1e-3
    weight_decay: float = 1e-4
    grad_clip: float = 1.0
    # seconds; short windows matter: `introdetect stream` runs the BiLSTM on the first
    # seconds of a stream (a prefix as short as the look-ahead), which a model trained only on
    # long windows gets badly wrong (README, stream: look-ahead)
    min_window: int = 20
    max_window: int = 600
    max_shift: int = 30               # head/tail windows start up to this many seconds in
    window_kinds: tuple = (0.4, 0.4, 0.2)  # head, tail, anywhere
    max_pos_weight: float = 10.0
    edge_weight: float = 1.0          # loss weight of seconds near a label boundary (1: none)
    edge_radius: int = 2              # "near": at most this many seconds from a boundary
    fit_mel_norm: bool = True         # set mel_mean/mel_std from the train split (new runs)
    p_drop_frame: float = 0.05
    jitter: float = 0.15
    mel_gain: float = 1.0
    mel_noise: float = 0.1
    intro_span: float = 0.5           # as detect: intro searched in the first half
    credits_span: float = 0.25        # credits in the last quarter
    eval_chunk: int = 256             # seconds per encoder batch at evaluation
    eval_only: str = ''               # 'val' or 'test': score <out>/best.pt on that split, exit
    init: str = ''                    # checkpoint to start from (fine-tuning; see the docstring)
    select: str = 'val'               # best.pt: 'val' (best val score; lowest train loss
                                      # without val episodes) or 'last' (the final epoch)
    max_steps: int = 0                # stop after this many steps in all (0: no limit; smoke tests)
    log_every: int = 10


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('--resume', action='store_true', help='continue from <out>/ckpt.pt')
    a, rest = p.parse_known_args(argv)
    tc, mc = TrainConfig(), ModelConfig()
    pairs, i = [], 0                   # --key=value or --key value
    while i < len(rest):
        if not rest[i].startswith('--'):
            raise SystemExit(f'bad argument {rest[i]!r}: use --key=value')
        k = rest[i][2:]
        if '=' in k:
            k, v = k.split('=', 1)
            i += 1
        elif i + 1 < len(rest):
            v, i = rest[i + 1], i + 2
        else:
            raise SystemExit(f'--{k} needs a value')
        pairs.append((k.replace('-', '_'), v))
    apply_overrides(pairs, tc, mc)
    return a.resume, pairs, tc, mc


def apply_overrides(pairs, tc, mc):
    for k, v in pairs:
        hit = False
        for obj in (tc, mc):
            if k in {f.name for f in fields(obj)}:
                cur = getattr(obj, k)
                if isinstance(cur, tuple):
                    val = tuple(type(cur[0])(x) for x in v.split(','))
                elif isinstance(cur, bool):
                    val = v.lower() in ('1', 'true', 'yes')
                else:
                    val = type(cur)(v)
                setattr(obj, k, val)
                hit = True
        if not hit:
            raise SystemExit(f'unknown option --{k}; see TrainConfig and ModelConfig')


# ---------------------------------------------------------------------------- evaluation

def f1(pred, y):
    tp = float((pred & y).sum())
    fp = float((pred & ~y).sum())
    fn = float((~pred & y).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else 1.0


@torch.no_grad()
def predict(model, ep, tc):
    """Per-second probabilities [T,heads] as detect computes them: the sequence model runs on
    the head of the file for the intro (and a recap) and on its tail for the credits (and a
    preview); 0 outside the spans."""
    model.eval()
    T = ep.seconds
    embs = []
    for a in range(0, T, tc.eval_chunk):
        b = min(T, a + tc.eval_chunk)
        frames, mel, _, _ = ep.window(a, b, model.audio is not None)
        x, m = to_tensors(frames, mel)
        embs.append(model.embed(x, m))
    e = torch.cat(embs).unsqueeze(0)
    heads = model.cfg.heads
    p = np.zeros((T, len(heads)), np.float32)
    at_head = [ch for ch, h in enumerate(heads) if HEAD_SPANS[h] == 'head']
    at_tail = [ch for ch, h in enumerate(heads) if HEAD_SPANS[h] == 'tail']
    # as src/fusion/detectEpisode.ts: searched spans, decoded with 30 s of context each side
    h = min(T, math.ceil(T * tc.intro_span))
    c = max(0, math.floor(T * (1 - tc.credits_span)))
    h_dec, c_dec = min(T, h + SPAN_CONTEXT), max(0, c - SPAN_CONTEXT)
    if h_dec >= c_dec:
        q = model.sequence(e)[0].numpy()
        p[:h, at_head], p[c:, at_tail] = q[:h][:, at_head], q[c:][:, at_tail]
    else:
        p[:h, at_head] = model.sequence(e[:, :h_dec])[0, :h].numpy()[:, at_head]
        p[c:, at_tail] = model.sequence(e[:, c_dec:])[0, c - c_dec:].numpy()[:, at_tail]
    return p


def evaluate(model, episodes, tc, thresholds=(0.3, 0.4, 0.5, 0.6, 0.7)):
    """Per-second F1 per head (pooled over seconds of all episodes whose label is known). The
    score that selects an epoch is the mean of intro and credits: a recap or preview head
    rides along, it does not choose."""
    heads = model.cfg.heads
    probs, ys = [[] for _ in heads], [[] for _ in heads]
    for ep in episodes:
        p = predict(model, ep, tc)
        for ch in range(len(heads)):
            keep = ep.mask[:, ch] > 0
            probs[ch].append(p[keep, ch])
            ys[ch].append(ep.y[keep, ch] > 0.5)
    out = {}
    for ch, name in enumerate(heads):
        if not probs[ch] or sum(len(v) for v in probs[ch]) == 0:
            out[name] = None
            continue
        pr, y = np.concatenate(probs[ch]), np.concatenate(ys[ch])
        by_t = {str(t): f1(pr > t, y) for t in thresholds}
        best_t = max(thresholds, key=lambda t: by_t[str(t)])
        out[name] = {'f1': by_t['0.5'], 'f1_by_threshold': by_t, 'best_threshold': best_t,
                     'positives': int(y.sum()), 'seconds': int(len(y))}
    known = [out[k]['f1'] for k in ('intro', 'credits') if out[k] is not None]
    out['score'] = float(np.mean(known)) if known else 0.0
    return out


# ---------------------------------------------------------------------------- training

def pos_weights(episodes, cap):
    w = []
    for ch in range(episodes[0].y.shape[1]):
        pos = sum(float((ep.y[:, ch] * ep.mask[:, ch]).sum()) for ep in episodes)
        tot = sum(float(ep.mask[:, ch].sum()) for ep in episodes)
        w.append(min(cap, (tot - pos) / pos) if pos > 0 else 1.0)
    return torch.tensor(w, dtype=torch.float32)


def edge_weights(y, mask, weight, radius):
    """[T, 2] loss weights: `weight` for seconds at most `radius` seconds from a change of
    the label (an interval's first or last second, or the seconds around them), 1 elsewhere.
    Boundaries are what the ±1 s metrics score, and a plain per-second loss barely sees them."""
    w = np.ones_like(y)
    if weight == 1.0:
        return w
    T = y.shape[0]
    for ch in range(y.shape[1]):
        known = mask[:, ch] > 0
        change = np.nonzero(known[1:] & known[:-1] & (y[1:, ch] != y[:-1, ch]))[0] + 1
        for t in change:                # the label changes between t - 1 and t
            w[max(0, t - radius):min(T, t + radius), ch] = weight
    return w


def mel_stats(episodes, rng, rows=20000):
    """Mean and std of log-mel values inside the audio (the 5-s padding excluded)."""
    vals = []
    per = max(1, rows // len(episodes))
    for ep in episodes:
        lo, hi = 250, ep.seconds * 50 + 250
        idx = np.sort(rng.randint(lo, hi, size=per))
        vals.append(np.asarray(ep.mel[idx], dtype=np.float64))
    v = np.concatenate(vals)
    return round(float(v.mean()), 4), round(max(0.1, float(v.std())), 4)


def save(path, model, opt, tc, mc, epoch, step, history, best, rng, base_decision=None):
    tmp = path + '.tmp'
    torch.save({'model': model.state_dict(), 'optimizer': opt.state_dict(),
                'model_config': mc.to_dict(), 'train_config': asdict(tc), 'epoch': epoch,
                'step': step, 'history': history, 'best': best,
                'decision': decision_from(best, tc, base_decision),
                'base_decision': base_decision,
                'rng': {'numpy': rng.get_state(), 'torch': torch.get_rng_state()}}, tmp)
    os.replace(tmp, path)


def decision_from(best, tc, base=None):
    """model.json's decision block: the spans trained for and the thresholds picked on val
    (the clustering fields keep detect's defaults). `base` (a fine-tuning run's --init
    checkpoint's block) supplies the thresholds this run's val does not pick."""
    val = (best or {}).get('val') or {}
    names = ['intro', 'credits'] + [k for k in ('recap', 'preview') if val.get(k) is not None]
    d = {name: dict((base or {}).get(name) or {}) for name in names}
    for name in names:
        d[name]['span'] = tc.intro_span if HEAD_SPANS[name] == 'head' else tc.credits_span
        if val.get(name) is not None:
            d[name]['threshold'] = val[name]['best_threshold']
    return d


RUN_FIELDS = ('eval_only', 'max_steps')   # --init does not take these from the checkpoint
# model options --init takes from the command line (the rest of the model is the checkpoint's):
# a live model fine-tuned from a whole-window one hears less of the future (same weights)
# and one with more heads keeps every weight, the old heads' rows included (new rows: fresh)
INIT_MODEL_FIELDS = ('mel_future', 'heads')


def load_init_weights(model, state, old_heads):
    """An --init checkpoint's weights into `model`, whose heads may add to the checkpoint's:
    the output rows of heads both have are copied, new heads keep their fresh rows."""
    new_heads = model.cfg.heads
    if tuple(old_heads) == tuple(new_heads):
        model.load_state_dict(state)
        return
    missing = [h for h in old_heads if h not in new_heads]
    if missing:
        raise SystemExit(f'--heads drops {",".join(missing)} of the --init checkpoint')
    state = dict(state)
    own = model.state_dict()
    for key in ('sequence.head.weight', 'sequence.head.bias'):
        rows = own[key].clone()
        for i, h in enumerate(old_heads):
            rows[new_heads.index(h)] = state[key][i]
        state[key] = rows
    model.load_state_dict(state)


def config_from(ck):
    """TrainConfig and ModelConfig stored in a checkpoint."""
    tc = TrainConfig(**{k: tuple(v) if isinstance(v, list) else v
                        for k, v in ck['train_config'].items()
                        if k in TrainConfig.__dataclass_fields__})
    return tc, ModelConfig.from_dict(ck['model_config'])


def main(argv=None):
    resume, pairs, tc, mc = parse_args(sys.argv[1:] if argv is None else argv)
    mc.mode = tc.mode
    if tc.mode not in ('vision', 'fused'):
        raise SystemExit('--mode must be vision or fused')
    if tc.select not in ('val', 'last'):
        raise SystemExit('--select must be val or last')
    torch.set_num_threads(tc.threads)
    torch.manual_seed(tc.seed)
    rng = np.random.RandomState(tc.seed)
    os.makedirs(tc.out, exist_ok=True)
    ckpt_path = os.path.join(tc.out, 'ckpt.pt')

    start_epoch, step, history, best = 0, 0, [], None
    ck = ik = base_decision = None
    if resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location='cpu')
        # the checkpoint's configs, then this command line's overrides (model shape: the
        # checkpoint's; pass the same --out)
        tc, mc = config_from(ck)
        apply_overrides(pairs, tc, ModelConfig())
        tc.out = os.path.dirname(ckpt_path)
        if tc.mode != mc.mode:
            raise SystemExit(f'{ckpt_path} is a {mc.mode} run; --mode {tc.mode} does not fit')
        start_epoch, step, history, best = ck['epoch'] + 1, ck['step'], ck['history'], ck['best']
        base_decision = ck.get('base_decision')
        print(f'resuming from {ckpt_path}: epoch {ck["epoch"]}, step {step}')
    elif tc.init:
        # fine-tuning: the init checkpoint's weights and configs (mel normalisation included:
        # the encoder was trained on inputs scaled that way), this command line's overrides,
        # a fresh optimizer and schedule; model shape: the checkpoint's
        given = {k for k, _ in pairs}
        missing = [k for k in ('labels', 'dumps', 'out') if k not in given]
        if missing:
            raise SystemExit('--init needs ' + ', '.join(f'--{k}' for k in missing) +
                             " (the new run's data and folder, not the checkpoint's)")
        ik = torch.load(tc.init, map_location='cpu')
        tc, mc = config_from(ik)
        for k in RUN_FIELDS:            # what ran, not the recipe: never inherited
            setattr(tc, k, getattr(TrainConfig(), k))
        given_mc = ModelConfig()
        apply_overrides(pairs, tc, given_mc)
        for k in INIT_MODEL_FIELDS:     # model options that keep every weight's shape
            if k in given:
                setattr(mc, k, getattr(given_mc, k))
        if os.path.abspath(tc.out) == os.path.dirname(os.path.abspath(tc.init)):
            raise SystemExit(f'--out {tc.out} is the folder of --init {tc.init}; '
                             'fine-tune into a new folder')
        if tc.mode != mc.mode:
            raise SystemExit(f'{tc.init} is a {mc.mode} run; --mode {tc.mode} does not fit')
        init_heads = ModelConfig.from_dict(ik['model_config']).heads
        base_decision = ik.get('decision')
        torch.set_num_threads(tc.threads)
        torch.manual_seed(tc.seed)
        rng = np.random.RandomState(tc.seed)
        os.makedirs(tc.out, exist_ok=True)
        ckpt_path = os.path.join(tc.out, 'ckpt.pt')
        print(f'fine-tuning from {tc.init} (epoch {ik["epoch"]}): lr {tc.lr:g}, '
              f'{tc.epochs} epochs')

    mc.heads = check_heads(mc.heads)
    splits = load_split(tc.labels, tc.dumps, tc.mode, seed=tc.seed, heads=mc.heads)
    train_eps, val_eps = splits['train'], splits['val']
    if not train_eps:
        raise SystemExit('no training episodes (check --labels and --dumps)')
    if tc.mode == 'fused' and tc.fit_mel_norm and ck is None and ik is None:
        mc.mel_mean, mc.mel_std = mel_stats(train_eps, rng)
        print(f'mel normalisation from the train split: mean {mc.mel_mean:.3f} '
              f'std {mc.mel_std:.3f}')
    model = IntroDetector(mc)
    opt = torch.optim.AdamW(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    if ik is not None:
        load_init_weights(model, ik['model'], init_heads)
    if ck is not None:
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['optimizer'])
        rng.set_state(ck['rng']['numpy'])
        torch.set_rng_state(ck['rng']['torch'])
    if tc.eval_only:
        bk = torch.load(os.path.join(tc.out, 'best.pt'), map_location='cpu')
        model = IntroDetector(ModelConfig.from_dict(bk['model_config']))
        model.load_state_dict(bk['model'])
        res = evaluate(model, splits[tc.eval_only], tc)
        res.update({'split': tc.eval_only, 'episodes': len(splits[tc.eval_only]),
                    'checkpoint_epoch': bk['epoch']})
        with open(os.path.join(tc.out, f'metrics-{tc.eval_only}.json'), 'w') as f:
            json.dump(res, f, indent=2)
        print(json.dumps(res, indent=2))
        return
    pw = pos_weights(train_eps, tc.max_pos_weight)
    print(f'mode {tc.mode}: {count_params(model)} parameters; pos_weight ' +
          ' '.join(f'{h} {w:.2f}' for h, w in zip(mc.heads, pw.tolist())))
    total_steps = tc.epochs * len(train_eps) * tc.windows_per_episode

    for epoch in range(start_epoch, tc.epochs):
        model.train()
        t0, losses, secs = time.time(), [], 0
        order = [i for _ in range(tc.windows_per_episode) for i in rng.permutation(len(train_eps))]
        for i in order:
            ep = train_eps[i]
            lr = tc.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, step / max(1, total_steps))))
            for g in opt.param_groups:
                g['lr'] = lr
            a, b = sample_window(ep, rng, tc)
            frames, mel, y, mask = ep.window(a, b, tc.mode == 'fused')
            frames, mel = augment(frames, mel, rng, tc)
            x, m = to_tensors(frames, mel)
            logits = model(x, m)[0]
            w = torch.from_numpy(edge_weights(y, mask, tc.edge_weight, tc.edge_radius))
            y, mask = torch.from_numpy(y), torch.from_numpy(mask)
            loss = F.binary_cross_entropy_with_logits(logits, y, pos_weight=pw,
                                                      reduction='none')
            loss = (loss * mask * w).sum() / mask.sum().clamp(min=1)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
            opt.step()
            losses.append(float(loss))
            secs += b - a
            step += 1
            if step % tc.log_every == 0:
                el = time.time() - t0
                print(f'epoch {epoch} step {step} loss {np.mean(losses[-tc.log_every:]):.4f} '
                      f'lr {lr:.2e} {el / secs * 600:.2f} s per 600 s of sequence', flush=True)
            if tc.max_steps and step >= tc.max_steps:
                break
        train_time = time.time() - t0
        val = evaluate(model, val_eps, tc) if val_eps else None
        rec = {'epoch': epoch, 'step': step, 'train_loss': float(np.mean(losses)),
               'train_seconds': secs, 'train_time_s': round(train_time, 1),
               'step_time_per_600s': round(train_time / max(1, secs) * 600, 3),
               'eval_time_s': round(time.time() - t0 - train_time, 1), 'val': val}
        history.append(rec)
        score = val['score'] if val else -float(np.mean(losses))
        fmt = lambda v: 'n/a' if v is None else f'{v["f1"]:.3f}'  # noqa: E731
        print(f'epoch {epoch}: loss {rec["train_loss"]:.4f} val F1 ' +
              ' '.join(f'{h} {fmt(val and val.get(h))}' for h in mc.heads) +
              f' ({train_time:.0f} s train)', flush=True)
        if tc.select == 'last' or best is None or score > best['score']:
            best = {'epoch': epoch, 'score': score, 'val': val}
            save(os.path.join(tc.out, 'best.pt'), model, opt, tc, mc, epoch, step, history, best,
                 rng, base_decision)
        save(ckpt_path, model, opt, tc, mc, epoch, step, history, best, rng, base_decision)
        with open(os.path.join(tc.out, 'metrics.json'), 'w') as f:
            json.dump({'mode': tc.mode, 'train_config': asdict(tc), 'model_config': mc.to_dict(),
                       'parameters': count_params(model), 'epochs': history, 'best': best}, f,
                      indent=2)
        if tc.max_steps and step >= tc.max_steps:
            break
    print(f'done; best epoch {best and best["epoch"]} score {best and best["score"]:.3f}; '
          f'{tc.out}/best.pt')


if __name__ == '__main__':
    main()
