"""NASWOT: the Hamming kernel of a one-ReLU network counted by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from nasbench.proxies.naswot import naswot
from tests.proxies.tiny import _gen


def test_naswot_counts_agreeing_units_by_hand() -> None:
    # one ReLU on the raw inputs: K[i, j] = number of the 4 units where images i and j have the same sign
    x = torch.tensor([[1.0, -1, 2, -3], [1, 1, -2, -3], [-1, -1, 2, 3]])
    net = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))
    kernel = np.array([[4, 2, 2], [2, 4, 0], [2, 0, 4]], dtype=float)
    expected = math.log(abs(np.linalg.det(kernel)))  # 4*16 - 2*8 + 2*(-8) = 32
    assert naswot(net, x, torch.zeros(3, dtype=torch.long), _gen()) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(math.log(32))
