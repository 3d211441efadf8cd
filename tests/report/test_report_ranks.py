"""Ranks and the tests behind the critical-difference diagram, against scipy and hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from nasbench.report.ranks import cliques, holm, rank_rows, rank_test


def test_rank_rows_best_first_with_ties() -> None:
    scores = np.array([[3.0, 1.0, 2.0], [1.0, 1.0, 0.0], [np.nan, 1.0, 2.0]])
    ranks = rank_rows(scores, maximize=True)
    np.testing.assert_array_equal(ranks[:2], [[1, 3, 2], [1.5, 1.5, 3]])
    assert np.isnan(ranks[2]).all()
    np.testing.assert_array_equal(rank_rows(scores[:1], maximize=False), [[3, 1, 2]])


def test_holm_by_hand() -> None:
    # p = (0.01, 0.04, 0.03): sorted 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.06, 0.04*1) = 0.06.
    assert holm([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06]
    assert holm([0.5, 0.9]) == [1.0, 1.0]


def test_rank_test_matches_scipy() -> None:
    rng = np.random.default_rng(0)
    blocks = pd.DataFrame({"a": rng.normal(1.0, 1, 40), "b": rng.normal(0.0, 1, 40), "c": rng.normal(0.05, 1, 40)})
    test = rank_test(blocks, ["a", "b", "c"], maximize=True)
    statistic, p = stats.friedmanchisquare(blocks["a"], blocks["b"], blocks["c"])
    assert test.friedman_statistic == statistic and test.friedman_p == p
    raw = {(a, b): r for a, b, r, _ in test.pairs}
    assert raw[("a", "b")] == stats.wilcoxon(blocks["a"], blocks["b"]).pvalue
    assert test.average_ranks["a"] < test.average_ranks["c"]
    assert not test.not_different("a", "b") and test.not_different("b", "c")
    assert cliques(test) == [sorted(["b", "c"], key=lambda s: test.average_ranks[s])]


def test_too_few_blocks_or_strategies() -> None:
    one_block = rank_test(pd.DataFrame({"a": [1.0], "b": [2.0]}), ["a", "b"], True)
    assert one_block.pairs == [] and one_block.friedman_p is None
    two = rank_test(pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [0.0, 1, 2, 3, 4, 5]}), ["a", "b"], True)
    assert two.friedman_p is None and len(two.pairs) == 1
