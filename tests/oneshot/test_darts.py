"""DARTS: the argmax derivation (with and without `none`), the second-order hypergradient, its options."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.darts import DARTS  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch  # noqa: E402
from tests.oneshot.conftest import macro_search, tiny_settings  # noqa: E402


def test_darts_derives_the_argmax_with_none_and_without_it_on_request(tiny: ImageData) -> None:
    darts = DARTS(tiny, tiny_settings(1), 0)
    with torch.no_grad():
        darts.alphas.zero_()
        darts.alphas[:, 0] = 1.0  # `none` leads on every edge
        darts.alphas[:, 3] = 0.5
    assert darts.derive(True) == NB201Arch((0,) * 6)
    darts.exclude_none = True
    assert darts.derive(True) == NB201Arch((3,) * 6)


def test_second_order_darts_matches_the_exact_hypergradient(tiny: ImageData) -> None:
    """DARTS eq. 7 with the finite-difference Hessian-vector product, against double backward."""
    darts = DARTS(tiny, tiny_settings(1, channels=4), 0, order=2, epsilon=1e-6)  # DARTS' 0.01 is coarse here
    darts.supernet.double()
    darts.alphas.data = torch.randn(6, 5, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    x, y = tiny.train[0][:16].double(), tiny.train[1][:16]
    xv, yv = tiny.valid[0][:16].double(), tiny.valid[1][:16]
    darts.supernet.train()
    approx = darts._unrolled_grad(x, y, xv, yv)
    xi, wd = darts.optimizer.param_groups[0]["lr"], darts.settings.weight_decay
    params = dict(darts.supernet.named_parameters())
    weights = torch.softmax(darts.alphas, dim=-1)
    loss = torch.nn.functional.cross_entropy(torch.func.functional_call(darts.supernet, params, (x, weights)), y)
    grads = torch.autograd.grad(loss, list(params.values()), create_graph=True)
    unrolled = {n: p - xi * (g + wd * p) for (n, p), g in zip(params.items(), grads, strict=True)}
    val = torch.nn.functional.cross_entropy(torch.func.functional_call(darts.supernet, unrolled, (xv, weights)), yv)
    exact = torch.autograd.grad(val, darts.alphas)[0]
    first_order = torch.autograd.grad(
        torch.nn.functional.cross_entropy(darts.supernet(xv, torch.softmax(darts.alphas, -1)), yv), darts.alphas
    )[0]
    assert torch.allclose(approx, exact, rtol=1e-4, atol=1e-8)
    assert not torch.allclose(first_order, exact, rtol=1e-4, atol=1e-8)  # the second-order term matters here


def test_bad_darts_order_is_refused(tiny: ImageData) -> None:
    with pytest.raises(NasbenchError, match="expected DARTS order 1 or 2, got 3"):
        DARTS(tiny, tiny_settings(), 0, order=3)


def test_darts_defaults_are_nas_bench_201s(tiny: ImageData) -> None:
    """Adam lr 3e-4, betas (0.5, 0.999), weight decay 1e-3 on alpha; alpha from 1e-3 N(0, 1); epsilon 0.01."""
    darts = DARTS(tiny, tiny_settings(1), 0)
    group = darts.arch_optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["weight_decay"]) == (3e-4, (0.5, 0.999), 1e-3)
    assert darts.hyperparameters() == {
        "order": 1,
        "arch_lr": 3e-4,
        "arch_weight_decay": 1e-3,
        "exclude_none": False,
        "epsilon": 0.01,
    }
    alphas = darts.alphas.detach()
    assert alphas.shape == (6, 5) and 0 < float(alphas.abs().max()) < 1e-2
    assert torch.allclose(torch.tensor(darts.op_weights()), torch.softmax(alphas, -1))


@pytest.mark.parametrize("order", [1, 2])
def test_darts_searches_the_macro_space(tiny: ImageData, macro_truth: object, order: int) -> None:
    search: Any = macro_search("darts", tiny, macro_truth, order=order)
    assert search.alphas.shape == (8, 3) and search.alphas.grad is not None  # one softmax over 3 blocks per layer
    assert str(search.derive(True)) == "".join(str(int(i)) for i in search.alphas.argmax(dim=1))
    assert all(abs(sum(row) - 1) < 1e-6 for row in search.op_weights())


def test_darts_exclude_none_is_refused_on_macro(tiny: ImageData) -> None:
    with pytest.raises(NasbenchError, match="expected exclude_none only on a space with `none` .nb201., got macro"):
        DARTS(tiny, tiny_settings(1, channels=16, cells=5), 0, space="macro", exclude_none=True)
