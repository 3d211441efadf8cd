"""The report's statistics against scipy, Demšar (2006)'s published numbers and hand computation."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from nasbench.report.ranks import (
    RankTest,
    cliques,
    expected_ranks,
    holm,
    pair_tests,
    q_alpha,
    rank_rows,
    rank_test,
)

# Demšar, "Statistical comparisons of classifiers over multiple data sets", JMLR 7 (2006), Table 5(a):
# q_0.05 of the Nemenyi test for k = 2..10 classifiers. Cross-checked against Demšar's own group's code,
# biolab/orange3 Orange/evaluation/scoring.py `compute_CD` (6 decimals: 1.959964, 2.343701, ..., 3.163684): each
# value below is within 0.001 of it (the tolerance the test allows).
DEMSAR_Q05 = (1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164)
# The studentized range's 0.95 quantile at infinite degrees of freedom (e.g. Harter 1960), from which that table
# was derived by dividing by sqrt 2.
STUDENTIZED_Q95 = (2.772, 3.314, 3.633, 3.858, 4.030, 4.170, 4.286, 4.387, 4.474)


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


def test_q_alpha_equals_demsar_table() -> None:
    for k, published, q in zip(range(2, 11), DEMSAR_Q05, STUDENTIZED_Q95, strict=True):
        # Demšar divided 3-decimal q values by sqrt 2, so his last digit can be off by one (k = 3: 2.3437 -> 2.343).
        assert abs(q_alpha(k) - published) <= 0.001 + 1e-12, k
        assert round(q_alpha(k) * np.sqrt(2), 3) == q, k


def test_nemenyi_critical_difference_of_demsars_example() -> None:
    # Demšar (2006), section 3.2.1: four classifiers on 14 data sets, CD = 2.569 sqrt(4 * 5 / (6 * 14)) = 1.25.
    rng = np.random.default_rng(1)
    tasks = pd.DataFrame(rng.normal(size=(14, 4)), columns=list("abcd"))
    test = rank_test(tasks, list("abcd"), maximize=True)
    assert test.critical_difference is not None and round(test.critical_difference, 2) == 1.25


def test_nemenyi_by_hand() -> None:
    # a always first, b second, c third on 4 tasks: ranks 1, 2, 3; Friedman chi^2 = 12*4/(3*4) * (1+4+9 - 12) = 8,
    # p = exp(-4); CD = 2.3437 * sqrt(3 * 4 / 24) = 1.657: a-c (2 ranks apart) differ, a-b and b-c do not.
    tasks = pd.DataFrame({"a": [9.0, 8, 7, 6], "b": [5.0, 4, 3, 2], "c": [1.0, 0, -1, -2]})
    test = rank_test(tasks, ["a", "b", "c"], maximize=True)
    assert test.average_ranks == {"a": 1.0, "b": 2.0, "c": 3.0}
    assert test.friedman_statistic == pytest.approx(8.0) and test.friedman_p == pytest.approx(np.exp(-4.0))
    assert test.critical_difference == pytest.approx(q_alpha(3) * np.sqrt(0.5))
    assert round(test.critical_difference, 3) == 1.657
    assert not test.not_different("a", "c") and test.not_different("a", "b") and test.not_different("b", "c")
    assert cliques(test) == [["a", "b"], ["b", "c"]]


def test_friedman_first_then_wilcoxon_holm_over_tasks() -> None:
    rng = np.random.default_rng(0)
    tasks = pd.DataFrame({"a": rng.normal(1.0, 1, 40), "b": rng.normal(0.0, 1, 40), "c": rng.normal(0.05, 1, 40)})
    test = rank_test(tasks, ["a", "b", "c"], maximize=True, method="wilcoxon")
    statistic, p = stats.friedmanchisquare(tasks["a"], tasks["b"], tasks["c"])
    assert test.friedman_statistic == statistic and test.friedman_p == p < 0.05
    raw = {(a, b): r for a, b, r, _ in test.pairs}
    assert raw[("a", "b")] == stats.wilcoxon(tasks["a"], tasks["b"]).pvalue
    assert [q for *_, q in test.pairs] == holm([r for _, _, r, _ in test.pairs])
    assert not test.not_different("a", "b") and test.not_different("b", "c")
    assert cliques(test) == [sorted(["b", "c"], key=lambda s: test.average_ranks[s])]
    same = pd.DataFrame({"a": rng.normal(size=10), "b": rng.normal(size=10), "c": rng.normal(size=10)})
    null = rank_test(same, ["a", "b", "c"], True, method="wilcoxon")
    assert null.friedman_p is not None and null.friedman_p >= 0.05
    assert cliques(null) == [sorted("abc", key=lambda s: null.average_ranks[s])]  # Friedman first: all alike


def test_bars_join_exactly_the_pairs_not_different() -> None:
    rng = np.random.default_rng(3)
    names = list("abcdef")
    for _ in range(200):
        ranks = dict(zip(names, rng.permutation(6) + 1.0, strict=True))
        pairs = [(a, b, 0.0, float(rng.choice([0.01, 0.5]))) for a, b in combinations(names, 2)]
        test = RankTest(names, ranks, 10, "wilcoxon", pairs=pairs)
        joined = {frozenset(p) for group in cliques(test) for p in combinations(group, 2)}
        same = {frozenset((a, b)) for a, b in combinations(names, 2) if test.not_different(a, b)}
        assert joined == same


def test_mann_whitney_holm_is_unpaired() -> None:
    rng = np.random.default_rng(0)
    samples = {"a": rng.normal(1.0, 1, 10), "b": rng.normal(0.0, 1, 3), "c": np.array([0.5, np.nan, 0.2, 0.1])}
    tests = pair_tests("nb201/cifar10-valid", samples)
    assert tests.counts == {"a": 10, "b": 3, "c": 4}
    raw = {(a, b): p for a, b, p, _ in tests.pairs}
    assert raw[("a", "b")] == stats.mannwhitneyu(samples["a"], samples["b"], alternative="two-sided").pvalue
    assert raw[("a", "c")] == stats.mannwhitneyu(samples["a"], [0.5, 0.2, 0.1], alternative="two-sided").pvalue
    assert [q for *_, q in tests.pairs] == holm(list(raw.values()))
    table = tests.table()
    assert table[["n_a", "n_b"]].values.tolist() == [[10, 3], [10, 4], [3, 4]]
    assert pair_tests("t", {"a": np.array([1.0]), "b": np.array([2.0, 3.0])}).pairs == []


def test_expected_ranks_average_every_combination_of_runs() -> None:
    runs = [np.array([[3.0], [4.0]]), np.array([[1.0], [2.0], [5.0]]), np.array([[np.nan], [2.0]])]
    ranks = expected_ranks(runs, maximize=True)
    brute = np.zeros(3)
    combos = list(product(*(r[:, 0] for r in runs)))
    for combo in combos:
        brute += rank_rows(np.nan_to_num(np.array([combo]), nan=-np.inf), maximize=True)[0]
    np.testing.assert_allclose(ranks[0], brute / len(combos))
    # by hand, a against b: a beats b in 4 of 6 pairs, so a's rank gains 2/6 from b
    two = expected_ranks(runs[:2], maximize=True)[0]
    np.testing.assert_allclose(two, [1 + 2 / 6, 1 + 4 / 6])


def test_too_few_tasks_or_strategies() -> None:
    one_task = rank_test(pd.DataFrame({"a": [1.0], "b": [2.0]}), ["a", "b"], True)
    assert one_task.critical_difference is None and one_task.friedman_p is None
    two = rank_test(pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [0.0, 1, 2, 3, 4, 5]}), ["a", "b"], True, "wilcoxon")
    assert two.friedman_p is None and len(two.pairs) == 1
    with pytest.raises(ValueError, match="expected a method"):
        rank_test(pd.DataFrame({"a": [1.0]}), ["a"], True, "t-test")
