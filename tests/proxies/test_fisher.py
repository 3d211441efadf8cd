"""Fisher on a linear layer against its closed form."""

from __future__ import annotations

import pytest
import torch

from nasbench.proxies.fisher import fisher
from tests.proxies.tiny import _batch, _gen, _softmax_grads, _softmax_regression


def test_fisher_equals_the_closed_form_of_a_linear_layer() -> None:
    layer = _softmax_regression()
    x, y = _batch()
    d_logits, _ = _softmax_grads(layer, x, y)
    with torch.no_grad():
        act = x @ layer.weight.T + layer.bias
    expected = float((0.5 * (act * d_logits).pow(2).mean(0)).sum())
    assert fisher(layer, x, y, _gen()) == pytest.approx(expected, rel=1e-5)
