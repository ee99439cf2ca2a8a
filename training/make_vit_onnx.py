"""CLIP image encoders with random weights, as ONNX, for the speed bench (`npm run bench`).

  /usr/bin/python3 training/make_vit_onnx.py --out .cache/bench            # both
  /usr/bin/python3 training/make_vit_onnx.py --out .cache/bench --arch b32

The architecture of CLIP's VisionTransformer (openai/CLIP model.py): patch conv without bias,
class token, learned positions, ln_pre, pre-LN residual blocks (multi-head attention, MLP 4x
with QuickGELU), ln_post on the class token, linear projection. ViT-B/32: width 768, 12 layers,
12 heads, 512-d output; ViT-L/14: width 1024, 24 layers, 16 heads, 768-d output; 224x224 input.
Inference cost does not depend on the weights, so they are random (fixed seed). Writes
vit-b32.onnx / vit-l14.onnx (input `pixels` [n,3,224,224] -> `embedding` [n,D]), opset 13,
skipping a file that already exists; written to a temporary name, then renamed.
"""
import argparse
import os
from dataclasses import dataclass

import torch
from torch import nn

OPSET = 13


@dataclass
class VitConfig:
    patch: int
    width: int
    layers: int
    heads: int
    output: int
    resolution: int = 224


ARCHS = {
    'b32': VitConfig(patch=32, width=768, layers=12, heads=12, output=512),
    'l14': VitConfig(patch=14, width=1024, layers=24, heads=16, output=768),
}


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, width * 4), QuickGELU(),
                                 nn.Linear(width * 4, width))

    def forward(self, x):  # [tokens, n, width]
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln_2(x))


class VisionTransformer(nn.Module):
    def __init__(self, c: VitConfig):
        super().__init__()
        scale = c.width ** -0.5
        self.conv1 = nn.Conv2d(3, c.width, kernel_size=c.patch, stride=c.patch, bias=False)
        tokens = (c.resolution // c.patch) ** 2 + 1
        self.class_embedding = nn.Parameter(scale * torch.randn(c.width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(tokens, c.width))
        self.ln_pre = nn.LayerNorm(c.width)
        self.blocks = nn.Sequential(*[Block(c.width, c.heads) for _ in range(c.layers)])
        self.ln_post = nn.LayerNorm(c.width)
        self.proj = nn.Parameter(scale * torch.randn(c.width, c.output))

    def forward(self, pixels):  # [n, 3, 224, 224]
        x = self.conv1(pixels).flatten(2).transpose(1, 2)  # [n, grid², width]
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x).transpose(0, 1)  # [tokens, n, width]
        x = self.blocks(x).transpose(0, 1)
        return self.ln_post(x[:, 0, :]) @ self.proj


def export(arch: str, out_dir: str) -> str:
    path = os.path.join(out_dir, f'vit-{arch}.onnx')
    if os.path.exists(path):
        return path
    torch.manual_seed(0)
    model = VisionTransformer(ARCHS[arch]).eval()
    tmp = path + '.partial'
    with torch.no_grad():
        torch.onnx.export(model, (torch.rand(2, 3, 224, 224),), tmp, opset_version=OPSET,
                          input_names=['pixels'], output_names=['embedding'],
                          dynamic_axes={'pixels': {0: 'n'}, 'embedding': {0: 'n'}})
    os.replace(tmp, path)
    params = sum(p.numel() for p in model.parameters())
    print(f'{path}: ViT-{arch.upper()}, {params / 1e6:.1f} M parameters')
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default='.cache/bench')
    ap.add_argument('--arch', choices=[*ARCHS, 'all'], default='all')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for arch in ARCHS if args.arch == 'all' else [args.arch]:
        export(arch, args.out)


if __name__ == '__main__':
    main()
