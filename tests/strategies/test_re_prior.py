"""re-prior: draws and mutates from the op frequencies of the source tasks' top architectures."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.registry import opened
from nasbench.strategies.re_prior import PriorEvolution
from tests.strategies.test_transfer import meta_of


@pytest.fixture(scope="module")
def c100():
    return opened("nb201", "cifar100")


def tiny_meta(s):
    """Two sources, each with two top architectures and a worse one that the prior must ignore."""

    def row(decisions: list[int], value: float) -> tuple[str, float]:
        return s.to_str(s.from_decisions(decisions)), value

    return meta_of(
        s,
        {
            "a": [row([1] * 6, 3.0), row([2] * 6, 2.0), row([0] * 6, 1.0)],
            "b": [row([0] * 6, -1.0), row([1] * 6, 5.0), row([1, 1, 1, 1, 1, 3], 4.0)],
        },
    )


def test_the_learned_distribution_is_the_sources_top_op_frequencies_by_hand(c100) -> None:
    strategy = PriorEvolution(c100.space, c100.info, np.random.default_rng(0), prior_top=2, meta=tiny_meta(c100.space))
    assert strategy.prior is not None
    # a: op1 in 1/2, op2 in 1/2 of its top 2; b: op1 in 2/2 (decisions 0-4), op1 1/2 and op3 1/2 (decision 5);
    # sources weigh equally, times top=2, plus one pseudo-count per op: decisions 0-4 (1, 1+2, 1+1, 1, 1) / 9
    for d in range(5):
        assert strategy.prior[d].tolist() == pytest.approx([1 / 9, 4 / 9, 2 / 9, 1 / 9, 1 / 9])
    assert strategy.prior[5].tolist() == pytest.approx([1 / 9, 3 / 9, 2 / 9, 2 / 9, 1 / 9])


def test_mutation_changes_one_decision_toward_the_prior(c100) -> None:
    s = c100.space
    meta = meta_of(s, {"a": [(s.to_str(s.from_decisions([3] * 6)), 1.0)]})
    strategy = PriorEvolution(
        s, c100.info, np.random.default_rng(0), population_size=2, prior_top=1, pseudo_count=0.01, meta=meta
    )
    parent = s.from_decisions([0] * 6)
    for _ in range(2):
        strategy.ask()
        strategy.tell(parent, None, {"valid_acc": 1.0})  # a population of one architecture: every parent is it
    changed = []
    for _ in range(30):
        child = np.array(s.to_decisions(strategy.ask()[0]))
        assert (child != 0).sum() == 1  # exactly one decision mutated
        changed.append(int(child[child != 0][0]))
    assert changed.count(3) >= 27  # the sources' favourite op, prior 1.01 / 1.04


def test_without_meta_it_has_no_prior_and_draws_like_re(c100) -> None:
    from nasbench.strategies.regularized_evolution import RegularizedEvolution

    s = c100.space
    prior = PriorEvolution(s, c100.info, np.random.default_rng(2), population_size=3)
    plain = RegularizedEvolution(s, c100.info, np.random.default_rng(2), population_size=3)
    assert prior.prior is None
    assert [prior.ask()[0] for _ in range(3)] == [plain.ask()[0] for _ in range(3)]
