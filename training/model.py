"""introdetect models: a frame encoder, a mel-window encoder and a BiLSTM over seconds.

Shapes (what the ONNX files take, see export_onnx.py):
  ImageEncoder   frames      float32 [N, 3, 64, 64] = rgb / 255           -> [N, Dv]
  AudioEncoder   mel         float32 [N, 500, 64] ln(1+power), time-major  -> [N, Da]
  SequenceModel  embeddings  float32 [B, T, D], D = Dv or Dv + Da (vision first)
                                                                          -> probs [B, T, 2]
                                                      channel 0 intro, channel 1 credits
Normalisation lives inside the models (fixed constants from the config), so the JS side
feeds raw values.
"""
from dataclasses import dataclass, field, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


# Where in the file each head's seconds are decided (as src/fusion/detectEpisode.ts searches
# them): the intro and a recap in the head span, the credits and a preview in the tail span.
HEAD_SPANS = {'intro': 'head', 'credits': 'tail', 'recap': 'head', 'preview': 'tail'}


def check_heads(heads):
    """The first two heads are intro and credits (detect reads them by position); the rest
    are known parts, each once."""
    heads = tuple(heads)
    if heads[:2] != ('intro', 'credits') or len(set(heads)) != len(heads) or \
            any(h not in HEAD_SPANS for h in heads):
        raise SystemExit(f'--heads {",".join(heads)}: must start intro,credits and may add '
                         'recap, preview (each once)')
    return heads


@dataclass
class ModelConfig:
    mode: str = 'fused'                 # 'vision' or 'fused'
    frame_size: int = 64
    img_channels: tuple = (16, 32, 64)
    dv: int = 64                        # image embedding size
    mel_bands: int = 64
    mel_window: int = 500               # mel frames per 10-s window (50 per second)
    mel_time_pool: int = 10             # average-pool along time first: 50 -> 5 frames/s
    mel_band_pool: int = 2              # and along bands: 64 -> 32
    mel_future: float = 5.0             # seconds of audio after the second's centre the encoder
                                        # hears; the rest of the window is silenced in the graph
                                        # (< 5: a live model, decided that much sooner)
    aud_channels: tuple = (16, 32, 64)
    da: int = 64                        # audio embedding size
    aud_pool: str = 'time'              # 'mean': average over bands and time; 'time': average
                                        # over bands only and keep the window's time positions,
                                        # so the embedding knows where in the 10 s a sound is
    mel_mean: float = 1.0               # fixed normalisation of ln(1+power) values; train.py
    mel_std: float = 2.0                # refits them on the train split (fit_mel_norm)
    hidden: int = 64                    # LSTM hidden size per direction
    lstm_layers: int = 1
    dropout: float = 0.2                # on embeddings and LSTM output (training only)
    heads: tuple = ('intro', 'credits')  # the sequence model's output channels, in order;
                                        # 'recap' and 'preview' may follow (issue 16)

    @property
    def d(self):
        return self.dv + (self.da if self.mode == 'fused' else 0)

    def to_dict(self):
        out = asdict(self)
        out['img_channels'] = list(self.img_channels)
        out['aud_channels'] = list(self.aud_channels)
        if tuple(self.heads) != ('intro', 'credits'):   # older exports stay byte for byte
            out['heads'] = list(self.heads)
        else:
            del out['heads']
        return out

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        for k in ('img_channels', 'aud_channels', 'heads'):
            if k in d:
                d[k] = tuple(d[k])
        d.setdefault('aud_pool', 'mean')     # configs from before the option had no other
        known = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in d.items() if k in known})


class ImageEncoder(nn.Module):
    """Stages of 3x3 conv + ReLU + 2x2 max-pool (the first conv strided: 64 -> 32 -> 16 -> 8
    -> 4), global average pool, linear."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        layers, c_in = [], 3
        for i, c in enumerate(cfg.img_channels):
            conv = nn.Conv2d(c_in, c, 3, stride=2 if i == 0 else 1, padding=1)
            layers += [conv, nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c_in = c
        self.features = nn.Sequential(*layers)
        self.proj = nn.Linear(c_in, cfg.dv)

    def forward(self, frames):                      # [N, 3, H, W] in [0, 1]
        x = (frames - 0.5) * 4.0                    # fixed centring, roughly unit scale
        x = self.features(x)
        x = x.mean(dim=(2, 3))
        return self.proj(x)                         # [N, Dv]


class AudioEncoder(nn.Module):
    """Average pool (64 bands x 500 frames -> 32 x 50), a (1,3) conv along time, then stages
    of 3x3 conv + ReLU + 2x2 max-pool over (bands, time), global average pool, linear."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.mean, self.std = float(cfg.mel_mean), float(cfg.mel_std)
        self.pool = (cfg.mel_band_pool, cfg.mel_time_pool)
        # frames from the centre + mel_future on are set to silence (0 = ln(1 + 0)), in the
        # graph, so a live stream can hand over a window whose future has not arrived yet
        fps = cfg.mel_window // 10
        keep = int(round(cfg.mel_window / 2 + cfg.mel_future * fps))
        if not 0 <= cfg.mel_future <= 5:
            raise ValueError(f'mel_future must be within 0..5 s (got {cfg.mel_future})')
        self.keep = keep if keep < cfg.mel_window else None
        if self.keep is not None:
            mask = torch.zeros(1, cfg.mel_window, 1)
            mask[:, :keep] = 1
            self.register_buffer('future_mask', mask, persistent=False)
        chans = list(cfg.aud_channels)
        layers = [nn.Conv2d(1, chans[0], (1, 3), padding=(0, 1)), nn.ReLU(inplace=True),
                  nn.MaxPool2d(2)]
        c_in = chans[0]
        for c in chans[1:]:
            layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            c_in = c
        self.features = nn.Sequential(*layers)
        if cfg.aud_pool not in ('mean', 'time'):
            raise ValueError(f'aud_pool must be mean or time (got {cfg.aud_pool!r})')
        self.keep_time = cfg.aud_pool == 'time'
        t = cfg.mel_window // cfg.mel_time_pool
        for _ in chans:                             # each stage halves time (floor)
            t //= 2
        self.proj = nn.Linear(c_in * t if self.keep_time else c_in, cfg.da)

    def forward(self, mel):                         # [N, F=500, B=64], time-major as stored
        if self.keep is not None:
            mel = mel * self.future_mask
        x = (mel - self.mean) / self.std
        x = x.transpose(1, 2).unsqueeze(1)          # [N, 1, B, F]
        if self.pool != (1, 1):
            x = F.avg_pool2d(x, self.pool)          # [N, 1, B / 2, F / 10]
        x = self.features(x)                        # [N, C, B', T']
        x = x.mean(dim=2).flatten(1) if self.keep_time else x.mean(dim=(2, 3))
        return self.proj(x)                         # [N, Da]


class SequenceModel(nn.Module):
    """Linear + ReLU, BiLSTM, linear head, sigmoid -> per-second probabilities."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.drop = nn.Dropout(cfg.dropout)
        self.inp = nn.Linear(cfg.d, cfg.hidden)
        self.lstm = nn.LSTM(cfg.hidden, cfg.hidden, num_layers=cfg.lstm_layers,
                            batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * cfg.hidden, len(cfg.heads))

    def logits(self, emb):                          # [B, T, D]
        x = F.relu(self.inp(self.drop(emb)))
        x, _ = self.lstm(x)
        return self.head(self.drop(x))              # [B, T, heads]

    def forward(self, emb):
        return torch.sigmoid(self.logits(emb))


class IntroDetector(nn.Module):
    """The three parts together; training runs one episode window (B = 1) at a time."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.image = ImageEncoder(cfg)
        self.audio = AudioEncoder(cfg) if cfg.mode == 'fused' else None
        self.sequence = SequenceModel(cfg)

    def embed(self, frames, mel=None):              # [T,3,H,W], [T,500,64] -> [T, D]
        e = self.image(frames)
        if self.audio is not None:
            e = torch.cat([e, self.audio(mel)], dim=1)
        return e

    def forward(self, frames, mel=None):            # -> logits [1, T, heads]
        return self.sequence.logits(self.embed(frames, mel).unsqueeze(0))


def count_params(m):
    return sum(p.numel() for p in m.parameters())
