"""The judge of a one-shot search: the table's ground truth for the derived cell, and how well the
supernet's inherited weights rank cells the table holds.

Owns the ground-truth lookup (the cell's score, mean over the table's seeds at its final fidelity,
and its rank among the table's cells) and the ranking quality (Kendall tau, Spearman rho, top-k
overlap between inherited-weight validation accuracy and the table's score), the evaluation of
NAS-Bench-201's one-shot study (Dong & Yang 2020, section 6) and of Yu et al., "Evaluating the search
phase of neural architecture search" (ICLR 2020). A search never sees any of it: the judge scores a
supernet after an epoch, off the search's clock. NAS-Bench-Macro (Su et al., CVPR 2021) publishes
one table, CIFAR-10's: every Macro network is judged there whatever the search data, and the
ground truth says so (`table_note`). It never trains.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from scipy import stats

from nasbench.benchmark.table import TableBenchmark
from nasbench.errors import InvalidArchitecture
from nasbench.oneshot.layout import LAYOUTS, Layout
from nasbench.oneshot.search import Arch, path_accuracy
from nasbench.spaces import get_space

# The table each dataset's ground truth is in: (benchmark, its dataset name). A search on a dataset
# absent here still runs; its ground truth reads "no table".
TABLES = {
    "digits": ("nb201-digits", "digits"),
    "cifar10": ("nb201", "cifar10-valid"),
    "cifar100": ("nb201", "cifar100"),
}
MACRO_TABLE = ("macro", "cifar10")  # NAS-Bench-Macro's only table: every Macro search is judged there
NO_TABLE = "no table"
NOT_IN_TABLE = "not in the table"


def open_table(dataset: str, tables: dict[str, tuple[str, str]] = TABLES) -> TableBenchmark | None:
    """The ground-truth table of `dataset`, or None where the project has none (or its file is absent)."""
    from nasbench.registry import data_dir, load_table

    if dataset not in tables:
        return None
    name, table_dataset = tables[dataset]
    if not (data_dir() / f"{name}.h5").is_file():
        return None
    return load_table(name, table_dataset)


def space_table(space: str, dataset: str) -> tuple[TableBenchmark | None, str | None]:
    """The ground-truth table of a search of `space` on `dataset`, and a note where its data differs.

    NB201: the dataset's own table (`TABLES`), no note. Macro: the CIFAR-10 table, with a note
    saying plainly that it was not the search's data unless the search ran on cifar10.
    """
    if space != "macro":
        return open_table(dataset), None
    table = open_table("cifar10", {"cifar10": MACRO_TABLE})
    if dataset == "cifar10":
        return table, None
    return table, (
        f"ground truth is the NAS-Bench-Macro cifar10 table (its only one); the search data was {dataset}: "
        "a judge across datasets"
    )


def op_histogram(arch: Arch, layout: Layout = LAYOUTS["nb201"]) -> dict[str, int]:
    """How many decisions (NB201: edges; Macro: layers) take each option (parameter-free drift shows here)."""
    counts = Counter(layout.to_choices(arch))
    return {name: counts.get(k, 0) for k, name in enumerate(layout.option_names)}


class GroundTruth:
    """Scores and ranks of the architectures one table holds (rank 1 = best; ties share the better rank).

    NB201 merges isomorphic cells into one class; Macro has none to merge (each network is its own).
    """

    def __init__(self, table: TableBenchmark) -> None:
        info = table.info
        self.fidelity = max(info.fidelities)
        self.table, self.metric = table, info.score_metric(self.fidelity)  # NB201 cifar10-valid: valid_acc
        rows = np.arange(info.size)
        self.scores = table.query_many(rows, self.fidelity, metrics=[self.metric])[self.metric].to_numpy()
        self.maximize = info.metrics[self.metric].direction == "maximize"
        space = self.space = get_space(info.space)  # the whole space: a partial table's own refuses other cells
        self.strings = list(table.table.archs())
        first: dict[Hashable, int] = {}  # one row per isomorphism class: its cells share their results
        for row, text in enumerate(self.strings):
            if np.isfinite(self.scores[row]):
                first.setdefault(space.canonical(space.from_str(text)), row)
        self.class_rows = np.array(sorted(first.values()), dtype=np.int64)

    def row(self, arch: Arch) -> int | None:
        try:
            return int(self.table.row(arch))
        except InvalidArchitecture:
            return None

    def rank(self, score: float) -> int:
        """1 + how many of the table's isomorphism classes score better."""
        scores = self.scores[self.class_rows]
        return int(np.count_nonzero(scores > score if self.maximize else scores < score)) + 1

    def lookup(self, arch: Arch) -> dict[str, Any]:
        """The cell's ground truth: score, rank among the table's cells, or why there is none."""
        row = self.row(arch)
        scores = self.scores[self.class_rows]
        best = float(scores.max() if self.maximize else scores.min())
        base = {"metric": self.metric, "fidelity": self.fidelity, "classes": len(self.class_rows), "best": best}
        if row is None or not np.isfinite(self.scores[row]):
            return {**base, "status": NOT_IN_TABLE, "score": None, "rank": None}
        score = float(self.scores[row])
        return {**base, "status": "ok", "score": score, "rank": self.rank(score)}

    def sample(self, n: int, generator: torch.Generator) -> list[tuple[Arch, float]]:
        """Up to `n` cells of distinct isomorphism classes the table scores, drawn uniformly, with their scores."""
        space = self.space
        order = torch.randperm(len(self.class_rows), generator=generator)[:n].tolist()
        rows = [int(self.class_rows[i]) for i in order]
        return [(space.from_str(self.strings[r]), float(self.scores[r])) for r in rows]


@dataclass
class RankingPoint:
    """The supernet's ranking quality after one epoch."""

    epoch: int
    n: int
    kendall_tau: float
    spearman_rho: float
    top_k: int
    top_k_overlap: float
    seconds: float


def ranking_quality(predicted: np.ndarray, truth: np.ndarray, top_k: int) -> tuple[float, float, float]:
    """(Kendall tau-b, Spearman rho, share of the true top-k among the predicted top-k); both higher-is-better."""
    tau = float(stats.kendalltau(predicted, truth).statistic)
    rho = float(stats.spearmanr(predicted, truth).statistic)
    k = min(top_k, len(truth))
    top_true = set(np.argsort(-truth, kind="stable")[:k].tolist())
    top_pred = set(np.argsort(-predicted, kind="stable")[:k].tolist())
    return tau, rho, len(top_true & top_pred) / k


def rank_supernet(
    supernet: Any, cells: list[tuple[Arch, float]], data: Any, epoch: int, top_k: int, maximize: bool = True
) -> tuple[RankingPoint, list[float]]:
    """Score `cells` with inherited weights on the validation split; their agreement with the table."""
    import time

    start = time.perf_counter()
    inherited = np.array([path_accuracy(supernet, arch, data.valid, data.train[0]) for arch, _ in cells])
    truth = np.array([score if maximize else -score for _, score in cells])
    tau, rho, overlap = ranking_quality(inherited, truth, top_k)
    seconds = time.perf_counter() - start
    return RankingPoint(epoch, len(cells), tau, rho, min(top_k, len(cells)), overlap, seconds), inherited.tolist()
