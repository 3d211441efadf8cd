"""The NAS-Bench-Macro network (Su et al., "Prioritized Architecture Sampling with Monte-Carlo
Tree Search", CVPR 2021) as a plain `torch.nn.Module`.

Owns the network's layout only: a 3x3 stem (32 channels, BN, ReLU), 8 searchable layers in
stages of 2, 3 and 3 (the first layer of each stage halves the resolution and doubles the
channels), a 1x1 convolution to 1280 channels with BN and ReLU, global average pooling and a
linear classifier. A layer is an identity (a 1x1 convolution + BN where the shape changes) or a
MobileNetV2 inverted residual block (Sandler et al., CVPR 2018) with kernel 3 and expansion 3,
or kernel 5 and expansion 6. Parameter and FLOP counts equal the published ones.
"""

from __future__ import annotations

import torch
from torch import nn

from nasbench.spaces.product import ProductArch

STAGES = (2, 3, 3)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
BLOCK_SETTINGS = {1: (3, 3), 2: (5, 6)}  # choice -> (kernel, expansion); 0 is the identity


class Shortcut(nn.Sequential):
    """The identity choice: nothing, or a 1x1 convolution + BN where the shape changes."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        layers: list[nn.Module] = []
        if stride != 1 or c_in != c_out:
            layers = [nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out)]
        super().__init__(*layers)


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expansion, depthwise k x k, linear 1x1 projection; residual if shapes match."""

    def __init__(self, c_in: int, c_out: int, stride: int, kernel: int, expansion: int) -> None:
        super().__init__()
        hidden = c_in * expansion
        self.body = nn.Sequential(
            nn.Conv2d(c_in, hidden, 1, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, hidden, kernel, stride=stride, padding=kernel // 2, groups=hidden, bias=False),
            nn.BatchNorm2d(hidden),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.body(x)
        return out + x if self.residual else out


def _layer(choice: int, c_in: int, c_out: int, stride: int) -> nn.Module:
    if choice == 0:
        return Shortcut(c_in, c_out, stride)
    kernel, expansion = BLOCK_SETTINGS[choice]
    return InvertedResidual(c_in, c_out, stride, kernel, expansion)


class MacroNetwork(nn.Module):
    """The NAS-Bench-Macro network of one architecture (8 layer choices)."""

    def __init__(self, arch: ProductArch, num_classes: int) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, STEM_CHANNELS, 3, padding=1, bias=False), nn.BatchNorm2d(STEM_CHANNELS), nn.ReLU(inplace=True)
        )
        layers: list[nn.Module] = []
        choices = iter(arch.choices)
        width = STEM_CHANNELS
        for depth in STAGES:
            for position in range(depth):
                stride, out = (2, width * 2) if position == 0 else (1, width)
                layers.append(_layer(next(choices), width, out, stride))
                width = out
        self.layers = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Conv2d(width, HEAD_CHANNELS, 1, bias=False), nn.BatchNorm2d(HEAD_CHANNELS), nn.ReLU(inplace=True)
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(HEAD_CHANNELS, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.head(self.layers(self.stem(x)))
        return self.classifier(torch.flatten(self.pool(x), 1))
