"""Checkpoint -> ONNX files + model.json for introdetect (onnxruntime-node).

  /usr/bin/python3 training/export_onnx.py --ckpt out/fused/ckpt.pt --out models/fused

Writes vision-encoder.onnx (frames [N,3,64,64] -> embedding [N,Dv]),
audio-encoder.onnx (mel [N,500,64] -> embedding [N,Da], fused only),
sequence.onnx (embeddings [B,T,D] -> probs [B,T,2]) and model.json; opset 13.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import IntroDetector, ModelConfig  # noqa: E402

OPSET = 13
MEL = {'sampleRate': 16000, 'fftSize': 512, 'hop': 320, 'bands': 64, 'framesPerSecond': 50,
       'windowFrames': 500, 'padSeconds': 5, 'layout': 'F,B', 'dtype': 'float32',
       'scale': 'ln(1+power)'}


def export_model(model: IntroDetector, out_dir, extra=None):
    """Exports the parts of `model` (eval mode) to out_dir; returns the model.json dict."""
    cfg = model.cfg
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    s = cfg.frame_size
    with torch.no_grad():
        torch.onnx.export(model.image, (torch.rand(2, 3, s, s),),
                          os.path.join(out_dir, 'vision-encoder.onnx'), opset_version=OPSET,
                          input_names=['frames'], output_names=['embedding'],
                          dynamic_axes={'frames': {0: 'n'}, 'embedding': {0: 'n'}})
        if model.audio is not None:
            torch.onnx.export(model.audio, (torch.rand(2, cfg.mel_window, cfg.mel_bands) * 4,),
                              os.path.join(out_dir, 'audio-encoder.onnx'), opset_version=OPSET,
                              input_names=['mel'], output_names=['embedding'],
                              dynamic_axes={'mel': {0: 'n'}, 'embedding': {0: 'n'}})
        torch.onnx.export(model.sequence, (torch.randn(1, 5, cfg.d),),
                          os.path.join(out_dir, 'sequence.onnx'), opset_version=OPSET,
                          input_names=['embeddings'], output_names=['probs'],
                          dynamic_axes={'embeddings': {0: 'batch', 1: 't'},
                                        'probs': {0: 'batch', 1: 't'}})
    meta = {
        'format': 'introdetect-model', 'version': 1, 'mode': cfg.mode,
        'frameSize': s,
        'mel': ({**MEL, 'futureSeconds': cfg.mel_future} if cfg.mel_future < MEL['padSeconds']
                else MEL) if cfg.mode == 'fused' else None,
        'embedding': {'vision': cfg.dv, 'audio': cfg.da if cfg.mode == 'fused' else 0,
                      'total': cfg.d, 'order': ['vision', 'audio'] if cfg.mode == 'fused'
                      else ['vision']},
        'inputs': {'vision': {'file': 'vision-encoder.onnx', 'input': 'frames',
                              'shape': ['n', 3, s, s], 'scale': 'rgb/255', 'output': 'embedding'},
                   'sequence': {'file': 'sequence.onnx', 'input': 'embeddings',
                                'shape': [1, 't', cfg.d], 'output': 'probs',
                                'channels': list(cfg.heads)}},
        'opset': OPSET,
        'model': cfg.to_dict(),
    }
    if cfg.mode == 'fused':
        meta['inputs']['audio'] = {'file': 'audio-encoder.onnx', 'input': 'mel',
                                   'shape': ['n', cfg.mel_window, cfg.mel_bands],
                                   'output': 'embedding'}
    meta.update(extra or {})
    with open(os.path.join(out_dir, 'model.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    return meta


def portable(train_config, root=None):
    """The training config with every absolute path made relative to `root` (default: the
    working folder, the repository root when run as documented), or cut to its file name when
    it lies outside: model.json ships, and must not name the machine it was trained on."""
    if train_config is None:
        return None
    root = os.path.abspath(root or os.getcwd())
    out = {}
    for key, value in train_config.items():
        if isinstance(value, str) and os.path.isabs(value):
            rel = os.path.relpath(value, root)
            value = os.path.basename(value) if rel.startswith('..') else rel
        out[key] = value
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--ckpt', required=True, help='checkpoint from train.py (best.pt or ckpt.pt)')
    p.add_argument('--out', required=True, help='folder for the ONNX files and model.json')
    p.add_argument('--stream-lookahead', type=int, default=None,
                   help="model.json stream.lookahead: the look-ahead (s) `introdetect stream` "
                        "uses with this model unless told (a live model's, chosen on validation)")
    p.add_argument('--parity', action='store_true',
                   help='also write parity.json (check: node training/check_parity.cjs OUT)')
    a = p.parse_args()
    ck = torch.load(a.ckpt, map_location='cpu')
    cfg = ModelConfig.from_dict(ck['model_config'])
    model = IntroDetector(cfg)
    model.load_state_dict(ck['model'])
    metrics_path = os.path.join(os.path.dirname(os.path.abspath(a.ckpt)), 'metrics.json')
    val = None
    if os.path.exists(metrics_path):
        with open(metrics_path) as f:
            val = json.load(f).get('best')
    extra = {'training': portable(ck.get('train_config')), 'val': val,
             'checkpoint': {'epoch': ck.get('epoch'), 'file': os.path.basename(a.ckpt)}}
    if ck.get('decision') is not None:
        extra['decision'] = ck['decision']
    if a.stream_lookahead is not None:
        extra['stream'] = {'lookahead': a.stream_lookahead}
    export_model(model, a.out, extra)
    if a.parity:
        from make_parity_fixture import write_parity
        write_parity(model, a.out)
    for name in sorted(os.listdir(a.out)):
        print(f'{name:22s} {os.path.getsize(os.path.join(a.out, name)):>9d} bytes')


if __name__ == '__main__':
    main()
