"""Results of anyone's optimizer as a results folder: the report draws them beside the built-in strategies.

Owns the long-format schema of external results, its checks, and the conversion of a
frame (a user's CSV, optuna's `study.trials_dataframe()`, syne-tune's results) into the
folder layout of `nasbench.results` with the columns the simulator writes. It never runs
a search and never trusts a score it was given: every incumbent is scored again from the
table by the runner's own `Scorer` (the test metric, else the seeds the search did not
observe; flagged where none is left), exactly as a built-in strategy's is. An external
observed value only picks the incumbent, as a search's observation does.

The schema, one row per evaluation (only `strategy`, `run` and the architecture are required)::

    strategy     name of the method (letters, digits, '.', '_', '+', '-')
    run          integer run number (one file per strategy and run)
    arch         the architecture's standard string, or instead one column per hyperparameter
                 of the exported ConfigSpace (`nasbench.adapters.configspace`)
    eval         evaluation index within the run (default: row order; rows are sorted by it)
    end          time the evaluation finished, seconds since the run started (simulated or
                 wall; default: the running sum of the table's training costs, one worker)
    fidelity     fidelity evaluated (default: the largest)
    query_seed   seed of the table the method saw (-1 or absent: the mean over seeds)
    observed     the value of the observed metric the method saw (default: the table's)
    cost         training cost of the evaluation (default: the table's cost of reaching `fidelity`)

Nothing is written unless every row converts.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nasbench._version import __version__
from nasbench.adapters.config_space import encoding
from nasbench.adapters.objective import fidelity_name
from nasbench.benchmark.base import Benchmark
from nasbench.errors import NasbenchError
from nasbench.registry import opened
from nasbench.results import ResultsFolder
from nasbench.runner.simulation import COLUMNS, SEED_MEAN, TYPES, Budget, Scorer, scoring_rule

_NAME = re.compile(r"^[A-Za-z0-9_.+-]+$")
RESCORED = "incumbents re-scored from the table; the external observed values only chose them"


class ExternalResultsError(NasbenchError):
    """A results frame that does not follow the schema."""


def from_frame(
    frame: pd.DataFrame,
    benchmark: str,
    dataset: str | None = None,
    *,
    out: str | os.PathLike[str],
    estimator: str = "table",
    budget: str | None = None,
    source: str = "external results",
    hyperparameters: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """Write `frame` (the schema above) as a results folder `out` that `nasbench report` reads; return it.

    Args:
        frame: one row per evaluation.
        benchmark, dataset, estimator: the benchmark the evaluations were made on, as `nasbench.load` takes them.
        out: the results folder (created, or extended with other strategies or runs of the same settings).
        budget: '12000s' or '100evals': rows past it are left out (default: all, as seconds where `end`
            is given, else as evaluations). Give the built-in comparison's budget to share its checkpoints.
        source: where the results come from, in words (shown in the report instead of a command).
        hyperparameters: per strategy, the settings to record.
    """
    bench = opened(benchmark, dataset, estimator)
    frame = _checked(frame, bench)
    limit = Budget.parse(budget) if budget is not None else _default_budget(frame)
    scorer = Scorer(bench)
    hyper = {str(k): dict(v) for k, v in (hyperparameters or {}).items()}
    settings = _settings(bench, benchmark, estimator, limit, source, frame, hyper)
    runs = {
        (strategy, int(run)): _run_frame(rows, bench, scorer, settings, hyper.get(strategy, {}), limit)
        for (strategy, run), rows in frame.groupby(["strategy", "run"], sort=True)
    }
    folder = ResultsFolder(out)
    folder.prepare(settings)
    for (strategy, run), rows in runs.items():
        folder.write_run(strategy, run, rows)
    return folder.path


def _checked(frame: pd.DataFrame, bench: Benchmark) -> pd.DataFrame:
    """The frame with an `arch` column of architectures, checked against the schema."""
    if not isinstance(frame, pd.DataFrame):
        raise ExternalResultsError(f"expected a pandas DataFrame of results, got {type(frame).__name__}")
    missing = [c for c in ("strategy", "run") if c not in frame.columns]
    if missing:
        raise ExternalResultsError(
            f"expected columns strategy, run and arch (or the hyperparameters) in the results frame, "
            f"got no column {missing[0]!r} (columns: {', '.join(map(str, frame.columns))})"
        )
    if frame.empty:
        raise ExternalResultsError("expected at least one evaluation in the results frame, got none")
    bad = sorted({str(s) for s in frame["strategy"] if not _NAME.match(str(s))})
    if bad:
        raise ExternalResultsError(f"expected strategy names of letters, digits, '.', '_', '+', '-', got {bad[0]!r}")
    frame = frame.copy()
    frame["strategy"] = frame["strategy"].astype(str)
    frame["run"] = _integers(frame["run"], "run")
    frame["arch"] = _architectures(frame, bench)
    return frame


def _integers(column: pd.Series, name: str) -> pd.Series:
    values = pd.to_numeric(column, errors="coerce")
    if values.isna().any() or (values % 1 != 0).any() or (values < 0).any():
        raise ExternalResultsError(f"expected non-negative integers in column {name!r}, got {column.tolist()[:3]}...")
    return values.astype("int64")


def _architectures(frame: pd.DataFrame, bench: Benchmark) -> list[Any]:
    """Each row's architecture: from `arch` strings, else from the hyperparameter columns."""
    found = encoding(bench)
    convert: Callable[[Any], Any]
    if "arch" in frame.columns:
        convert, values = bench.space.validate, frame["arch"].tolist()
    elif all(name in frame.columns for name in found.names):
        convert = found.to_arch
        values = [dict(zip(found.names, row, strict=True)) for row in frame[list(found.names)].itertuples(index=False)]
    else:
        raise ExternalResultsError(
            f"expected a column 'arch' (standard strings) or the hyperparameter columns {', '.join(found.names)} "
            f"in the results frame, got columns {', '.join(map(str, frame.columns))}"
        )
    archs = []
    for row, value in enumerate(values):
        try:
            archs.append(convert(value))
        except NasbenchError as err:
            raise type(err)(f"results row {row}: {err}") from None
    return archs


def _default_budget(frame: pd.DataFrame) -> Budget:
    if "end" in frame.columns:
        return Budget(float(math.ceil(pd.to_numeric(frame["end"]).max())), "s")
    return Budget(float(frame.groupby(["strategy", "run"]).size().max()), "evals")


def _settings(
    bench: Benchmark,
    benchmark: str,
    estimator: str,
    budget: Budget,
    source: str,
    frame: pd.DataFrame,
    hyper: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """comparison.json of the folder: a built-in comparison's keys, plus where the results come from."""
    info = bench.info
    return {
        "benchmark": benchmark,
        "dataset": info.dataset,
        "estimator": estimator,
        "budget": str(budget),
        "workers": 1,
        "root_seed": 0,
        "fidelity": None,
        "overhead_seconds": 0.0,
        "runs": int(frame["run"].max()) + 1,
        "strategies": {s: hyper.get(s, {}) for s in sorted(frame["strategy"].unique())},
        "code_version": __version__,
        "data_sha256": bench.data_sha256,
        "scoring": f"{scoring_rule(info)}; {RESCORED}",
        "source": source,
    }


def _run_frame(
    rows: pd.DataFrame,
    bench: Benchmark,
    scorer: Scorer,
    settings: dict[str, Any],
    hyperparameters: dict[str, Any],
    budget: Budget,
) -> pd.DataFrame:
    """One run in the simulator's columns, its incumbents scored by `scorer`."""
    order = "eval" if "eval" in rows.columns else "end" if "end" in rows.columns else None
    rows = (rows.sort_values(order, kind="stable") if order else rows).reset_index(drop=True)
    fidelity = _fidelities(rows, bench)
    seed = _seeds(rows)
    observed, cost = _table_values(rows["arch"].tolist(), fidelity, seed, bench)
    if "observed" in rows.columns:
        observed = pd.to_numeric(rows["observed"], errors="coerce").to_numpy(dtype=float)
    if "cost" in rows.columns:
        cost = _numbers(rows["cost"], "cost")
    end = _numbers(rows["end"], "end") if "end" in rows.columns else np.cumsum(cost)
    start = _numbers(rows["start"], "start") if "start" in rows.columns else end - cost
    keep = end <= budget.amount if budget.unit == "s" else np.arange(len(rows)) < budget.amount
    columns: dict[str, Any] = {
        "eval": np.arange(int(keep.sum())),
        "worker": np.zeros(int(keep.sum()), dtype=np.int64),
        "start": start[keep],
        "end": end[keep],
        "arch": [bench.space.to_str(a) for a in rows["arch"][keep]],
        "fidelity": fidelity[keep],
        "query_seed": seed[keep],
        "observed": observed[keep],
        "cost": cost[keep],
    }
    columns.update(_incumbents(list(rows["arch"][keep]), columns, bench, scorer))
    constants = _constants(rows["strategy"].iloc[0], int(rows["run"].iloc[0]), bench, settings, hyperparameters)
    n = len(columns["eval"])
    frame = {k: np.full(n, v, dtype=object if isinstance(v, str) else None) for k, v in constants.items()}
    frame.update({name: np.asarray(columns[name], dtype=TYPES.get(name, object)) for name in COLUMNS})
    return pd.DataFrame(frame)


def _seeds(rows: pd.DataFrame) -> np.ndarray:
    """Each row's table seed; -1: the mean over seeds."""
    if "query_seed" not in rows.columns:
        return np.full(len(rows), -1, dtype=np.int64)
    values = pd.to_numeric(rows["query_seed"], errors="coerce")
    if values.isna().any() or (values % 1 != 0).any() or (values < -1).any():
        got = rows['query_seed'].tolist()[:3]
        raise ExternalResultsError(f"expected seeds (or -1) in column 'query_seed', got {got}")
    return values.to_numpy(dtype=np.int64)


def _numbers(column: pd.Series, name: str) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce")
    if values.isna().any():
        raise ExternalResultsError(f"expected numbers in column {name!r}, got {column[values.isna()].iloc[0]!r}")
    return values.to_numpy(dtype=float)


def _fidelities(rows: pd.DataFrame, bench: Benchmark) -> np.ndarray:
    if "fidelity" not in rows.columns:
        return np.full(len(rows), bench.info.max_fidelity, dtype=np.int64)
    values = _integers(rows["fidelity"], "fidelity").to_numpy()
    for f in sorted(set(values.tolist())):
        bench.fidelity_index(f)  # an unknown fidelity is named with the ones the table has
    return values


def _table_values(
    archs: list[Any], fidelity: np.ndarray, seed: np.ndarray, bench: Benchmark
) -> tuple[np.ndarray, np.ndarray]:
    """The table's observed metric and training cost of each row, one query per (fidelity, seed)."""
    info = bench.info
    observed, cost = np.empty(len(archs)), np.empty(len(archs))
    for f, s in sorted(set(zip(fidelity.tolist(), seed.tolist(), strict=True))):
        at = np.flatnonzero((fidelity == f) & (seed == s))
        found = bench.query_many([archs[i] for i in at], f, None if s == -1 else s, metrics=[info.observe, info.cost])
        observed[at], cost[at] = found[info.observe].to_numpy(), found[info.cost].to_numpy()
    return observed, cost


def _incumbents(archs: list[Any], columns: dict[str, Any], bench: Benchmark, scorer: Scorer) -> dict[str, list[Any]]:
    """The incumbent after each evaluation, chosen as the simulator chooses it, scored by `scorer`."""
    info = bench.info
    sign = 1.0 if info.metrics[info.observe].maximize else -1.0
    seen: dict[Any, set[int]] = {}
    best: tuple[int, float, Any, float] | None = None
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS if name.startswith("incumbent")}
    for arch, f, s, value in zip(archs, columns["fidelity"], columns["query_seed"], columns["observed"], strict=True):
        if s != -1 or f == info.max_fidelity:
            seen.setdefault(arch, set()).add(SEED_MEAN if s == -1 else int(s))
        utility = -math.inf if math.isnan(value) else sign * value
        if best is None or f > best[0] or (f == best[0] and utility > best[1]):
            best = (int(f), utility, arch, float(value))
        score, held_out = scorer.held_out(best[2], seen.get(best[2], set()))
        for name, item in zip(out, (bench.space.to_str(best[2]), best[3], score, held_out), strict=True):
            out[name].append(item)
    return out


def _constants(
    strategy: str, run: int, bench: Benchmark, settings: dict[str, Any], hyper: dict[str, Any]
) -> dict[str, Any]:
    """A run's constant columns, as the simulator writes them."""
    info = bench.info
    return {
        "run_id": f"{strategy}-{run:04d}",
        "strategy": strategy,
        "run": run,
        "root_seed": settings["root_seed"],
        "benchmark": settings["benchmark"],
        "dataset": info.dataset,
        "estimator": settings["estimator"],
        "budget": settings["budget"],
        "workers": 1,
        "hyperparameters": json.dumps(hyper, sort_keys=True),
        "observe_metric": info.observe,
        "score_metric": info.score_metric(info.max_fidelity),
        "code_version": __version__,
        "data_sha256": bench.data_sha256,
    }


def from_optuna(
    study: Any,
    benchmark: str,
    dataset: str | None = None,
    *,
    out: str | os.PathLike[str],
    strategy: str = "optuna",
    run: int = 0,
    **options: Any,
) -> Path:
    """Write an optuna study (or its `trials_dataframe()`) as run `run` of `strategy`; see `from_frame`.

    Complete trials only, in trial order. The architecture is the `arch` user attribute that
    `optuna_objective` records, else the `params_*` columns; the fidelity and seed likewise. The
    study's values are not read: the observed metric is the table's, and scores are the table's.
    Simulated time is the running sum of the table's training costs (one worker), not the study's clock.
    """
    frame = study.trials_dataframe() if hasattr(study, "trials_dataframe") else study
    if not isinstance(frame, pd.DataFrame) or "number" not in frame.columns:
        raise ExternalResultsError(
            "expected an optuna Study or its trials_dataframe() (with a 'number' column), "
            f"got {type(frame).__name__}{'' if not isinstance(frame, pd.DataFrame) else ' without one'}"
        )
    if "state" in frame.columns:
        frame = frame[frame["state"].astype(str).str.upper().str.endswith("COMPLETE")]
    renamed = {"number": "eval", **{c: c.removeprefix("params_") for c in frame.columns if c.startswith("params_")}}
    renamed.update({f"user_attrs_{k}": k for k in ("arch", "fidelity", "query_seed")})
    frame = frame.rename(columns=renamed)
    if "arch" in frame.columns:
        frame = frame.drop(columns=[c for c in renamed.values() if c not in ("eval", "arch", "fidelity", "query_seed")])
    kept = [c for c in frame.columns if c in ("eval", "arch", "fidelity", "query_seed") or c in renamed.values()]
    options.setdefault("source", "an optuna study, converted by nasbench.adapters.from_optuna")
    return from_frame(frame[kept].assign(strategy=strategy, run=run), benchmark, dataset, out=out, **options)


def from_syne_tune(
    results: pd.DataFrame,
    benchmark: str,
    dataset: str | None = None,
    *,
    out: str | os.PathLike[str],
    strategy: str = "syne-tune",
    run: int = 0,
    **options: Any,
) -> Path:
    """Write syne-tune's results frame (`load_experiment(name).results`) as run `run` of `strategy`.

    Each reported result is one evaluation, at the fidelity it reports (`epochs` or `fidelity`, as
    `syne_tune_blackbox` names it), finished at `st_tuner_time` (simulated time in the simulator
    backend); its cost is the training from the trial's previous report to this one. The
    configuration is read from the `config_*` columns. Reported metric values are not read.
    """
    bench = opened(benchmark, dataset, options.get("estimator", "table"))
    resource = fidelity_name(bench)
    names = [f"config_{n}" for n in encoding(bench).names]
    needed = ["trial_id", "st_tuner_time", resource, *names]
    missing = [c for c in needed if c not in getattr(results, "columns", ())]
    if missing:
        raise ExternalResultsError(
            f"expected syne-tune results with columns {', '.join(needed)}, got no column {missing[0]!r}"
        )
    frame = results[needed].rename(columns={"st_tuner_time": "end", resource: "fidelity"})
    frame = frame.rename(columns=dict(zip(names, encoding(bench).names, strict=True)))
    frame = frame.sort_values(["end", "trial_id"], kind="stable").reset_index(drop=True)
    checked = _checked(frame.assign(strategy=strategy, run=run), bench)
    _, reached = _table_values(list(checked["arch"]), _integers(frame["fidelity"], "fidelity").to_numpy(),
                               np.full(len(frame), -1), bench)  # fmt: skip
    previous = pd.Series(reached).groupby(frame["trial_id"]).shift(fill_value=0.0).to_numpy()
    frame = frame.assign(strategy=strategy, run=run, cost=np.maximum(reached - previous, 0.0))
    options.setdefault("source", "syne-tune results, converted by nasbench.adapters.from_syne_tune")
    return from_frame(frame.drop(columns=["trial_id"]), benchmark, dataset, out=out, **options)
