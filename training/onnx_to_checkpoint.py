"""An exported model folder (ONNX files + model.json) -> a train.py checkpoint, so a shipped
model whose checkpoint was not kept can be fine-tuned (train.py --init).

  /usr/bin/python3 training/onnx_to_checkpoint.py --models models/fused --out DIR/best.pt

Needs the `onnx` package (Debian: python3-onnx). The encoders' initializers carry their
PyTorch names; the sequence graph's Linear weights are stored transposed for MatMul and its
LSTM in ONNX's layout (W, R, B per direction, gates i, o, f, c), which is undone here. Check
the result: export_onnx.py --ckpt OUT --out DIR2 --parity, copy the original ONNX files over
DIR2's and run `node training/check_parity.cjs DIR2` (the --check option does exactly that).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import IntroDetector, ModelConfig  # noqa: E402

ENCODERS = {'image': 'vision-encoder.onnx', 'audio': 'audio-encoder.onnx'}


def initializers(graph):
    from onnx import numpy_helper
    return {i.name: numpy_helper.to_array(i) for i in graph.initializer}


def onnx_gates_to_torch(w, hidden):
    """[4H, ...] in ONNX's gate order (i, o, f, c) -> PyTorch's (i, f, g=c, o)."""
    i, o, f, c = (w[k * hidden:(k + 1) * hidden] for k in range(4))
    return np.concatenate([i, f, c, o])


def sequence_state(graph, cfg):
    """The SequenceModel's state dict from sequence.onnx (one bidirectional LSTM layer)."""
    if cfg.lstm_layers != 1:
        raise SystemExit('only one LSTM layer is supported')
    init, H = initializers(graph), cfg.hidden
    state = {'inp.bias': init['inp.bias'], 'head.bias': init['head.bias']}
    for node in graph.node:
        if node.op_type == 'MatMul':
            w = next((init[n] for n in node.input if n in init), None)
            if w is None:
                continue
            if w.shape == (cfg.d, H):
                state['inp.weight'] = w.T
            elif w.shape == (2 * H, 2):
                state['head.weight'] = w.T
        elif node.op_type == 'LSTM':
            W, R, B = (init[n] for n in node.input[1:4])
            for d, suffix in ((0, ''), (1, '_reverse')):
                state[f'lstm.weight_ih_l0{suffix}'] = onnx_gates_to_torch(W[d], H)
                state[f'lstm.weight_hh_l0{suffix}'] = onnx_gates_to_torch(R[d], H)
                state[f'lstm.bias_ih_l0{suffix}'] = onnx_gates_to_torch(B[d][:4 * H], H)
                state[f'lstm.bias_hh_l0{suffix}'] = onnx_gates_to_torch(B[d][4 * H:], H)
    return state


def convert(models_dir):
    import onnx
    with open(os.path.join(models_dir, 'model.json')) as f:
        meta = json.load(f)
    cfg = ModelConfig.from_dict(meta['model'])
    model = IntroDetector(cfg)
    state = {}
    for part, file in ENCODERS.items():
        if part == 'audio' and cfg.mode != 'fused':
            continue
        for k, v in initializers(onnx.load(os.path.join(models_dir, file)).graph).items():
            state[f'{part}.{k}'] = v
    seq = sequence_state(onnx.load(os.path.join(models_dir, 'sequence.onnx')).graph, cfg)
    state.update({f'sequence.{k}': v for k, v in seq.items()})
    want = {k for k in model.state_dict()}
    if set(state) != want:
        raise SystemExit(f'{models_dir}: converted {sorted(set(state) ^ want)} do not match the '
                         'model; was it exported by training/export_onnx.py?')
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
    training = meta.get('training') or {}
    train_config = {**training, 'mode': cfg.mode}
    return {'model': model.state_dict(), 'model_config': cfg.to_dict(),
            'train_config': train_config, 'epoch': (meta.get('checkpoint') or {}).get('epoch', 0),
            'decision': meta.get('decision'), 'converted_from': os.path.basename(
                os.path.normpath(models_dir))}


def check(ckpt, models_dir):
    """PyTorch (the checkpoint) against onnxruntime-node (the original files)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(here, 'export_onnx.py'), '--ckpt', ckpt,
                        '--out', tmp, '--parity'], check=True, stdout=subprocess.DEVNULL)
        for name in os.listdir(models_dir):
            if name.endswith('.onnx'):
                shutil.copy(os.path.join(models_dir, name), os.path.join(tmp, name))
        subprocess.run(['node', os.path.join(here, 'check_parity.cjs'), tmp], check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--models', required=True, help='exported model folder (model.json + ONNX)')
    p.add_argument('--out', required=True, help='checkpoint file to write (e.g. DIR/best.pt)')
    p.add_argument('--check', action='store_true',
                   help='compare the checkpoint with the original files in onnxruntime-node')
    a = p.parse_args()
    ck = convert(a.models)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    torch.save(ck, a.out)
    print(f'{a.out}: {ck["model_config"]["mode"]} model from {a.models}')
    if a.check:
        check(a.out, a.models)


if __name__ == '__main__':
    main()
