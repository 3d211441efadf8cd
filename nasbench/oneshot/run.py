"""One one-shot search from end to end: build the method, search, judge, and write the results.

Owns the run's settings checks, the per-epoch judging (ground truth of each epoch's derived cell;
the supernet's ranking quality every `rank_every` epochs, off the search's clock) and the output
folder: the comparison results layout of `nasbench.results` (`comparison.json`, then
`runs/<method>/<seed>.parquet`, one row per derived cell: real search time on the x-axis, the
incumbent's ground-truth score) plus `oneshot/<method>-<seed>.json`, the full record. A Macro search
is judged on NAS-Bench-Macro's only table, CIFAR-10's (Su et al., CVPR 2021), whatever its data:
the ground truth says so in its `note`, and a ranking across datasets is refused. It never parses
command lines.
"""

from __future__ import annotations

import importlib
import inspect
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from nasbench._version import __version__
from nasbench.errors import NasbenchError, UnknownName
from nasbench.files import atomic_path
from nasbench.oneshot import METHODS, SPACES
from nasbench.oneshot.layout import LAYOUTS, Layout
from nasbench.oneshot.ranking import (
    NO_TABLE,
    NOT_IN_TABLE,
    GroundTruth,
    RankingPoint,
    op_histogram,
    rank_supernet,
    space_table,
)
from nasbench.oneshot.search import EpochRecord, OneShotMethod, SearchResult, Settings
from nasbench.results import ResultsFolder
from nasbench.runner.simulation import COLUMNS  # the run files' columns, after the run's constants
from nasbench.spaces.nb201 import NB201Space


def check(
    space: str,
    method: str,
    epochs: int,
    rank: int,
    rank_every: int | None,
    *,
    dataset: str | None = None,
    train_missing: int = 0,
) -> None:
    """Refuse a space without a supernet, an unknown method, sizes below 1, or what the space's table cannot
    judge (a Macro ranking on another dataset than the table's; training a Macro network the table holds)."""
    if space not in SPACES:
        raise UnknownName(f"expected a space with a supernet ({', '.join(SPACES)}), got {space!r}")
    if method not in METHODS:
        raise UnknownName(f"expected a one-shot method among {', '.join(METHODS)}, got {method!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise NasbenchError(f"expected --epochs >= 1, got {epochs!r}")
    if rank < 0:
        raise NasbenchError(f"expected --rank >= 0 (0: no ranking), got {rank}")
    if rank_every is not None and rank_every < 1:
        raise NasbenchError(f"expected --rank-every >= 1, got {rank_every}")
    if space == "macro" and rank and dataset != "cifar10":
        raise NasbenchError(
            f"expected --rank 0 for macro on {dataset} (its only table is cifar10's: a ranking across "
            f"datasets would mislead), got {rank}"
        )
    if space == "macro" and train_missing:
        raise NasbenchError(
            f"expected --train-missing 0 for macro (every network is in its table), got {train_missing}"
        )


def build_method(
    method: str, data: Any, settings: Settings, seed: int, device: torch.device, space: str = "nb201", **options: Any
) -> OneShotMethod:
    """The method object over `space`'s supernet; `options` are its own keyword options (e.g. DARTS `order`)."""
    module, _, name = METHODS[method].partition(":")
    cls = getattr(importlib.import_module(module), name)
    known = set(inspect.signature(cls.__init__).parameters) | set(getattr(cls, "extra_options", ()))
    unknown = sorted(set(options) - known)
    if unknown:
        raise NasbenchError(f"expected options of {method}, got {unknown[0]!r}")
    return cls(data, settings, seed, device, space=space, **options)  # type: ignore[no-any-return]


class Judge:
    """Scores each epoch against the table: the derived cell's ground truth, the supernet's ranking."""

    def __init__(
        self,
        truth: GroundTruth | None,
        rank: int,
        rank_every: int,
        epochs: int,
        seed: int,
        layout: Layout = LAYOUTS["nb201"],
        note: str | None = None,
    ) -> None:
        self.truth, self.rank_every, self.epochs, self.layout, self.note = truth, rank_every, epochs, layout, note
        self.cells = truth.sample(rank, torch.Generator().manual_seed(seed)) if truth and rank else []
        self.points: list[RankingPoint] = []
        self.inherited: dict[int, list[float]] = {}

    def __call__(self, record: EpochRecord, method: OneShotMethod) -> None:
        due = record.epoch % self.rank_every == 0 or record.epoch == self.epochs
        if self.cells and due and len(self.cells) > 1:
            point, inherited = rank_supernet(method.supernet, self.cells, method.data, record.epoch, top_k=10)
            self.points.append(point)
            self.inherited[record.epoch] = inherited

    def lookup(self, arch: str) -> dict[str, Any]:
        if self.truth is None:
            return {"status": NO_TABLE, "score": None, "rank": None}
        found = self.truth.lookup(self.layout.parse(arch))
        return {**found, "note": self.note} if self.note else found


def run_oneshot(
    method: str,
    dataset: str,
    settings: Settings,
    seed: int,
    out: str | Path,
    *,
    space: str = "nb201",
    rank: int = 0,
    rank_every: int | None = None,
    device: torch.device | None = None,
    data_dir: str | None = None,
    options: dict[str, Any] | None = None,
    train_missing: int = 0,
) -> dict[str, Any]:
    """Search, judge, write `out`; the summary (what `--json` prints).

    `train_missing` > 0: a derived cell the table lacks is trained stand-alone under the table's own
    build protocol with that many seeds (0, 1, ...), and ranked among the table's classes by the mean.
    """
    from nasbench.live.data import load_dataset

    check(space, method, settings.epochs, rank, rank_every, dataset=dataset, train_missing=train_missing)
    device = device or torch.device("cpu")
    data = load_dataset(dataset, data_dir)
    table, note = space_table(space, dataset)
    truth = GroundTruth(table) if table is not None else None
    search = build_method(method, data, settings, seed, device, space=space, **(options or {}))
    folder = _prepare(out, search, dataset, table, note)
    every = rank_every or max(1, settings.epochs // 5)
    judge = Judge(truth, rank, every, settings.epochs, seed, search.layout, note)
    result = search.search(judge)
    summary = _summary(result, judge, search, dataset, table)
    if train_missing and truth is not None and summary["ground_truth"]["status"] == NOT_IN_TABLE:
        summary["ground_truth"] = train_truth(result.arch, truth, data, train_missing, device)
    folder.write_run(method, seed, _frame(result, judge, method, dataset, table, summary["ground_truth"]))
    with atomic_path(Path(out) / "oneshot" / f"{method}-{seed:04d}.json") as tmp:
        record = {
            **summary,
            "record": result.to_dict(),
            "ranking_cells": [str(a) for a, _ in judge.cells],
            "ranking_inherited": judge.inherited,
        }
        tmp.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return summary


def _prepare(out: str | Path, search: OneShotMethod, dataset: str, table: Any, note: str | None) -> ResultsFolder:
    """The results folder, refused where it holds another comparison or this very run."""
    folder, method, seed, settings = ResultsFolder(out), search.name, search.seed, search.settings
    if folder.run_path(method, seed).exists():
        raise NasbenchError(
            f"expected a results folder without {method} seed {seed}, got {folder.run_path(method, seed)}"
        )
    folder.prepare(
        {
            "benchmark": table.info.name if table is not None else NO_TABLE,
            "dataset": dataset,
            "estimator": "oneshot",
            "budget": f"{settings.epochs}evals",  # one derived cell per epoch: an evaluation
            "workers": 1,
            "runs": seed + 1,  # run i is seed i
            "root_seed": None,
            "fidelity": None,
            "overhead_seconds": 0.0,  # the search's own compute is on its real clock already
            "scoring": _scoring(table, note),
            "strategies": {method: {**search.hyperparameters(), **asdict(settings)}},
            "data_sha256": table.data_sha256 if table is not None else None,
            "code_version": __version__,
        }
    )
    return folder


def _scoring(table: Any, note: str | None) -> str:
    if table is None:
        return NO_TABLE
    scoring = f"{table.info.score_metric(table.info.max_fidelity)} at the table's last fidelity, mean over seeds"
    return f"{scoring} ({note})" if note else scoring


def _summary(result: SearchResult, judge: Judge, search: OneShotMethod, dataset: str, table: Any) -> dict[str, Any]:
    truth = judge.lookup(result.arch)
    layout = search.layout
    summary = {
        "method": result.method,
        "space": layout.space,
        "dataset": dataset,
        "seed": result.seed,
        "arch": result.arch,
        "op_histogram": op_histogram(layout.parse(result.arch), layout),
        "search_seconds": result.epochs[-1].search_seconds,
        "epochs": len(result.epochs),
        "ground_truth": truth,
        "ranking": [asdict(p) for p in judge.points],
        "settings": asdict(search.settings),
        "hyperparameters": result.hyperparameters,
        "threads": torch.get_num_threads(),
        "device": search.device.type,
    }
    weights = getattr(search, "op_weights", None)
    if weights is not None:
        summary["op_weights"] = weights()
    return summary


def _frame(
    result: SearchResult, judge: Judge, method: str, dataset: str, table: Any, final: dict[str, Any]
) -> pd.DataFrame:
    """The results schema: one row per derived cell (epoch), real search seconds as its end.

    A cell without ground truth scores NaN, except the final cell where it was trained here (`final`).
    """
    seed = result.seed
    rows = []
    for e in (r for r in result.epochs if r.arch):
        truth = final if e.arch == result.arch else judge.lookup(e.arch)
        score = truth["score"] if truth.get("score") is not None else np.nan
        rows.append(
            (
                e.epoch,
                0,
                e.search_seconds - e.epoch_seconds,
                e.search_seconds,
                e.arch,
                e.epoch,
                -1,
                np.nan,
                e.epoch_seconds,
                e.arch,
                np.nan,
                score,
                False,
            )
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    constants = {
        "run_id": f"{method}-{seed}",
        "strategy": method,
        "run": seed,
        "root_seed": seed,
        "benchmark": table.info.name if table is not None else NO_TABLE,
        "dataset": dataset,
        "estimator": "oneshot",
        "budget": f"{len(result.epochs)}evals",
        "workers": 1,
        "hyperparameters": json.dumps(result.hyperparameters, sort_keys=True),
        "observe_metric": "inherited valid_acc",
        "score_metric": judge.truth.metric if judge.truth else NO_TABLE,
        "code_version": __version__,
        "data_sha256": table.data_sha256 if table is not None else "",
    }
    for i, (name, value) in enumerate(constants.items()):
        frame.insert(i, name, value)
    return frame


def train_truth(arch: str, truth: GroundTruth, data: Any, seeds: int, device: torch.device) -> dict[str, Any]:
    """Ground truth the table lacks: `arch` trained stand-alone as the table was built, mean over `seeds`."""
    from nasbench.live.train import get_protocol, train

    spec = truth.table.table.meta.get("build", {}).get("spec")
    if not spec:
        return truth.lookup(NB201Space().from_str(arch))  # a published table: its protocol is not ours to rerun
    protocol = get_protocol(spec["protocol"]["name"], data.name, spec["protocol"]["epochs"])
    runs = [train("nb201", arch, data, protocol, seed, device, **spec["model_options"]) for seed in range(seeds)]
    scores = [r.final()[truth.metric] for r in runs]
    score = float(np.mean(scores))
    found = truth.lookup(NB201Space().from_str(arch))
    return {
        **found,
        "status": f"{NOT_IN_TABLE}: trained here",
        "score": score,
        "rank": truth.rank(score),
        "seed_scores": scores,
        "protocol": protocol.name,
    }
