"""Ranks of strategies: average rank over time, and the tests behind a critical-difference diagram.

Owns the statistics: runs are paired by (dataset, run index), rank 1 is best. At the
final budget a Friedman test asks whether any strategy differs (Friedman 1937; needs 3
or more), then pairwise Wilcoxon signed-rank tests with Holm's step-down correction
(Holm 1979) say which pairs do, as recommended by Benavoli, Corani & Mangili (JMLR 2016).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats


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


@dataclass
class RankTest:
    """The final-budget tests: average ranks, Friedman, and Holm-corrected Wilcoxon pairs."""

    strategies: list[str]
    average_ranks: dict[str, float]
    blocks: int
    friedman_statistic: float | None = None
    friedman_p: float | None = None
    pairs: list[tuple[str, str, float, float]] = field(default_factory=list)  # (a, b, raw p, Holm p)
    alpha: float = 0.05

    def not_different(self, a: str, b: str) -> bool:
        """Whether a and b are not significantly different at `alpha` (after Holm)."""
        for x, y, _, adjusted in self.pairs:
            if {x, y} == {a, b}:
                return adjusted >= self.alpha
        return True

    def table(self) -> pd.DataFrame:
        """The pairwise tests as a table."""
        return pd.DataFrame(self.pairs, columns=["strategy_a", "strategy_b", "wilcoxon_p", "holm_p"])


def rank_test(final: pd.DataFrame, strategies: list[str], maximize: bool, alpha: float = 0.05) -> RankTest:
    """Tests on a (blocks x strategies) table of final scores; blocks with any missing value are dropped."""
    scores = final[strategies].dropna().to_numpy(dtype=float)
    ranks = rank_rows(scores, maximize) if len(scores) else np.empty((0, len(strategies)))
    average = dict(
        zip(strategies, ranks.mean(axis=0).tolist() if len(scores) else [np.nan] * len(strategies), strict=True)
    )
    result = RankTest(strategies, average, len(scores), alpha=alpha)
    if len(scores) < 2 or len(strategies) < 2:
        return result
    if len(strategies) >= 3:
        result.friedman_statistic, result.friedman_p = (float(v) for v in stats.friedmanchisquare(*scores.T))
    raw = []
    for i, j in combinations(range(len(strategies)), 2):
        difference = scores[:, i] - scores[:, j]
        raw.append(1.0 if np.all(difference == 0) else float(stats.wilcoxon(scores[:, i], scores[:, j]).pvalue))
    adjusted = holm(raw)
    pairs = list(combinations(strategies, 2))
    result.pairs = [(a, b, p, q) for (a, b), p, q in zip(pairs, raw, adjusted, strict=True)]
    return result


def cliques(test: RankTest) -> list[list[str]]:
    """Maximal runs of strategies, in rank order, whose members are pairwise not different."""
    order = sorted(test.strategies, key=lambda s: test.average_ranks[s])
    groups: list[list[str]] = []
    for start in range(len(order)):
        end = start
        while end + 1 < len(order) and all(test.not_different(order[k], order[end + 1]) for k in range(start, end + 1)):
            end += 1
        group = order[start : end + 1]
        if len(group) > 1 and not any(set(group) <= set(g) for g in groups):
            groups.append(group)
    return groups
