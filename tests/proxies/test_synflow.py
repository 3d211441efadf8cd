"""SynFlow on a tiny network against its path sum computed by hand."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from nasbench.proxies.synflow import synflow
from tests.proxies.tiny import _gen


def test_synflow_of_a_linear_network_is_twice_its_path_sum() -> None:
    # with |W| and an all-ones input each layer's sum of w * dR/dw equals R = 1^T |W2| |W1| 1: two layers, 2R
    net = nn.Sequential(nn.Linear(3, 4, bias=False), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2, bias=False))
    with torch.no_grad():
        net[0].weight.copy_(torch.randn((4, 3), generator=_gen(0)))  # negative weights too: synflow takes |w|
        net[3].weight.copy_(torch.randn((2, 4), generator=_gen(1)))
    w1, w2 = net[0].weight.detach().abs().double(), net[3].weight.detach().abs().double()
    paths = float(torch.ones(2, dtype=torch.float64) @ w2 @ w1 @ torch.ones(3, dtype=torch.float64))
    got = synflow(net, torch.zeros((7, 3)), torch.zeros(7, dtype=torch.long), _gen())
    assert got == pytest.approx(2 * paths, rel=1e-12)
    assert net[0].weight.min() < 0  # the network given is left as it was
