"""Closer to the floor (issue 14 §7): queries against a raw numpy read of the same values, and start-up.

The floor is measured in the same run: the same values read with numpy from arrays
already in memory (the default metrics stacked once, rows known), the fastest read we
know (`take`). Targets: `query` ≤ 5x its floor, `query_many` of 1000 architecture
objects ≤ 10x its floor, `nasbench --help` ≤ 0.3 s, `nasbench compare --runs 1`
≤ 1 s. Ratios and targets are checked only when timings are enabled
(`tox -e bench`); the minimum of the rounds is compared, the least disturbed one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nasbench

BENCH = nasbench.load("nb201", dataset="cifar10-valid")
ARCHS = [BENCH.space.arch(int(i)) for i in np.random.default_rng(0).permutation(15625)[:1000]]
ROWS = BENCH.rows(ARCHS)
NAMES = list(BENCH.query(ARCHS[0]))
F = BENCH.fidelity_index(None)
STACKED = np.ascontiguousarray(np.stack([BENCH.table.metrics[name].mean[:, F] for name in NAMES]))
MINIMA: dict[str, float] = {}
# Fixed iterations per round, the same for a query and its floor: both pay the same loop overhead,
# where automatic calibration gave the floor 65 ns in one run and 150 ns in the next.
ONE = {"rounds": 40, "iterations": 5000, "warmup_rounds": 2}
MANY = {"rounds": 40, "iterations": 100, "warmup_rounds": 2}
BIN = Path(sys.executable).parent


def _record(benchmark, key: str) -> float | None:
    if benchmark.disabled:
        return None
    MINIMA[key] = benchmark.stats.stats.min
    return MINIMA[key]


@pytest.mark.benchmark(group="query vs floor")
def test_floor_query(benchmark) -> None:
    values = benchmark.pedantic(STACKED.__getitem__, args=((slice(None), int(ROWS[0])),), **ONE)
    assert values.tolist() == list(BENCH.query(ARCHS[0]).values())
    _record(benchmark, "floor query")


@pytest.mark.benchmark(group="query vs floor")
def test_query(benchmark) -> None:
    record = benchmark.pedantic(BENCH.query, args=(ARCHS[0],), **ONE)
    assert list(record) == NAMES
    ours = _record(benchmark, "query")
    if ours is not None and "floor query" in MINIMA:
        print(f"query / floor = {ours / MINIMA['floor query']:.1f}")
        assert ours <= 5 * MINIMA["floor query"]


@pytest.mark.benchmark(group="query_many vs floor")
def test_floor_query_many(benchmark) -> None:
    block = benchmark.pedantic(STACKED.take, args=(ROWS,), kwargs={"axis": 1}, **MANY)
    assert block.shape == (len(NAMES), 1000)
    _record(benchmark, "floor query_many")


@pytest.mark.benchmark(group="query_many vs floor")
def test_query_many(benchmark) -> None:
    frame = benchmark.pedantic(BENCH.query_many, args=(ARCHS,), **MANY)
    np.testing.assert_array_equal(frame[NAMES].to_numpy().T, STACKED.take(ROWS, axis=1))
    ours = _record(benchmark, "query_many")
    if ours is not None and "floor query_many" in MINIMA:
        print(f"query_many / floor = {ours / MINIMA['floor query_many']:.1f}")
        assert ours <= 10 * MINIMA["floor query_many"]


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=120)


@pytest.mark.parametrize("module", ["nasbench", "nasbench.strategies"])
@pytest.mark.benchmark(group="start-up")
def test_import(benchmark, module: str) -> None:
    benchmark.pedantic(_run, args=(sys.executable, "-c", f"import {module}"), rounds=5, warmup_rounds=1)
    if _record(benchmark, f"import {module}") is not None:
        assert MINIMA[f"import {module}"] <= 0.3


@pytest.mark.benchmark(group="start-up")
def test_help(benchmark) -> None:
    benchmark.pedantic(_run, args=(str(BIN / "nasbench"), "--help"), rounds=5, warmup_rounds=1)
    if _record(benchmark, "help") is not None:
        assert MINIMA["help"] <= 0.3


@pytest.mark.benchmark(group="start-up")
def test_compare_start_up(benchmark, tmp_path: Path) -> None:
    """One run of one evaluation, results written: what `compare` costs before the search itself."""
    folders = iter(range(100))

    def compare() -> None:
        out = tmp_path / str(next(folders))
        _run(str(BIN / "nasbench"), "compare", "--bench", "nb201", "--strategies", "rs", "--runs", "1",
             "--budget", "1evals", "--out", str(out), "--quiet")  # fmt: skip

    benchmark.pedantic(compare, rounds=5, warmup_rounds=1)
    if _record(benchmark, "compare") is not None:
        assert MINIMA["compare"] <= 1.0
