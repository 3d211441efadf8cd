"""One-shot methods as strategies of a real-time comparison (`nasbench compare --estimator live`).

Owns one weight-sharing search run inside a live comparison, in the results schema of that
comparison's black-box runs (`nasbench.runner.realtime`), so that `nasbench report` draws both
together: one row per epoch, the cell the method stands by after it as the incumbent, the search's
real seconds on the x-axis (`start`, `end`, `cost`: the epoch's training and derivation). The
incumbent is scored as every incumbent of the comparison is (`CachedScorer`): the comparison's
`LiveBenchmark` score metric at full fidelity, mean over its training seeds, from its cache, the
derived cell trained there under the comparison's protocol where the cache lacks it. That training
is the judge's, off the search's clock (as a table lookup is). The supernet has the comparison's
model options, so each derived cell is exactly the network the cache trains and scores.

Besides the run file, `oneshot/<method>-<run>.json` keeps each epoch's derived cell with its ground
truth in the dataset's table (`nasbench.oneshot.ranking.TABLES`: "no table" where the dataset has
none or it was built for another space, protocol or network size; "not in the table" where the cell is
not among its rows) and the op weights where the method has them.

Budgets: 'Nevals' runs N epochs (one derived cell each); a time budget runs the method's schedule
(`epochs`, default 50) until the first epoch ending past the budget, which is dropped. SPOS derives
once, after its last epoch: it needs an evaluations budget. Each run's seed is drawn from (root seed,
method, run) as every run's stream is. It never parses command lines.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import torch

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path
from nasbench.live.benchmark import LiveBenchmark
from nasbench.oneshot import METHODS
from nasbench.oneshot.layout import get_layout
from nasbench.oneshot.ranking import NO_TABLE, GroundTruth, open_table
from nasbench.oneshot.run import build_method
from nasbench.oneshot.search import OneShotMethod, SearchResult, Settings
from nasbench.results import ResultsFolder
from nasbench.runner.realtime import MODE
from nasbench.runner.simulation import COLUMNS, STRING, TYPES, Budget, RunSpec, run_settings

SETTINGS = {f.name for f in fields(Settings)}
FROM_BENCH = ("channels", "cells")  # the supernet's size is the comparison's network size
DERIVE_ONCE = ("spos",)  # methods that derive only after their last epoch


def split(names: list[str]) -> tuple[list[str], list[str]]:
    """(black-box strategy names, one-shot method names), each in the given order."""
    return [n for n in names if n not in METHODS], [n for n in names if n in METHODS]


def run_seed(root_seed: int, method: str, run: int) -> int:
    """The run's torch seed, from the same (root seed, strategy, run) stream as a black-box run's."""
    spec = RunSpec(bench_name="", dataset="", strategy=method, run=run, budget=Budget(1, "evals"), root_seed=root_seed)
    return int(spec.seed_sequence().generate_state(1, np.uint64)[0] >> np.uint64(1))


def settings_for(method: str, hyperparameters: dict[str, Any], bench: LiveBenchmark, budget: Budget) -> Settings:
    """The search settings: the comparison's network size, epochs from the budget or `epochs`.

    A value recorded in `comparison.json` that these fix (size; epochs under an evaluations
    budget) may be given again, equal.
    """
    default = Settings()
    size = {k: bench.model_options.get(k, getattr(default, k)) for k in FROM_BENCH}
    if not get_layout(bench.space_name).sized:
        size = dict.fromkeys(FROM_BENCH)  # a fixed network (Macro): no size, recorded as None
    for name, value in size.items():
        if value is None and hyperparameters.get(name) is not None:
            raise NasbenchError(
                f"expected no {method}.{name} for {bench.space_name} (its network is fixed), "
                f"got {hyperparameters[name]!r}"
            )
        if hyperparameters.get(name, value) != value:
            raise NasbenchError(
                f"expected {method}.{name} equal to the comparison's --{name} {value}, got {hyperparameters[name]!r}"
            )
    given = {k: v for k, v in hyperparameters.items() if k in SETTINGS}
    if budget.unit == "evals":
        if given.get("epochs", int(budget.amount)) != int(budget.amount):
            raise NasbenchError(
                f"expected {method}.epochs equal to the evaluations budget {int(budget.amount)} (one evaluation "
                f"is one epoch), got {given['epochs']!r}"
            )
        given["epochs"] = int(budget.amount)
    elif method in DERIVE_ONCE:
        raise NasbenchError(
            f"expected an evaluations budget (e.g. '10evals') for {method}, which derives once after its "
            f"last epoch, got {budget}"
        )
    return Settings(**{**given, **size})


def build(
    method: str, hyperparameters: dict[str, Any], bench: LiveBenchmark, budget: Budget, seed: int
) -> OneShotMethod:
    """The method object of one run (refuses an unknown option, a size other than the comparison's)."""
    settings = settings_for(method, hyperparameters, bench, budget)
    options = {k: v for k, v in hyperparameters.items() if k not in SETTINGS}
    device = torch.device(bench.device)
    return build_method(method, bench.data, settings, seed, device, space=bench.space_name, **options)


def full_hyperparameters(
    method: str, hyperparameters: dict[str, Any], bench: LiveBenchmark, budget: Budget
) -> dict[str, Any]:
    """What `comparison.json` records for `method`: its options and every search setting, checked."""
    search = build(method, hyperparameters, bench, budget, 0)
    return {**search.hyperparameters(), **asdict(search.settings)}


class TableTruth:
    """The dataset's table as ground truth of derived cells, where it was built as the comparison trains."""

    def __init__(self, bench: LiveBenchmark) -> None:
        table = open_table(bench.data.name)
        spec = table.table.meta.get("build", {}).get("spec", {}) if table is not None else {}
        ours = bench.spec.key()
        same = all(spec.get(k) == ours[k] for k in ("space", "dataset", "protocol", "model_options"))
        self.truth = GroundTruth(table) if table is not None and same else None
        other = f"{NO_TABLE} (its table was built for another space, protocol or size)"
        self.why = NO_TABLE if table is None else other

    def lookup(self, arch: str) -> dict[str, Any]:
        if self.truth is None:
            return {"status": self.why, "score": None, "rank": None}
        return self.truth.lookup(self.truth.space.from_str(arch))


def judge(result: SearchResult, bench: LiveBenchmark) -> list[float]:
    """Each recorded epoch's derived cell scored as the comparison scores incumbents (trained here if missing)."""
    metric, fidelity = bench.info.score_metric(bench.info.max_fidelity), bench.info.max_fidelity
    scores: dict[str, float] = {}
    for arch in (e.arch for e in result.epochs if e.arch and e.arch not in scores):
        scores[arch] = float(bench.query(arch, fidelity, None, metrics=[metric])[metric])
    bench.flush()
    return [scores[e.arch] if e.arch else np.nan for e in result.epochs]


def run_table(
    spec: RunSpec, bench: LiveBenchmark, search: OneShotMethod, scores: list[float], result: SearchResult
) -> pa.Table:
    """The run in the schema of a `RealTimeRun`'s table: the same columns, types and constants."""
    observe = "inherited valid_acc"  # what a one-shot search judges cells by; never stored here
    score = bench.info.score_metric(bench.info.max_fidelity)
    settings = {**run_settings(spec, search.hyperparameters(), observe, score, bench), "mode": MODE}
    rows = [
        (i, 0, e.search_seconds - e.epoch_seconds, e.search_seconds, e.arch, e.epoch, -1, np.nan, e.epoch_seconds)
        + ((e.arch, np.nan, score, True) if e.arch else ("", np.nan, np.nan, False))
        for i, (e, score) in enumerate(zip(result.epochs, scores, strict=True))
    ]
    n = len(rows)
    columns = {k: pa.repeat(pa.scalar(v, STRING if isinstance(v, str) else pa.int64()), n) for k, v in settings.items()}
    values = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
    for name, column in zip(COLUMNS, values, strict=True):
        kind = TYPES.get(name)
        columns[name] = (
            pa.array(column, STRING) if kind is None else pa.array(np.array(column, dtype=kind), from_pandas=True)
        )
    return pa.table(columns)


def run_live_oneshot(spec: RunSpec, bench: LiveBenchmark, folder: ResultsFolder) -> None:
    """Search (under the run's budget), judge, and write the run file and its record."""
    hyperparameters = json.loads(spec.hyperparameters)
    seed = run_seed(spec.root_seed, spec.strategy, spec.run)
    search = build(spec.strategy, hyperparameters, bench, spec.budget, seed)
    result = search.search(until=spec.budget.amount if spec.budget.unit == "s" else None)
    scores = judge(result, bench)
    truth = TableTruth(bench)
    weights = getattr(search, "op_weights", None)
    record = {
        "method": spec.strategy,
        "run": spec.run,
        "seed": seed,
        "arch": result.arch,
        "threads": torch.get_num_threads(),
        "device": search.device.type,
        "epochs": [
            {**asdict(e), "score": s, "table": truth.lookup(e.arch) if e.arch else None}
            for e, s in zip(result.epochs, scores, strict=True)
        ],
        "op_weights": weights() if weights is not None else None,
        "settings": asdict(search.settings),
        "hyperparameters": search.hyperparameters(),
    }
    with atomic_path(Path(folder.path) / "oneshot" / f"{spec.strategy}-{spec.run:04d}.json") as tmp:
        tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    folder.write_run(spec.strategy, spec.run, run_table(spec, bench, search, scores, result))


def oneshot_specs(
    methods: list[str], hyperparameters: dict[str, dict[str, Any]], record: dict[str, Any], where: str
) -> list[RunSpec]:
    """One spec per (method, run) of a live comparison's settings (`record`, as `comparison.json` holds them)."""
    return [
        RunSpec(
            bench_name=where,
            dataset=record["dataset"],
            strategy=method,
            run=run,
            budget=Budget.parse(record["budget"]),
            root_seed=record["root_seed"],
            workers=1,  # a supernet trains in this process
            hyperparameters=json.dumps(hyperparameters.get(method, {}), sort_keys=True),
            estimator=record["estimator"],
        )
        for method in methods
        for run in range(record["runs"])
    ]


def add_to_record(
    record: dict[str, Any], methods: list[str], hyperparameters: dict[str, dict[str, Any]], bench: LiveBenchmark
) -> dict[str, Any]:
    """`record` with each one-shot method's full hyperparameters among its strategies (checked here)."""
    budget = Budget.parse(record["budget"])
    full = {m: full_hyperparameters(m, hyperparameters.get(m, {}), bench, budget) for m in methods}
    return {**record, "strategies": {**record["strategies"], **full}}


def run_oneshot_runs(specs: list[RunSpec], bench: LiveBenchmark, folder: ResultsFolder) -> tuple[int, int]:
    """Run every spec not done in `folder`, one after another; (ran, reused)."""
    todo = [s for s in specs if not folder.is_done(s.strategy, s.run)]
    for spec in todo:
        run_live_oneshot(spec, bench, folder)
    return len(todo), len(specs) - len(todo)
