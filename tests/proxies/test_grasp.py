"""GraSP on a softmax regression against an explicit Hessian."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from nasbench.proxies.grasp import grasp
from tests.proxies.tiny import _batch, _gen, _softmax_grads, _softmax_regression


def test_grasp_equals_minus_w_times_the_explicit_hessian_times_g() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    w = layer.weight.detach().clone()

    def loss(flat: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(F.linear(x, flat.reshape(w.shape), layer.bias.detach()), y)

    hessian = torch.autograd.functional.hessian(loss, w.flatten())
    _, g = _softmax_grads(layer, x, y)
    expected = float(-(w.flatten() * (hessian @ g.flatten())).sum())
    assert grasp(layer, x, y, _gen()) == pytest.approx(expected, rel=1e-4)
