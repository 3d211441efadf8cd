"""SNIP on a softmax regression against the reference's mask-gradient route."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from nasbench.proxies.snip import snip
from tests.proxies.tiny import _batch, _gen, _softmax_regression


def test_snip_equals_the_mask_gradient_of_the_reference() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    mask = torch.ones_like(layer.weight, requires_grad=True)  # the reference's weight_mask route
    F.cross_entropy(F.linear(x, layer.weight.detach() * mask, layer.bias.detach()), y).backward()
    assert mask.grad is not None
    assert snip(layer, x, y, _gen()) == pytest.approx(float(mask.grad.abs().sum()), rel=1e-6)
