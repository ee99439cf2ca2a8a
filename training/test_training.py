"""Checks of the training code (no pytest needed):  /usr/bin/python3 training/test_training.py"""
import math
import os
import sys
from types import SimpleNamespace

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from data import parse_labels, parse_time, sample_window, targets, to_tensors  # noqa: E402
from model import IntroDetector, ModelConfig  # noqa: E402

LABELS = os.path.join(HERE, '..', 'test', 'fixtures', 'labels')


def test_parse_time():
    assert parse_time('0:01:02') == 62
    assert parse_time('0:10:12.400') == 612.4
    assert parse_time('1:05') == 65
    assert parse_time(95) == 95.0


def test_corpus_labels():
    lab = parse_labels(os.path.join(LABELS, 'corpus-labels.json'))
    e = lab['show1_s01e01']
    assert e['intro'] == (30, 70) and e['credits'] == (580, 612.4) and e['split'] == 'train'
    e = lab['show1_s01e02']
    assert e['intro'] is None and e['credits'] == (590, math.inf)
    assert lab['show2_s01e01']['credits'] is None


def test_seeds_labels_repairs_and_unknown_credits():
    lab = parse_labels(os.path.join(LABELS, 'seeds-labels.json'))
    assert lab['-220020068_456255400']['intro'] == (70, 100)      # minute slip
    assert lab['-220020068_456255401']['intro'] == (145, 220)     # swapped
    assert lab['-220020068_456255402']['intro'] is None           # start == end
    assert all(v['credits'] == 'unknown' for v in lab.values())


def test_targets_half_open_and_masked():
    y, m = targets({'intro': (2, 4), 'credits': 'unknown'}, 6)
    assert y[:, 0].tolist() == [0, 0, 1, 1, 0, 0]
    assert m[:, 0].all() and not m[:, 1].any()
    y, _ = targets({'intro': None, 'credits': (3.5, math.inf)}, 6, origin=10)
    assert y[:, 1].all() and not y[:, 0].any()


def test_mid_credits_scene_is_not_credits():
    import json
    import tempfile
    entry = {'start': None, 'end': None, 'credits_start': '0:00:10', 'credits_end': '0:00:20',
             'parts': [{'type': 'credits', 'start': '0:00:10', 'end': '0:00:13'},
                       {'type': 'midCredits', 'start': '0:00:13', 'end': '0:00:16'},
                       {'type': 'credits', 'start': '0:00:16', 'end': '0:00:20'}]}
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as f:
        json.dump({'e': entry}, f)
    lab = parse_labels(f.name)['e']
    os.unlink(f.name)
    assert lab['credits'] == (10, 20) and lab['parts']['midCredits'] == [(13, 16)]
    y, _ = targets(lab, 12, origin=9)     # seconds 9..20
    assert y[:, 1].tolist() == [0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0]
    # entries without parts (the seeds', older corpora) have no gaps
    assert parse_labels(os.path.join(LABELS, 'corpus-labels.json'))['show1_s01e01']['parts'] is None


def test_recap_and_preview_targets_come_from_parts():
    lab = {'intro': (4, 6), 'credits': None,
           'parts': {'recap': [(0, 3)], 'intro': [(4, 6)], 'preview': [(7, 9)]}}
    heads = ('intro', 'credits', 'recap', 'preview')
    y, m = targets(lab, 10, heads=heads)
    assert y.shape == (10, 4) and m.all()
    assert y[:, 2].tolist() == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert y[:, 3].tolist() == [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]
    # labels that list no parts say nothing of recaps and previews: masked, not negative
    y, m = targets(dict(lab, parts=None), 10, heads=heads)
    assert m[:, :2].all() and not m[:, 2:].any()


def test_mel_windows_are_the_dump_slices():
    T = 4
    mel = np.random.RandomState(0).rand(T * 50 + 450, 64).astype(np.float32)
    frames = np.zeros((T, 64, 64, 3), np.uint8)
    x, w = to_tensors(frames, mel)
    assert x.shape == (T, 3, 64, 64) and w.shape == (T, 500, 64)
    for t in range(T):
        assert np.array_equal(w[t].numpy(), mel[t * 50: t * 50 + 500])


def test_sample_window_bounds():
    rng = np.random.RandomState(0)
    cfg = SimpleNamespace(min_window=300, max_window=600, max_shift=30,
                          window_kinds=(0.4, 0.4, 0.2))
    for T in (38, 299, 700, 3000):
        for _ in range(50):
            a, b = sample_window(SimpleNamespace(seconds=T), rng, cfg)
            assert 0 <= a < b <= T and b - a == min(T, b - a)


def test_default_windows_include_the_short_prefixes_a_stream_sees():
    # a live stream decides its first seconds from a sequence that starts at the stream's start
    # and ends a few seconds later: training must show the model such short head windows
    from train import TrainConfig
    cfg, rng = TrainConfig(), np.random.RandomState(1)
    short_heads = 0
    for _ in range(2000):
        a, b = sample_window(SimpleNamespace(seconds=1300), rng, cfg)
        short_heads += a <= cfg.max_shift and b - a <= 40
    assert short_heads >= 20


def test_model_shapes():
    torch.manual_seed(0)
    for mode, d in (('vision', 64), ('fused', 128)):
        m = IntroDetector(ModelConfig(mode=mode)).eval()
        e = m.embed(torch.rand(5, 3, 64, 64), torch.rand(5, 500, 64))
        assert e.shape == (5, d)
        p = m.sequence(e.unsqueeze(0))
        assert p.shape == (1, 5, 2) and (p > 0).all() and (p < 1).all()


def test_audio_time_pooling_knows_where_a_sound_is():
    # aud_pool='time' keeps the window's time positions: a click early or late in the window
    # gives clearly different embeddings; 'mean' (global average) nearly cannot tell them apart
    torch.manual_seed(0)
    embs = {}
    for pool in ('mean', 'time'):
        enc = IntroDetector(ModelConfig(mode='fused', aud_pool=pool)).eval().audio
        early, late = torch.zeros(1, 500, 64), torch.zeros(1, 500, 64)
        early[0, 80:120], late[0, 400:440] = 5.0, 5.0   # 320 frames apart: whole pooling steps
        with torch.no_grad():
            embs[pool] = (enc(early) - enc(late)).abs().max().item()
    assert embs['time'] > 1e-2 and embs['time'] > 4 * embs['mean']


def test_a_live_audio_encoder_hears_only_mel_future_seconds_ahead():
    # mel_future=1: frames from the centre + 1 s (frame 300) on are silenced inside the model,
    # so whatever a live stream puts there (not yet arrived) cannot change the embedding, while
    # a sound before it still does; the default hears the whole window
    torch.manual_seed(0)
    enc = IntroDetector(ModelConfig(mode='fused', mel_future=1.0)).eval().audio
    full = IntroDetector(ModelConfig(mode='fused')).eval().audio
    base = torch.rand(1, 500, 64)
    late, early = base.clone(), base.clone()
    late[0, 300:] += 7.0
    early[0, 290:300] += 7.0
    with torch.no_grad():
        assert torch.equal(enc(late), enc(base))
        assert (enc(early) - enc(base)).abs().max().item() > 1e-3
        assert (full(late) - full(base)).abs().max().item() > 1e-3
    for bad in (-0.5, 5.5):
        try:
            IntroDetector(ModelConfig(mode='fused', mel_future=bad))
        except ValueError:
            continue
        raise AssertionError(f'mel_future={bad} accepted')


def test_merge_labels_keeps_media_paths_and_ids_apart():
    import json
    import tempfile
    from merge_labels import merge
    with tempfile.TemporaryDirectory() as d:
        for sub in ('a', 'b'):
            os.makedirs(os.path.join(d, sub))
            with open(os.path.join(d, sub, 'labels.json'), 'w') as f:
                json.dump({'s01e01': {'name': sub, 'start': '0:00:05', 'end': '0:00:30',
                                      'file': 's01/s01e01.ts', 'series': 's01',
                                      'split': 'test'}}, f)
        out = os.path.join(d, 'all', 'labels.json')
        os.makedirs(os.path.dirname(out))
        m = merge([os.path.join(d, 'a', 'labels.json'),
                   os.path.join(d, 'b', 'labels.json') + ':train'], out)
        assert sorted(m) == ['c2-s01e01', 's01e01']
        assert m['s01e01']['file'] == os.path.join('..', 'a', 's01', 's01e01.ts')
        assert m['s01e01']['split'] == 'test' and m['c2-s01e01']['split'] == 'train'
        assert m['c2-s01e01']['series'] == 'c2-s01'
        labels = parse_labels(out)   # training reads it back
        assert labels['c2-s01e01']['intro'] == (5.0, 30.0)


def test_exported_training_config_names_no_absolute_path():
    from export_onnx import portable
    cfg = {'labels': '/repo/.cache/c/labels.json', 'dumps': '/elsewhere/features',
           'out': 'runs/fused', 'seed': 1337}
    got = portable(cfg, root='/repo')
    assert got == {'labels': '.cache/c/labels.json', 'dumps': 'features',
                   'out': 'runs/fused', 'seed': 1337}
    assert portable(None) is None


def test_init_fine_tunes_from_a_checkpoint():
    # --init: the checkpoint's weights, configs and mel normalisation, a fresh optimizer and
    # schedule (step count from 0), this command line's overrides; the base run is untouched
    import subprocess
    import tempfile
    import train
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, os.path.join(HERE, 'make_synthetic.py'), '--out', d,
                        '--episodes', '5', '--min-seconds', '200', '--max-seconds', '220'],
                       check=True, stdout=subprocess.DEVNULL)
        labels, dumps = os.path.join(d, 'labels.json'), os.path.join(d, 'dumps')
        base = os.path.join(d, 'base')
        train.main(['--mode=fused', f'--labels={labels}', f'--dumps={dumps}', f'--out={base}',
                    '--epochs=1', '--max_steps=2', '--windows_per_episode=3', '--threads=1',
                    '--min_window=20', '--max_window=40', '--log_every=1000'])
        bk = torch.load(os.path.join(base, 'best.pt'))
        ft = os.path.join(d, 'ft')
        # lr 0: the weights stay the checkpoint's, so the run must have started from them
        train.main([f'--init={os.path.join(base, "best.pt")}', f'--labels={labels}',
                    f'--dumps={dumps}', f'--out={ft}', '--lr=0', '--epochs=1', '--max_steps=1',
                    '--select=last'])
        fk = torch.load(os.path.join(ft, 'best.pt'))
        assert fk['step'] == 1 and fk['epoch'] == 0 and len(fk['history']) == 1
        for k, v in bk['model'].items():
            assert torch.equal(v, fk['model'][k]), k
        assert fk['model_config'] == bk['model_config']           # mel_mean/std kept
        assert fk['train_config']['windows_per_episode'] == 3     # from the checkpoint
        ft2 = os.path.join(d, 'ft2')     # the base's max_steps=2 is not inherited: 1 epoch
        train.main([f'--init={os.path.join(base, "best.pt")}', f'--labels={labels}',
                    f'--dumps={dumps}', f'--out={ft2}', '--epochs=1', '--windows_per_episode=1'])
        assert torch.load(os.path.join(ft2, 'best.pt'))['step'] == 3   # 3 train episodes
        assert fk['train_config']['lr'] == 0 and fk['train_config']['init'].endswith('best.pt')
        for name in ('intro', 'credits'):   # val thresholds of this run, else the base's
            assert fk['decision'][name].get('threshold') is not None
        assert torch.load(os.path.join(base, 'best.pt'))['step'] == bk['step']
        live = os.path.join(d, 'live')   # a live model from a whole-window one: same weights
        train.main([f'--init={os.path.join(base, "best.pt")}', f'--labels={labels}',
                    f'--dumps={dumps}', f'--out={live}', '--lr=0', '--epochs=1',
                    '--max_steps=1', '--select=last', '--mel_future=1'])
        lk = torch.load(os.path.join(live, 'best.pt'))
        assert lk['model_config']['mel_future'] == 1.0 and bk['model_config']['mel_future'] == 5
        assert {k: v for k, v in lk['model_config'].items() if k != 'mel_future'} == \
            {k: v for k, v in bk['model_config'].items() if k != 'mel_future'}
        for k, v in bk['model'].items():
            assert torch.equal(v, lk['model'][k]), k
        heads = os.path.join(d, 'heads')   # recap and preview heads added to a trained model
        train.main([f'--init={os.path.join(base, "best.pt")}', f'--labels={labels}',
                    f'--dumps={dumps}', f'--out={heads}', '--lr=0', '--epochs=1',
                    '--max_steps=1', '--select=last', '--heads=intro,credits,recap,preview'])
        hk = torch.load(os.path.join(heads, 'best.pt'))
        assert hk['model_config']['heads'] == ['intro', 'credits', 'recap', 'preview']
        for k, v in bk['model'].items():   # every old weight kept, the old heads' rows too
            if k.startswith('sequence.head.'):
                assert torch.equal(v, hk['model'][k][:2]) and hk['model'][k].shape[0] == 4, k
            else:
                assert torch.equal(v, hk['model'][k]), k
        try:
            train.main([f'--init={os.path.join(heads, "best.pt")}', f'--labels={labels}',
                        f'--dumps={dumps}', f'--out={heads}2', '--heads=intro,credits'])
            raise AssertionError('dropping a head of the --init checkpoint must fail')
        except SystemExit as e:
            assert 'drops recap,preview' in str(e)
        try:
            train.main([f'--init={os.path.join(base, "best.pt")}', f'--out={ft}2'])
            raise AssertionError('--init without --labels/--dumps must fail')
        except SystemExit as e:
            assert '--labels' in str(e) and '--dumps' in str(e)


def test_an_exported_model_converts_back_to_its_checkpoint():
    # onnx_to_checkpoint: the shipped v3's checkpoint was not kept; its ONNX files give the
    # weights back exactly (the LSTM's gates reordered from ONNX's layout)
    import tempfile
    from export_onnx import export_model
    from onnx_to_checkpoint import convert
    torch.manual_seed(3)
    for mode in ('fused', 'vision'):
        cfg = ModelConfig(mode=mode, img_channels=(4, 8, 8), dv=8, aud_channels=(4, 8, 8), da=8,
                          hidden=8)
        model = IntroDetector(cfg).eval()
        with tempfile.TemporaryDirectory() as d:
            export_model(model, d, {'training': {'seed': 1}, 'decision': {'intro': {}}})
            ck = convert(d)
        assert ck['model_config'] == cfg.to_dict() and ck['decision'] == {'intro': {}}
        want = model.state_dict()
        assert set(ck['model']) == set(want)
        for k, v in want.items():
            assert torch.allclose(v, ck['model'][k], atol=0, rtol=0), k
        back = IntroDetector(ModelConfig.from_dict(ck['model_config'])).eval()
        back.load_state_dict(ck['model'])
        x, m = torch.rand(6, 3, 64, 64), torch.rand(6, 500, 64)
        with torch.no_grad():
            assert torch.equal(back(x, m if mode == 'fused' else None),
                               model(x, m if mode == 'fused' else None))


if __name__ == '__main__':
    n = 0
    for name, fn in list(globals().items()):
        if name.startswith('test_') and callable(fn):
            fn()
            n += 1
            print('ok', name)
    print(f'{n} passed')

