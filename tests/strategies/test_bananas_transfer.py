"""BANANAS-transfer: source rows with a task indicator in the predictor's training set, the target's scale kept."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.benchmark.meta import MetaInfo
from nasbench.registry import opened
from nasbench.strategies.bananas import Bananas
from nasbench.strategies.bananas_transfer import BananasTransfer
from tests.strategies.test_transfer import arch, meta_of

FAST = {"epochs": 20, "ensemble_size": 2}


@pytest.fixture(scope="module")
def c100():
    return opened("nb201", "cifar100")


def _sources(space, count: int) -> dict[str, list[tuple[str, float]]]:
    found = {}
    for name in ("cifar10-valid", "imagenet16-120"):
        bench = opened("nb201", name)
        rows = np.random.default_rng(3).choice(space.size, count, replace=False)
        values = bench.query_many(rows, metrics=["valid_acc"])["valid_acc"].to_numpy()
        found[name] = [(arch(space, int(r)), float(v)) for r, v in zip(rows, values, strict=True)]
    return found


def test_source_rows_carry_their_task_column_and_z_scores(c100) -> None:
    s = c100.space
    strategy = BananasTransfer(
        s, c100.info, np.random.default_rng(0), source_points=40, meta=meta_of(s, _sources(s, 60))
    )
    x, y = strategy.source_rows()
    width = s.encode_many([s.arch(0)]).shape[1]
    assert x.shape == (40, width + 3)  # 20 rows per source; target column, two source columns
    np.testing.assert_array_equal(x[:20, width:], np.tile([0.0, 1.0, 0.0], (20, 1)))
    np.testing.assert_array_equal(x[20:, width:], np.tile([0.0, 0.0, 1.0], (20, 1)))
    assert y[:20].mean() == pytest.approx(0.0) and y[:20].std() == pytest.approx(1.0)


def test_tables_take_rows_at_evenly_spaced_ranks(c100) -> None:
    s = c100.space
    rows = [(arch(s, i), float(i)) for i in range(100)]
    meta = MetaInfo(setting="tables", target="cifar100", space="nb201", sources=meta_of(s, {"a": rows}).sources)
    strategy = BananasTransfer(s, c100.info, np.random.default_rng(0), source_points=5, meta=meta)
    x, _ = strategy.source_rows()
    expected = s.encode_many([s.arch(i) for i in (99, 74, 49, 25, 0)])  # ranks 0, 25, 50, 74, 99 of 100
    np.testing.assert_array_equal(x[:, :-2], expected)


def test_the_sources_steer_the_first_proposals(c100) -> None:
    """With 2 target observations, the transfer model's pick beats the plain model's on the target, on average."""
    s = c100.space
    meta = meta_of(s, _sources(s, 300))
    picked = {"transfer": [], "plain": []}
    for seed in range(3):
        for name, cls, extra in (("transfer", BananasTransfer, {"meta": meta}), ("plain", Bananas, {})):
            strategy = cls(s, c100.info, np.random.default_rng(seed), initial_samples=2, **FAST, **extra)
            for _ in range(2 + 10):  # two random, then one batch of ten proposals
                a, _ = strategy.ask()
                strategy.tell(a, None, c100.query(a, metrics=["valid_acc"]))
            picked[name] += list(strategy.observed.values())[2:]
    assert np.mean(picked["transfer"]) > np.mean(picked["plain"]) + 1.0


def test_without_sources_it_runs_as_a_single_task_model(c100) -> None:
    strategy = BananasTransfer(c100.space, c100.info, np.random.default_rng(0), **FAST)
    for _ in range(4):
        a, _ = strategy.ask()
        strategy.tell(a, None, c100.query(a, metrics=["valid_acc"]))
    assert strategy.source_rows()[0].shape[0] == 0 and len(strategy.observed) == 4
