"""Tiny networks and batches shared by the proxies' tests: small enough to compute each proxy by hand."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _batch(n: int = 6, features: int = 5, classes: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    g = _gen(1)
    return torch.randn((n, features), generator=g), torch.randint(0, classes, (n,), generator=g)


def _softmax_regression(features: int = 5, classes: int = 3) -> nn.Linear:
    layer = nn.Linear(features, classes)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(layer.weight.shape, generator=_gen(2)))
        layer.bias.copy_(torch.randn(layer.bias.shape, generator=_gen(3)))
    return layer


def _softmax_grads(layer: nn.Linear, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """dL/dlogits and dL/dW of the mean cross-entropy, by the closed form (softmax - one-hot) / N."""
    with torch.no_grad():
        logits = x @ layer.weight.T + layer.bias
        d_logits = (torch.softmax(logits, 1) - F.one_hot(y, logits.shape[1])) / len(x)
        return d_logits, d_logits.T @ x


class _ConvNet(nn.Module):
    def __init__(self, relu: bool = False) -> None:
        super().__init__()
        self.conv, self.bn = nn.Conv2d(3, 4, 1, bias=False), nn.BatchNorm2d(4)
        self.act = nn.ReLU() if relu else nn.Identity()
        self.pool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.pool(self.act(self.bn(self.conv(x)))), 1))
