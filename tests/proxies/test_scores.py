"""Every proxy through `get_proxy`: deterministic for a seed, and the network it scores is left alone."""

from __future__ import annotations

import math

import pytest
import torch

from nasbench.proxies import get_proxy
from tests.proxies.tiny import _ConvNet, _gen


@pytest.mark.parametrize("name", ["synflow", "naswot", "jacov", "snip", "grasp", "grad_norm", "fisher", "zen"])
def test_each_proxy_is_deterministic_and_leaves_the_network_alone(name: str) -> None:
    net = _ConvNet(relu=True)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x, y = torch.randn((4, 3, 4, 4), generator=_gen(3)), torch.tensor([0, 1, 0, 1])
    first, second = (get_proxy(name)(net, x, y, _gen(5)) for _ in range(2))
    assert first == second and math.isfinite(first)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())
