"""The weight-sharing methods: reproducible, valid cells, DARTS' hypergradient, SPOS' evolution."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.darts import DARTS  # noqa: E402
from nasbench.oneshot.enas import ENAS  # noqa: E402
from nasbench.oneshot.gdas import GDAS  # noqa: E402
from nasbench.oneshot.rsps import RSPS  # noqa: E402
from nasbench.oneshot.spos import SPOS  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch, NB201Space  # noqa: E402
from tests.oneshot.conftest import tiny_settings  # noqa: E402

CASES: list[tuple[type, dict[str, Any]]] = [
    (RSPS, {"select_num": 4}),
    (DARTS, {}),
    (DARTS, {"order": 2}),
    (GDAS, {}),
    (ENAS, {"controller_steps": 2, "aggregate": 2, "derive_samples": 3}),
    (SPOS, {"iterations": 1, "population": 4, "mutation_num": 2, "crossover_num": 2, "select_num": 2}),
]


@pytest.mark.parametrize(
    ("cls", "options"),
    CASES,
    ids=lambda c: getattr(c, "name", "") + str(c.get("order", "")) if isinstance(c, dict) else c.name,
)
def test_same_seed_same_cells_and_weights(tiny: ImageData, cls: type, options: dict[str, Any]) -> None:
    runs = [cls(tiny, tiny_settings(), 5, **options) for _ in range(2)]
    results = [run.search() for run in runs]
    assert [e.arch for e in results[0].epochs] == [e.arch for e in results[1].epochs]
    assert results[0].arch == results[1].arch
    NB201Space().from_str(results[0].arch)  # a valid cell
    first, second = (dict(r.supernet.named_parameters()) for r in runs)
    assert all(torch.equal(first[k], second[k]) for k in first)
    assert results[0].epochs[-1].search_seconds > 0


def test_another_seed_trains_other_weights(tiny: ImageData) -> None:
    a, b = (RSPS(tiny, tiny_settings(1), seed, select_num=2) for seed in (0, 1))
    a.search(), b.search()
    assert not torch.equal(a.supernet.classifier.weight, b.supernet.classifier.weight)


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


class _Scored(SPOS):
    """SPOS whose candidates score by a known function: how many edges hold a 3x3 convolution."""

    def _score(self, arch: NB201Arch) -> float:
        self.scores[arch] = float(sum(op == 3 for op in arch.ops))
        return self.scores[arch]


def test_spos_evolution_climbs_to_the_best_cell(tiny: ImageData) -> None:
    spos = _Scored(tiny, tiny_settings(1), 0)
    assert spos.derive(True) == NB201Arch((3,) * 6)
    assert len(spos.scores) <= 50 + 20 * 50  # each cell scored once


def test_bad_method_options_are_refused(tiny: ImageData) -> None:
    with pytest.raises(NasbenchError, match="expected DARTS order 1 or 2, got 3"):
        DARTS(tiny, tiny_settings(), 0, order=3)
    with pytest.raises(NasbenchError, match="expected select_num >= 1, got 0"):
        RSPS(tiny, tiny_settings(), 0, select_num=0)
    with pytest.raises(NasbenchError, match="expected epochs >= 1, got 0"):
        tiny_settings(0)
