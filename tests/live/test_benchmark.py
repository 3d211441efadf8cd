"""LiveBenchmark: exact continuation, the cache as a table (resume, load, agreement with the shipped
digits table, never retraining a cached run), refusals of another build's cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

import nasbench  # noqa: E402
from nasbench.live.benchmark import CacheMismatch, LiveBenchmark  # noqa: E402
from nasbench.live.data import load_digits  # noqa: E402
from nasbench.live.train import get_protocol, train, train_until  # noqa: E402
from nasbench.registry import load_table  # noqa: E402
from nasbench.runner.simulation import Budget, RunSpec, simulate  # noqa: E402

TINY = {"channels": 4, "cells": 1}
ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def tiny(digits, cache: Path | None, epochs: int = 2, seeds=(0,)) -> LiveBenchmark:
    return LiveBenchmark("nb201", digits, get_protocol(None, "digits", epochs), seeds, cache, model_options=TINY)


def test_a_continued_run_equals_one_trained_straight_through(digits) -> None:
    protocol = get_protocol(None, "digits", 2)
    straight = train("nb201", ARCH, digits, protocol, 0, **TINY)
    first, checkpoint = train_until("nb201", ARCH, digits, protocol, 0, 1, **TINY)
    assert "test_acc" not in first.test
    continued, _ = train_until("nb201", ARCH, digits, protocol, 0, 2, checkpoint=checkpoint, **TINY)
    for name in ("valid_acc", "valid_loss", "train_loss"):
        assert continued.curves[name] == straight.curves[name]
    assert continued.test == straight.test


def test_the_cache_is_a_table_that_resumes_and_loads(digits, tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    bench = tiny(digits, cache)
    low = bench.query(ARCH, 1)
    full = bench.query(ARCH)
    assert bench.trained == [(ARCH, 0, 1), (ARCH, 0, 2)]  # the second continued the first
    assert "test_acc" in full and "test_acc" not in low
    assert (cache.parent / "cache.h5.checkpoints").is_dir()
    again = tiny(digits, cache)
    assert again.query(ARCH, 1) == low and again.query(ARCH) == full and again.trained == []
    table = nasbench.load(str(cache))
    assert table.query(ARCH) == full and table.query(ARCH, 1) == low


def test_a_search_on_a_cache_prefilled_from_the_digits_table_trains_nothing(digits, tmp_path: Path) -> None:
    cache = tmp_path / "digits.h5"
    shutil.copy(nasbench.registry.table_path("nb201-digits"), cache)
    table = load_table("nb201-digits")
    protocol = get_protocol("digits-12", "digits")
    live = LiveBenchmark(table.space, digits, protocol, (0, 1, 2), cache)  # the space of the table's rows
    spec = RunSpec(bench_name="nb201-digits", dataset="digits", strategy="re", run=0, budget=Budget.parse("40evals"))
    on_table, on_live = simulate(spec, table), simulate(spec, live)
    assert live.trained == []
    same = [c for c in on_table.columns if c not in ("data_sha256",)]
    pd.testing.assert_frame_equal(on_live[same], on_table[same])


def test_a_cache_of_another_protocol_or_other_data_is_refused(digits, tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    tiny(digits, cache, epochs=1).query(ARCH)
    with pytest.raises(CacheMismatch, match="expected a cache table of protocol"):
        tiny(digits, cache, epochs=2)
    with pytest.raises(CacheMismatch, match="seeds"):
        tiny(digits, cache, epochs=1, seeds=(0, 1))
    other = load_digits()
    other.train = (other.train[0] * 2, other.train[1])
    with pytest.raises(CacheMismatch, match="other data"):
        tiny(other, cache, epochs=1)
    shutil.copy(nasbench.registry.table_path("nb201-digits"), cache)
    with pytest.raises(CacheMismatch, match="model_options"):
        LiveBenchmark("nb201", digits, get_protocol("digits-12", "digits"), (0, 1, 2), cache, model_options=TINY)


def test_bad_queries_name_the_problem(digits) -> None:
    bench = tiny(digits, None)
    with pytest.raises(nasbench.UnknownName, match="expected a fidelity in 1..2 epochs, got 3"):
        bench.query(ARCH, 3)
    with pytest.raises(nasbench.UnknownName, match="expected a training seed among"):
        bench.query(ARCH, 1, seed=5)
    assert bench.trained == []


def test_charged_seconds_are_kept_per_epoch_and_charged_again_from_the_cache(tmp_path: Path) -> None:
    from nasbench.live.benchmark import TrainOrder
    from tests.live.test_cache import bench, run

    cache = tmp_path / "cache.h5"
    live = bench(cache, epochs=3)
    live.add_run(TrainOrder("0011", 0, 1), (run(1, False), (0.1, 0.2)), charged=4.0)
    live.add_run(TrainOrder("0011", 0, 3), (run(3, True), (0.1, 0.2)), charged=6.0)  # continued: epochs 2 and 3
    assert live.runs["0011"][0]["wall_seconds"] == [4.0, 7.0, 10.0]  # 6 s spread by training seconds (1.5 each)
    reread = bench(cache, epochs=3)
    assert reread.recorded_seconds("0011", 0, 1, 3) == 6.0 and reread.recorded_seconds("0011", 0, 0, 1) == 4.0
    live.add_run(TrainOrder("5500", 1, 2), (run(2, False), (0.1, 0.2)))  # trained outside a real-time run
    assert live.recorded_seconds("5500", 1, 0, 2) == 3.0  # its training seconds


@pytest.mark.parametrize(("space", "options"), [("nb201", TINY), ("macro", {}), ("mlp", {"features": 2})])
def test_the_cost_floor_is_no_more_than_any_architectures_counts(digits, space: str, options: dict) -> None:
    from nasbench.live.userdata import check_arrays, image_data
    from nasbench.problem.front import InfeasibleProblem
    from nasbench.problem.objectives import Constraint

    if space == "mlp":  # tabular data
        arrays = check_arrays(np.arange(60.0).reshape(30, 2), np.repeat([0, 1, 2], 10), "toy")
        digits = image_data(arrays, np.arange(20), np.arange(20, 30), np.arange(20, 30), "toy")
    bench = LiveBenchmark(space, digits, get_protocol(None, "digits", 1), (0,), None, model_options=options)
    params, flops = bench.cost_floor()
    rng = np.random.default_rng(0)
    for index in rng.choice(bench.space.size, size=12, replace=False):
        counts = bench.counts_of(bench.space.to_str(bench.space.arch(int(index))))
        assert params <= counts[0] and flops <= counts[1]
    bench.check_costs([Constraint("params", "<=", params), Constraint("flops", "<=", flops)])
    with pytest.raises(InfeasibleProblem, match=f"no architecture of {space} does \\(the least flops is"):
        bench.check_costs([Constraint("flops", "<", flops)])
