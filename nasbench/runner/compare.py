"""A strategy comparison: every (strategy, run) pair of one setting, resumable.

Owns the orchestration of `nasbench compare`: validating the settings up front,
skipping runs already finished in the results folder, executing the rest on the
chosen backend and writing each run as it finishes. It adds no randomness of its own:
each run's stream comes from (root seed, strategy, run index).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from tqdm import tqdm

from nasbench._version import __version__
from nasbench.benchmark.base import Benchmark
from nasbench.errors import NasbenchError
from nasbench.problem.front import candidates, check_feasible
from nasbench.problem.objectives import Problem, parse_problem
from nasbench.registry import opened
from nasbench.results import ResultsFolder
from nasbench.runner.executors import execute
from nasbench.runner.simulation import Budget, RunSpec
from nasbench.strategies import get_strategy


def compare(
    bench: str,
    dataset: str | None,
    strategies: Sequence[str],
    runs: int,
    budget: str | Budget,
    out: str,
    workers: int = 1,
    jobs: int = 1,
    backend: str = "local",
    address: str | None = None,
    root_seed: int = 0,
    fidelity: int | None = None,
    overhead_seconds: float = 0.0,
    hyperparameters: dict[str, dict[str, Any]] | None = None,
    quiet: bool = False,
    estimator: str = "table",
    objectives: str | None = None,
    constraints: Sequence[str] | None = None,
) -> ResultsFolder:
    """Run (or resume) a comparison; returns its results folder.

    `objectives` ('valid_acc,latency:pixel3') makes it multi-objective; `constraints`
    ('latency:raspi4<=10', ...) are checked against the table before anything runs.
    """
    budget = budget if isinstance(budget, Budget) else Budget.parse(budget)
    for name, value in (("runs", runs), ("workers", workers), ("jobs", jobs)):
        if value < 1:
            raise NasbenchError(f"expected {name} of at least 1, got {value}")
    benchmark = opened(bench, dataset=dataset, estimator=estimator)
    if fidelity is not None:
        benchmark.fidelity_index(fidelity)
    problem = checked_problem(benchmark, objectives, constraints, fidelity)
    overrides = hyperparameters or {}
    full = _strategy_settings(benchmark, strategies, overrides, problem)
    template = RunSpec(
        bench, benchmark.info.dataset, "", 0, budget, root_seed, workers, fidelity, overhead_seconds,
        estimator=estimator, objectives=problem.objectives_text(), constraints=problem.constraints_text(),
    )  # fmt: skip
    folder = ResultsFolder(out)
    folder.prepare(
        {
            "benchmark": bench,
            "dataset": benchmark.info.dataset,
            "estimator": estimator,
            "budget": str(budget),
            "workers": workers,
            "root_seed": root_seed,
            "fidelity": fidelity,
            "overhead_seconds": overhead_seconds,
            "data_sha256": benchmark.data_sha256,
            **_problem_settings(problem, benchmark),
            "strategies": full,
            "runs": runs,
            "code_version": __version__,
        }
    )
    specs = [
        replace(template, strategy=name, run=run, hyperparameters=json.dumps(overrides.get(name, {}), sort_keys=True))
        for name in strategies
        for run in range(runs)
        if not folder.is_done(name, run)
    ]
    with tqdm(total=len(specs), desc="runs", unit="run", disable=quiet or not specs, file=sys.stderr) as bar:
        for spec, frame in execute(specs, backend, jobs, address):
            folder.write_run(spec.strategy, spec.run, frame)
            bar.update()
    return folder


def _strategy_settings(
    benchmark: Benchmark, strategies: Sequence[str], overrides: dict[str, dict[str, Any]], problem: Problem
) -> dict[str, dict[str, Any]]:
    """Every strategy's full hyperparameters (defaults and overrides), validated before anything runs."""
    if not strategies:
        raise NasbenchError("expected at least one strategy")
    unknown = sorted(set(overrides) - set(strategies))
    if unknown:
        raise NasbenchError(f"hyperparameters given for {unknown[0]!r}, which is not among the strategies")
    full = {}
    for name in strategies:
        rng = np.random.default_rng(0)
        strategy = get_strategy(name)(benchmark.space, benchmark.info, rng, problem=problem, **overrides.get(name, {}))
        full[name] = strategy.hp
    return full


def checked_problem(
    benchmark: Benchmark,
    objectives: str | None,
    constraints: Sequence[str] | None,
    fidelity: int | None,
) -> Problem:
    """The search's objectives and constraints, checked before anything runs.

    Every metric must have values at the search's fidelity, and some architecture must
    meet the constraints: checked on the whole table, on every architecture of an enumerable
    surrogate space, or on a large space's trained networks (`nasbench.problem.front.candidates`;
    free, nothing is charged).
    """
    problem = parse_problem(objectives, list(constraints or []), benchmark.info)
    at = fidelity if fidelity is not None else benchmark.info.max_fidelity
    for metric in problem.metrics:
        where = benchmark.info.metrics[metric].fidelities
        if at not in where:
            raise NasbenchError(
                f"expected a metric with values at fidelity {at}, got {metric!r} "
                f"(values at {', '.join(map(str, where))})"
            )
    check_feasible(benchmark, problem)
    return problem


def _problem_settings(problem: Problem, benchmark: Benchmark) -> dict[str, str]:
    """The problem as settings, with the kind of front a multi-objective search is measured against;
    absent for a plain single-objective search (its folders predate them)."""
    settings = {"objectives": problem.objectives_text(), "constraints": problem.constraints_text()}
    if problem.multi_objective:
        found = candidates(benchmark)
        settings["front"] = f"{found.kind}: {found.description}"
    return {key: value for key, value in settings.items() if value}
