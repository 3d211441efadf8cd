"""params and flops: exact counts of a tiny conv net by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nasbench.proxies.counts import flops, params
from tests.proxies.tiny import _gen


def test_params_and_flops_are_exact_counts() -> None:
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10)
    )
    images = torch.zeros((2, 3, 8, 8))
    assert params(net, images, torch.zeros(2), _gen()) == pytest.approx((4 * 3 * 9 + 4 * 10 + 10) / 1e6)
    assert flops(net, images, torch.zeros(2), _gen()) == pytest.approx((8 * 8 * 4 * 27 + 10 * 4) / 1e6)
