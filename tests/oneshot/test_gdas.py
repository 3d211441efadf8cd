"""GDAS: tau falls linearly from 10 to 0.1; one operation per edge; argmax derivation."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.gdas import GDAS  # noqa: E402
from nasbench.oneshot.search import EpochRecord, OneShotMethod  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch  # noqa: E402
from tests.oneshot.conftest import macro_search, tiny_settings  # noqa: E402


def test_tau_falls_linearly_from_10_to_0_1(tiny: ImageData) -> None:
    gdas = GDAS(tiny, tiny_settings(3, batch_size=64), 0)
    taus: list[float] = []

    def record(_: EpochRecord, method: OneShotMethod) -> None:
        taus.append(method.tau)  # type: ignore[attr-defined]

    gdas.search(record)
    assert taus == pytest.approx([10.0, 5.05, 0.1])
    assert gdas.hyperparameters() == {"tau_max": 10.0, "tau_min": 0.1}


def test_gdas_trains_alpha_through_the_hard_sample(tiny: ImageData) -> None:
    gdas = GDAS(tiny, tiny_settings(1, batch_size=64), 0)
    before = gdas.alphas.detach().clone()
    gdas.train_epoch(1)
    assert not torch.equal(before, gdas.alphas.detach())  # the straight-through gradient reaches alpha
    group = gdas.arch_optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["weight_decay"]) == (3e-4, (0.5, 0.999), 1e-3)


def test_gdas_derives_the_argmax_with_none(tiny: ImageData) -> None:
    gdas = GDAS(tiny, tiny_settings(1), 0)
    with torch.no_grad():
        gdas.alphas.zero_()
        gdas.alphas[:, 0] = 1.0
        gdas.alphas[0, 2] = 2.0
    assert gdas.derive(True) == NB201Arch((2, 0, 0, 0, 0, 0))


def test_gdas_searches_the_macro_space(tiny: ImageData, macro_truth: object) -> None:
    search: Any = macro_search("gdas", tiny, macro_truth)
    assert search.alphas.shape == (8, 3) and search.alphas.grad is not None  # one Gumbel draw over 3 blocks per layer
    assert str(search.derive(True)) == "".join(str(int(i)) for i in search.alphas.argmax(dim=1))
    search.supernet.train()  # batch statistics, as in the architecture step
    search.generator.manual_seed(0)
    loss = torch.nn.functional.cross_entropy(search.logits(tiny.valid[0]), tiny.valid[1])
    (grad,) = torch.autograd.grad(loss, [search.alphas])
    # Each stage's last layer feeds a conv + batch norm with no residual: scale and shift invariance
    # leave it no straight-through gradient (the docstring's caveat); layers before a residual block get one.
    assert grad[[1, 4, 7]].abs().max() < 1e-6 < grad.abs().max()
