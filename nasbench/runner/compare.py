"""A strategy comparison: every (strategy, run) pair of one setting, resumable.

Owns the orchestration of `nasbench compare`: validating the settings up front,
skipping runs already finished in the results folder, executing the rest on the
chosen backend and writing each run as it finishes. It adds no randomness of its own:
each run's stream comes from (root seed, strategy, run index). What needs the benchmark
is checked here (`resolve`): the objectives, every hyperparameter, the transfer datasets, an
evaluations budget within reason, a time budget that pays for one evaluation, and no evaluations
budget shared by multi- and single-fidelity strategies (it would count a 12-epoch evaluation as
a full one: such comparisons need a time budget).
"""

from __future__ import annotations

import json
import logging
import math
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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
from nasbench.runner.executors import WAIT_S, check_backend, started
from nasbench.runner.meta import HISTORY_TEXT, prefetch, source_datasets
from nasbench.runner.settings import Comparison, SettingsError
from nasbench.runner.simulation import RunSpec, scoring_rule

MEANINGFUL = 10  # an evaluations budget beyond 10x the space's size is refused (each result repeats many times)


@dataclass(frozen=True)
class Outcome:
    """What one `compare` call did: its folder and settings, how many runs it ran and how many it found done."""

    folder: ResultsFolder
    comparison: Comparison
    ran: int
    reused: int
    others: tuple[str, ...] = ()  # strategies run beside the comparison's in its folder (one-shot methods)


def compare(
    comparison: Comparison | None = None,
    *,
    out: str,
    jobs: int = 1,
    backend: str = "local",
    address: str | None = None,
    quiet: bool = False,
    wait_s: float = WAIT_S,
    **settings: Any,
) -> ResultsFolder:
    """Run (or resume) a comparison in `out`; returns its results folder.

    Give a `Comparison`, or its fields as keywords (`bench`, `strategies`, `budget`, ...; see
    `nasbench.runner.settings.Comparison`). Everything is validated before anything is written, and a
    cluster's workers are awaited (at most `wait_s` seconds) and checked before that too.
    """
    outcome = run_comparison(
        comparison, out=out, jobs=jobs, backend=backend, address=address, quiet=quiet, wait_s=wait_s, **settings
    )
    return outcome.folder


def run_comparison(
    comparison: Comparison | None = None,
    *,
    out: str,
    jobs: int = 1,
    backend: str = "local",
    address: str | None = None,
    quiet: bool = False,
    wait_s: float = WAIT_S,
    **settings: Any,
) -> Outcome:
    """`compare`, returning what it did (runs run and reused) as well."""
    if comparison is None:
        comparison = Comparison(**settings)
    elif settings:
        raise NasbenchError(f"expected a Comparison or its settings, got both ({', '.join(sorted(settings))})")
    check_backend(backend, jobs, address, wait_s)
    record = resolve(comparison)
    folder = ResultsFolder(out)
    with started(backend, jobs, address, wait_s) as run:  # a cluster up and checked before anything is written
        folder.prepare(record)
        specs = [spec for spec in run_specs(comparison, record) if not folder.is_done(spec.strategy, spec.run)]
        if jobs > 1 and backend == "local":
            prefetch(specs)  # forked workers inherit the source tasks' data instead of each computing it again
        with tqdm(total=len(specs), desc="runs", unit="run", disable=quiet or not specs, file=sys.stderr) as bar:
            for spec, table in run(specs):
                folder.write_run(spec.strategy, spec.run, table)
                bar.update()
    total = len(comparison.strategies) * comparison.runs
    return Outcome(folder, comparison, len(specs), total - len(specs))


def run_specs(comparison: Comparison, record: dict[str, Any]) -> list[RunSpec]:
    """One spec per (strategy, run), in that order."""
    return [
        RunSpec(
            bench_name=comparison.bench,
            dataset=record["dataset"],
            strategy=name,
            run=run,
            budget=comparison.budget,
            root_seed=comparison.root_seed,
            workers=comparison.workers,
            fidelity=comparison.fidelity,
            pin_fidelity=comparison.pin_fidelity,
            overhead_seconds=comparison.overhead_seconds,
            hyperparameters=json.dumps(comparison.hyperparameters.get(name, {}), sort_keys=True),
            estimator=comparison.estimator,
            objectives=record.get("objectives", ""),
            constraints=record.get("constraints", ""),
            transfer_to=comparison.transfer_to,
            strategy_path=comparison.plugins.get(name, ""),
            strategy_version=record.get("plugins", {}).get(name, {}).get("version"),
            meta_from=tuple(record.get("meta_from", ())),
            meta_data=comparison.meta_data,
        )
        for name in comparison.strategies
        for run in range(comparison.runs)
    ]


def resolve(comparison: Comparison) -> dict[str, Any]:
    """Check what needs the benchmark; return the settings `comparison.json` holds."""
    benchmark = opened(comparison.bench, dataset=comparison.dataset, estimator=comparison.estimator)
    if comparison.fidelity is not None:
        benchmark.fidelity_index(comparison.fidelity)
    problem = checked_problem(benchmark, comparison.objectives, comparison.constraints, comparison.fidelity)
    full = _strategy_settings(benchmark, comparison, problem)
    _check_transfer(comparison, benchmark)
    meta = _meta_settings(comparison, benchmark)
    _check_fair_budget(comparison, benchmark)
    _check_affordable(comparison, benchmark)
    record = comparison.record()
    record.pop("objectives", None), record.pop("constraints", None)
    return {
        **record,
        **meta,
        "dataset": benchmark.info.dataset,
        "scoring": scoring_rule(benchmark.info),
        "data_sha256": benchmark.data_sha256,
        **_problem_settings(problem, benchmark),
        "strategies": full,
        "code_version": __version__,
    }


def _check_transfer(comparison: Comparison, benchmark: Benchmark) -> None:
    """Every transfer dataset exists in the same table, over the same space, and is not the searched one."""
    for name in comparison.transfer_to:
        if name == benchmark.info.dataset:
            raise SettingsError(f"expected transfer datasets other than the searched one, got {name!r}")
        other = opened(comparison.bench, dataset=name, estimator=comparison.estimator)
        if other.info.space != benchmark.info.space:
            raise SettingsError(f"expected a transfer dataset over the space {benchmark.info.space}, got {name!r}")


def _meta_settings(comparison: Comparison, benchmark: Benchmark) -> dict[str, Any]:
    """The source tasks resolved (ALL_OTHERS expanded, each checked); transfer strategies need some."""
    learners = [name for name in comparison.strategies if comparison.strategy_class(name).meta_learning]
    if not comparison.meta_from:
        if learners:
            raise SettingsError(f"expected --meta-from for the transfer strategy {learners[0]}, got none")
        return {}
    if comparison.estimator != "table":
        raise SettingsError(f"expected --estimator table with --meta-from, got {comparison.estimator!r}")
    sources = source_datasets(comparison.bench, benchmark.info.dataset, comparison.meta_from, comparison.estimator)
    twins = {name: comparison.strategy_class(name).twin for name in learners}
    settings: dict[str, Any] = {"meta_from": list(sources), "meta_data": comparison.meta_data, "twins": twins}
    if comparison.meta_data == "history":
        settings["meta_history"] = HISTORY_TEXT
    return settings


def _check_fair_budget(comparison: Comparison, benchmark: Any) -> None:
    """Refuse an evaluations budget shared by multi- and single-fidelity strategies on a multi-fidelity table.

    Under '150evals' a 12-epoch evaluation would count as a full one, so a multi-fidelity method
    would get a fraction of the compute (issue 15 §2): such a comparison needs a time budget.
    """
    if comparison.budget.unit != "evals" or comparison.pin_fidelity or len(benchmark.info.fidelities) < 2:
        return
    multi = [name for name in comparison.strategies if comparison.strategy_class(name).multi_fidelity]
    single = [name for name in comparison.strategies if name not in multi]
    if multi and single:
        raise SettingsError(
            f"expected a time budget (e.g. '12000s') to compare multi-fidelity ({', '.join(multi)}) with "
            f"single-fidelity strategies ({', '.join(single)}), got {comparison.budget}: an evaluations budget "
            "counts a low-fidelity evaluation as a full one"
        )


def _check_affordable(comparison: Comparison, benchmark: Any) -> None:
    """An evaluations budget within reason for the space; a time budget that pays for one evaluation at least."""
    info = benchmark.info
    if comparison.budget.unit == "evals":
        if comparison.budget.amount > MEANINGFUL * info.size:
            raise SettingsError(
                f"expected at most {MEANINGFUL * info.size:,} evaluations per run on {info.name}/{info.dataset} "
                f"({MEANINGFUL}x its {info.size:,} architectures; more cannot find anything new), "
                f"got {comparison.budget}"
            )
        return
    fidelity = info.fidelities[0]
    found = candidates(benchmark)
    costs = benchmark.query_many(found.select, fidelity=fidelity, metrics=[info.cost])[info.cost].to_numpy()
    cheapest = float(np.nanmin(costs)) if np.isfinite(costs).any() else math.inf
    if cheapest + comparison.overhead_seconds > comparison.budget.amount:
        raise SettingsError(
            f"expected a budget that affords one evaluation ({cheapest + comparison.overhead_seconds:.4g} s at "
            f"fidelity {fidelity} on {info.name}/{info.dataset} at least), got {comparison.budget}"
        )


def _strategy_settings(benchmark: Benchmark, comparison: Comparison, problem: Problem) -> dict[str, dict[str, Any]]:
    """Every strategy's full hyperparameters (defaults and overrides), validated before anything runs."""
    full = {}
    for name in comparison.strategies:
        rng, overrides = np.random.default_rng(0), comparison.hyperparameters.get(name, {})
        strategy = comparison.strategy_class(name)(benchmark.space, benchmark.info, rng, problem=problem, **overrides)
        full[name] = strategy.hp
        if strategy.note:  # the CLI prints it as one `nasbench: note:` line
            logging.getLogger("nasbench").warning(strategy.note)
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


def summary(outcome: Outcome) -> str:
    """What a finished `compare` prints: runs run and reused, the best strategy, the command to run next."""
    comparison, folder = outcome.comparison, outcome.folder
    total = outcome.ran + outcome.reused
    lines = [
        f"{outcome.reused}/{total} runs already done"
        if not outcome.ran
        else f"{outcome.ran} runs done, {outcome.reused} reused"
    ]
    frame = folder.load(frozenset({"strategy", "run", "incumbent_score"}))
    names = (*comparison.strategies, *outcome.others)
    final = frame[frame["strategy"].isin(names) & (frame["run"] < comparison.runs)]
    last = final.groupby(["strategy", "run"], sort=True).tail(1)
    medians = last.groupby("strategy")["incumbent_score"].median().dropna()
    settings = folder.read_settings()
    if len(medians) and not comparison.objectives:
        maximize = _maximize(settings, frame)
        best = medians.idxmax() if maximize else medians.idxmin()
        lines.append(f"best by median final score: {best} ({medians[best]:.4g}; scored on {settings['scoring']})")
    lines += _incumbent_notes(last)
    lines += [
        f"results in {folder.path}",
        f"next: {shlex.join(['nasbench', 'report', str(folder.path), '--out', str(folder.path / 'report')])}",
    ]
    return "\n".join(lines)


def _incumbent_notes(last: Any) -> list[str]:
    """Notes on the runs' final rows: runs that found no feasible evaluation (no incumbent at all), and
    incumbents scored on no held-out seed."""
    if "incumbent_held_out" not in last:
        return []
    none = last["incumbent"].fillna("").astype(str).eq("") if "incumbent" in last else last["incumbent_held_out"].isna()
    unseen = ~last["incumbent_held_out"] & ~none
    notes = []
    if none.any():
        notes.append(
            f"note: {int(none.sum())} of {len(last)} runs have no feasible incumbent "
            "(no evaluation met the constraints): nothing to score"
        )
    if unseen.any():
        notes.append(f"note: {int(unseen.sum())} of {len(last)} final incumbents have no held-out seed")
    return notes


def _maximize(settings: dict[str, Any], frame: Any) -> bool:
    """Whether the scored metric is maximized (read from the benchmark's description)."""
    estimator = settings.get("estimator", "table")
    estimator = "table" if estimator == "live" else estimator  # a live comparison's benchmark is its cache table
    info = opened(settings["benchmark"], dataset=settings["dataset"], estimator=estimator).info
    return info.metrics[str(frame["score_metric"].iloc[0])].maximize
