"""Zen-score of a tiny conv net by the batch norm formulas."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from nasbench.proxies.zen import MIXUP_GAMMA, zen
from tests.proxies.tiny import _ConvNet, _gen


def test_zen_by_the_batch_norm_formulas() -> None:
    shape = (5, 3, 4, 4)
    g = _gen(7)  # the draws in the reference's order: conv weight, linear weight, x, the mixup noise
    w = torch.empty((4, 3, 1, 1)).normal_(generator=g)
    torch.empty((2, 4)).normal_(generator=g)
    x, e = torch.randn(shape, generator=g), torch.randn(shape, generator=g)

    def features(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = F.conv2d(images, w)
        mean, var = z.mean((0, 2, 3), keepdim=True), z.var((0, 2, 3), unbiased=False, keepdim=True)
        return (z - mean) / torch.sqrt(var + 1e-5), z.var((0, 2, 3), unbiased=True)

    out, var1 = features(x)
    mixed, var2 = features(x + MIXUP_GAMMA * e)
    running = 0.9 * (0.9 * torch.ones(4) + 0.1 * var1) + 0.1 * var2  # momentum 0.1, two forward passes
    expected = math.log(float((out - mixed).abs().sum((1, 2, 3)).mean())) + math.log(float(running.mean().sqrt()))
    got = zen(_ConvNet(), torch.zeros(shape), torch.zeros(5, dtype=torch.long), _gen(7))
    assert got == pytest.approx(expected, rel=1e-5)
