"""grad_norm on a softmax regression against the closed-form gradient."""

from __future__ import annotations

import pytest

from nasbench.proxies.grad_norm import grad_norm
from tests.proxies.tiny import _batch, _gen, _softmax_grads, _softmax_regression


def test_grad_norm_equals_the_closed_form_gradient() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    _, d_weight = _softmax_grads(layer, x, y)
    assert grad_norm(layer, x, y, _gen()) == pytest.approx(float(d_weight.norm()), rel=1e-5)
