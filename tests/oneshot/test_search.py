"""The search loop every weight-sharing method shares: reproducible, valid cells, seeded weights, settings."""

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
from nasbench.oneshot.search import OneShotMethod, Settings, cosine, uniform_arch  # noqa: E402
from nasbench.oneshot.spos import SPOS  # noqa: E402
from nasbench.spaces.nb201 import NB201Space  # noqa: E402
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


def test_bad_settings_are_refused() -> None:
    with pytest.raises(NasbenchError, match="expected epochs >= 1, got 0"):
        tiny_settings(0)


@pytest.mark.parametrize(
    ("field", "value"),
    [("batch_size", 0), ("channels", True), ("cells", 2.0), ("epochs", -1)],
)
def test_settings_refuse_sizes_below_one_and_non_integers(field: str, value: object) -> None:
    with pytest.raises(NasbenchError, match=f"expected {field.replace('_', '-')} >= 1, got {value!r}"):
        Settings(**{field: value})  # type: ignore[arg-type]


def test_the_published_defaults() -> None:
    """NAS-Bench-201's search configurations: SGD Nesterov 0.9, lr 0.025 cosine to 0.001, wd 5e-4,
    batch 64, gradient norm 5; the table's C 16, N 5; cells without affine batch norms, 50 epochs (DARTS's; the
    optimiser values as D-X-Y/AutoDL-Projects bb2f405 configs/nas-benchmark/algos/DARTS.config, RANDOM.config)."""
    s = Settings()
    assert (s.epochs, s.momentum, s.grad_clip, s.channels, s.cells, s.affine, s.track_bn) == (
        50, 0.9, 5.0, 16, 5, False, False,
    )  # fmt: skip
    assert OneShotMethod.defaults == {"lr": 0.025, "eta_min": 0.001, "weight_decay": 5e-4, "batch_size": 64}


def test_a_method_fills_unset_fields_with_its_own_defaults_and_keeps_set_ones(tiny: ImageData) -> None:
    rsps = RSPS(tiny, Settings(epochs=1, channels=2, cells=1), 0, select_num=1)
    assert (rsps.settings.lr, rsps.settings.batch_size, rsps.settings.weight_decay) == (0.025, 64, 5e-4)
    group = rsps.optimizer.param_groups[0]
    assert group["nesterov"] and (group["momentum"], group["weight_decay"]) == (0.9, 5e-4)
    enas = ENAS(tiny, Settings(epochs=1, channels=2, cells=1, lr=0.1), 0)
    assert (enas.settings.lr, enas.settings.batch_size) == (0.1, 128)


def test_cosine_runs_from_lr_to_eta_min() -> None:
    assert cosine(0.025, 0.001, 0, 10) == pytest.approx(0.025)
    assert cosine(0.025, 0.001, 5, 10) == pytest.approx(0.013)
    assert cosine(0.025, 0.001, 10, 10) == pytest.approx(0.001)


def test_uniform_cells_come_from_the_generator() -> None:
    draw = lambda seed: [uniform_arch(torch.Generator().manual_seed(seed)) for _ in range(3)]  # noqa: E731
    assert draw(0) == draw(0)
    cells = [uniform_arch(g) for g in [torch.Generator().manual_seed(0)] for _ in range(200)]
    assert {op for c in cells for op in c.ops} == {0, 1, 2, 3, 4} and len(set(cells)) > 190


# Tiny NB201 searches as they ran before the methods took their decisions from a layout (commit 2d2a5d6):
# the layout must leave every NB201 draw, step and derivation as it was.
PINNED_OPTIONS: dict[str, dict[str, Any]] = {
    "rsps": {"select_num": 4},
    "spos": {"population": 4, "iterations": 2, "select_num": 2, "mutation_num": 2, "crossover_num": 2},
    "enas": {"controller_steps": 2, "aggregate": 2, "derive_samples": 3},
    "darts": {},
    "gdas": {},
}
PINNED: dict[str, list[str]] = {
    "rsps": [
        "|none~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|",
        "|skip_connect~0|+|skip_connect~0|avg_pool_3x3~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|",
    ],
    "spos": [
        "",
        "|none~0|+|skip_connect~0|skip_connect~1|+|nor_conv_1x1~0|none~1|none~2|",
    ],
    "enas": [
        "|none~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_1x1~2|",
        "|none~0|+|skip_connect~0|skip_connect~1|+|nor_conv_3x3~0|nor_conv_1x1~1|nor_conv_1x1~2|",
    ],
    "darts": [
        "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|nor_conv_1x1~2|",
        "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_1x1~0|none~1|nor_conv_1x1~2|",
    ],
    "gdas": [
        "|skip_connect~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|",
        "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|nor_conv_1x1~1|avg_pool_3x3~2|",
    ],
}
PINNED_UNIFORM = [
    "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|avg_pool_3x3~2|",
    "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|nor_conv_3x3~0|skip_connect~1|skip_connect~2|",
    "|skip_connect~0|+|avg_pool_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|nor_conv_3x3~2|",
]


def test_nb201_uniform_draws_are_unchanged() -> None:
    generator = torch.Generator().manual_seed(0)
    assert [str(uniform_arch(generator)) for _ in range(3)] == PINNED_UNIFORM


@pytest.mark.parametrize("method", list(PINNED))
def test_nb201_searches_are_unchanged(tiny: ImageData, method: str) -> None:
    from nasbench.oneshot.run import build_method

    search = build_method(method, tiny, tiny_settings(2), 0, torch.device("cpu"), **PINNED_OPTIONS[method])
    assert [e.arch for e in search.search().epochs] == PINNED[method]
