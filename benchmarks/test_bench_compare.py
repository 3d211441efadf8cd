"""Speed of comparisons: the whole `nasbench compare` command, the NB201 reproduction, one run, per-strategy overhead.

Run with `tox -e bench` (or `pytest benchmarks --benchmark-enable -s`). The command-level
benchmarks run only when timings are enabled; the others also run once as smoke tests.
One run (issue 14 §7): rs or re, 150 evaluations, 1 worker, its results file written, as
`compare` does it: at most 5 ms (the minimum of the rounds, the least disturbed one).
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nasbench
from nasbench.problem.objectives import parse_problem
from nasbench.results import ResultsFolder
from nasbench.runner.executors import run_spec
from nasbench.runner.simulation import Budget, RunSpec
from nasbench.strategies import STRATEGIES, get_strategy

ROOT = Path(__file__).resolve().parent.parent
BENCH = nasbench.load("nb201", dataset="cifar10-valid")


def _command(args: list[str]) -> None:
    subprocess.run([sys.executable, *args], check=True, capture_output=True, cwd=ROOT)


@pytest.mark.benchmark(group="compare")
def test_compare_four_strategies_100_runs_150_evals(benchmark, tmp_path) -> None:
    if benchmark.disabled:
        pytest.skip("a whole-command timing: run with --benchmark-enable")
    outs = iter(range(100))
    benchmark.pedantic(
        lambda: _command(
            [
                "-m",
                "nasbench.cli",
                "compare",
                "--bench",
                "nb201",
                "--dataset",
                "cifar10-valid",
                "--strategies",
                "rs,re,reinforce,ls",
                "--runs",
                "100",
                "--budget",
                "150evals",
                "--jobs",
                "2",
                "--quiet",
                "--out",
                str(tmp_path / str(next(outs))),
            ]
        ),
        rounds=3,
        iterations=1,
    )
    assert benchmark.stats.stats.median < 10.0


@pytest.mark.benchmark(group="compare")
def test_reproduce_nb201(benchmark, tmp_path) -> None:
    if benchmark.disabled:
        pytest.skip("a whole-command timing: run with --benchmark-enable")
    benchmark.pedantic(
        lambda: _command(["scripts/reproduce_nb201.py", "--quiet", "--out", str(tmp_path / "reproduce")]),
        rounds=1,
        iterations=1,
    )
    assert benchmark.stats.stats.median < 120.0


@pytest.mark.parametrize("name", ["rs", "re"])
@pytest.mark.benchmark(group="one run of 150 evaluations, written")
def test_one_run_written(benchmark, tmp_path, name: str) -> None:
    folder, runs = ResultsFolder(tmp_path), iter(range(1000))

    def one_run() -> None:
        spec = RunSpec(
            bench_name="nb201", dataset="cifar10-valid", strategy=name, run=next(runs), budget=Budget.parse("150evals")
        )
        done, table = run_spec(spec)
        folder.write_run(done.strategy, done.run, table)

    benchmark.pedantic(one_run, rounds=40, warmup_rounds=2)
    assert folder.is_done(name, 0) and len(pd.read_parquet(folder.run_path(name, 0))) == 150
    if not benchmark.disabled:
        assert benchmark.stats.stats.min <= 0.005


MO_PROBLEM = "valid_acc,latency:pixel3"  # multi-objective strategies: accuracy against one device's latency


def _metrics(name: str) -> list[str]:
    return MO_PROBLEM.split(",") if get_strategy(name).multi_objective else ["valid_acc"]


def _after_150_observations(name: str):
    cls = get_strategy(name)
    problem = parse_problem(MO_PROBLEM if cls.multi_objective else None, [], BENCH.info)
    strategy = cls(BENCH.space, BENCH.info, np.random.default_rng(0), problem=problem)
    for _ in range(150):
        arch, fidelity = strategy.ask()
        strategy.tell(arch, fidelity, BENCH.query(arch, fidelity, metrics=_metrics(name)))
    for attribute in ("queue",):  # model-based batches: make the measured ask refit and propose
        if isinstance(getattr(strategy, attribute, None), list):
            setattr(strategy, attribute, [])
    return strategy


@pytest.mark.parametrize("name", list(STRATEGIES))
@pytest.mark.benchmark(group="ask+tell at 150 observations")
def test_overhead_of_one_ask_and_tell(benchmark, name: str) -> None:
    base = _after_150_observations(name)

    def step(strategy) -> None:
        arch, fidelity = strategy.ask()
        strategy.tell(arch, fidelity, BENCH.query(arch, fidelity, metrics=_metrics(name)))

    rounds = 5 if name in ("bananas", "gp-bo", "rgpe") else 200
    benchmark.pedantic(step, setup=lambda: ((copy.deepcopy(base),), {}), rounds=rounds)
