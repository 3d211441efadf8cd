"""The report's statistics: unpaired tests within a task, and rank tests across tasks.

Owns the statistics; it draws nothing. Rank 1 is best.

- Within one task (benchmark x dataset), runs of different strategies are independent
  draws, not paired: two strategies are compared by the two-sided Mann-Whitney U test
  (Mann & Whitney 1947), the p-values of all pairs adjusted by Holm's step-down method
  (Holm 1979). Over time, `expected_ranks` gives each strategy's average rank over every
  combination of one run per strategy (no pairing by run index).
- Across tasks, strategies are ranked by their median (or mean) final score per task,
  as Demsar (JMLR 2006) intends: a Friedman test (Friedman 1937), then either the
  Nemenyi critical difference CD = q_alpha * sqrt(k (k + 1) / (6 N)) (q_alpha: the
  studentized range quantile over sqrt 2, Demsar's Table 5) or pairwise Wilcoxon
  signed-rank tests over tasks with Holm's correction (Benavoli, Corani & Mangili, JMLR 2016).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from nasbench.benchmark.base import utility_sign
from nasbench.errors import NasbenchError

METHODS = ("nemenyi", "wilcoxon")


def rank_rows(scores: np.ndarray, maximize: bool) -> np.ndarray:
    """Rank each row's entries (1 = best, ties share the average rank); NaN rows stay NaN."""
    signed = -scores if maximize else scores
    ranks = stats.rankdata(np.nan_to_num(signed), axis=1)
    ranks[np.isnan(scores).any(axis=1)] = np.nan
    return ranks


def holm(p_values: list[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given."""
    order = np.argsort(p_values, kind="stable")
    m = len(p_values)
    adjusted = np.empty(m)
    running = 0.0
    for step, index in enumerate(order):
        running = max(running, min(1.0, (m - step) * p_values[index]))
        adjusted[index] = running
    return adjusted.tolist()


def q_alpha(k: int, alpha: float = 0.05) -> float:
    """Demsar's (2006) Table 5: the studentized range quantile for k groups, infinite df, over sqrt 2."""
    return float(stats.studentized_range.ppf(1.0 - alpha, k, np.inf) / np.sqrt(2.0))


def beat_probability(a: np.ndarray, b: np.ndarray, maximize: bool) -> np.ndarray:
    """Per column: the chance that a random run of `a` is worse than one of `b` (ties count half).

    `a` and `b` are (runs, points); a NaN (no incumbent yet) counts as worst.
    """
    worst = -np.inf if maximize else np.inf
    sign = utility_sign(maximize)  # then larger is better, and a missing incumbent is -inf
    a, b = sign * np.where(np.isnan(a), worst, a), sign * np.where(np.isnan(b), worst, b)
    worse = np.empty(a.shape[1])
    for point in range(a.shape[1]):  # sorted: O(n log n) per point, not every pair of runs
        column = np.sort(a[:, point])
        below = np.searchsorted(column, b[:, point], "left")
        ties = np.searchsorted(column, b[:, point], "right") - below
        worse[point] = (below + 0.5 * ties).sum() / (len(column) * len(b))
    return worse


def expected_ranks(values: list[np.ndarray], maximize: bool) -> np.ndarray:
    """(points, strategies): each strategy's rank averaged over every combination of one run per strategy."""
    k = len(values)
    ranks = np.ones((values[0].shape[1], k))
    for i, j in combinations(range(k), 2):
        worse_i = beat_probability(values[i], values[j], maximize)
        ranks[:, i] += worse_i
        ranks[:, j] += 1.0 - worse_i
    return ranks


@dataclass
class PairTests:
    """Unpaired pairwise tests within one task: Mann-Whitney U with Holm's correction."""

    task: str
    counts: dict[str, int]
    pairs: list[tuple[str, str, float, float]] = field(default_factory=list)  # (a, b, raw p, Holm p)

    def table(self) -> pd.DataFrame:
        rows = [(self.task, a, b, self.counts[a], self.counts[b], p, q) for a, b, p, q in self.pairs]
        return pd.DataFrame(
            rows, columns=["task", "strategy_a", "strategy_b", "n_a", "n_b", "mann_whitney_p", "holm_p"]
        )


def pair_tests(task: str, samples: dict[str, np.ndarray]) -> PairTests:
    """Two-sided Mann-Whitney U for every pair of strategies (each with 2 or more runs), Holm-adjusted."""
    usable = {s: v[~np.isnan(v)] for s, v in samples.items()}
    usable = {s: v for s, v in usable.items() if len(v) >= 2}
    result = PairTests(task, {s: len(v) for s, v in samples.items()})
    names = list(usable)
    if len(names) < 2:
        return result
    raw = [
        float(stats.mannwhitneyu(usable[a], usable[b], alternative="two-sided").pvalue)
        for a, b in combinations(names, 2)
    ]
    adjusted = holm(raw)
    result.pairs = [(a, b, p, q) for (a, b), p, q in zip(combinations(names, 2), raw, adjusted, strict=True)]
    return result


@dataclass
class RankTest:
    """Ranks across tasks: average ranks, Friedman, and which pairs differ (Nemenyi or Wilcoxon-Holm)."""

    strategies: list[str]
    average_ranks: dict[str, float]
    blocks: int
    method: str = "nemenyi"
    friedman_statistic: float | None = None
    friedman_p: float | None = None
    critical_difference: float | None = None
    pairs: list[tuple[str, str, float, float]] = field(default_factory=list)  # (a, b, raw p, Holm p)
    alpha: float = 0.05

    def not_different(self, a: str, b: str) -> bool:
        """Whether a and b are not significantly different at `alpha` (all alike when Friedman does not reject)."""
        if self.friedman_p is not None and self.friedman_p >= self.alpha:
            return True
        if self.method == "nemenyi":
            assert self.critical_difference is not None
            return abs(self.average_ranks[a] - self.average_ranks[b]) <= self.critical_difference
        for x, y, _, adjusted in self.pairs:
            if {x, y} == {a, b}:
                return adjusted >= self.alpha
        return True

    def table(self) -> pd.DataFrame:
        """The pairwise tests over tasks as a table (Wilcoxon-Holm only)."""
        return pd.DataFrame(self.pairs, columns=["strategy_a", "strategy_b", "wilcoxon_p", "holm_p"])


def rank_test(
    tasks: pd.DataFrame, strategies: list[str], maximize: bool, method: str = "nemenyi", alpha: float = 0.05
) -> RankTest:
    """Tests on a (tasks x strategies) table of per-task scores; tasks with any missing value are dropped."""
    if method not in METHODS:
        raise NasbenchError(f"expected a method in {METHODS}, got {method!r}")
    scores = tasks[strategies].dropna().to_numpy(dtype=float)
    k, n = len(strategies), len(scores)
    average = rank_rows(scores, maximize).mean(axis=0).tolist() if n else [np.nan] * k
    result = RankTest(strategies, dict(zip(strategies, average, strict=True)), n, method, alpha=alpha)
    if n < 2 or k < 2:
        return result
    if k >= 3:
        result.friedman_statistic, result.friedman_p = (float(v) for v in stats.friedmanchisquare(*scores.T))
    if method == "nemenyi":
        result.critical_difference = q_alpha(k, alpha) * float(np.sqrt(k * (k + 1) / (6.0 * n)))
        return result
    raw = []
    for i, j in combinations(range(k), 2):
        same = np.all(scores[:, i] == scores[:, j])
        raw.append(1.0 if same else float(stats.wilcoxon(scores[:, i], scores[:, j]).pvalue))
    result.pairs = [(a, b, p, q) for (a, b), p, q in zip(combinations(strategies, 2), raw, holm(raw), strict=True)]
    return result


def cliques(test: RankTest) -> list[list[str]]:
    """The maximal groups (in rank order) whose members are pairwise not different.

    Every not-different pair lies in some group and every pair in a group is not
    different, so bars drawn for these groups join exactly the not-different pairs.
    """
    order = sorted(test.strategies, key=lambda s: test.average_ranks[s])
    linked = {a: {b for b in order if b != a and test.not_different(a, b)} for a in order}
    found: list[list[str]] = []

    def grow(group: list[str], candidates: list[str], excluded: set[str]) -> None:  # Bron-Kerbosch
        if not candidates and not excluded:
            if len(group) > 1:
                found.append(sorted(group, key=order.index))
            return
        for s in list(candidates):
            grow([*group, s], [c for c in candidates if c in linked[s]], {e for e in excluded if e in linked[s]})
            candidates.remove(s)
            excluded.add(s)

    grow([], list(order), set())
    return sorted(found, key=lambda g: [order.index(s) for s in g])
