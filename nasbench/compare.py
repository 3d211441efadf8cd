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
from typing import Any

import numpy as np
from tqdm import tqdm

from nasbench import __version__
from nasbench.errors import NasbenchError
from nasbench.executors import execute
from nasbench.registry import load
from nasbench.results import ResultsFolder
from nasbench.runner import Budget, RunSpec
from strategies import get_strategy


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
) -> ResultsFolder:
    """Run (or resume) a comparison; returns its results folder."""
    budget = budget if isinstance(budget, Budget) else Budget.parse(budget)
    for name, value in (("runs", runs), ("workers", workers), ("jobs", jobs)):
        if value < 1:
            raise NasbenchError(f"expected {name} of at least 1, got {value}")
    if not strategies:
        raise NasbenchError("expected at least one strategy")
    benchmark = load(bench, dataset=dataset)
    if fidelity is not None:
        benchmark.fidelity_index(fidelity)
    overrides = hyperparameters or {}
    unknown = sorted(set(overrides) - set(strategies))
    if unknown:
        raise NasbenchError(f"hyperparameters given for {unknown[0]!r}, which is not among the strategies")
    full = {}
    for name in strategies:
        cls = get_strategy(name)
        full[name] = cls(benchmark.space, benchmark.info, np.random.default_rng(0), **overrides.get(name, {})).hp
    folder = ResultsFolder(out)
    folder.prepare(
        {
            "benchmark": bench,
            "dataset": benchmark.info.dataset,
            "budget": str(budget),
            "workers": workers,
            "root_seed": root_seed,
            "fidelity": fidelity,
            "overhead_seconds": overhead_seconds,
            "data_sha256": benchmark.data_sha256,
            "strategies": full,
            "runs": runs,
            "code_version": __version__,
        }
    )
    specs = [
        RunSpec(
            bench,
            benchmark.info.dataset,
            name,
            run,
            budget,
            root_seed,
            workers,
            fidelity,
            overhead_seconds,
            json.dumps(overrides.get(name, {}), sort_keys=True),
        )
        for name in strategies
        for run in range(runs)
        if not folder.is_done(name, run)
    ]
    with tqdm(total=len(specs), desc="runs", unit="run", disable=quiet or not specs, file=sys.stderr) as bar:
        for spec, frame in execute(specs, backend, jobs, address):
            folder.write_run(spec.strategy, spec.run, frame)
            bar.update()
    return folder
