"""reinforce-prior: the initial policy is the op frequencies of the source tasks' top architectures."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.registry import opened
from nasbench.strategies.reinforce import Reinforce
from nasbench.strategies.reinforce_prior import PriorReinforce
from tests.strategies.test_re_prior import tiny_meta


@pytest.fixture(scope="module")
def c100():
    return opened("nb201", "cifar100")


def test_the_initial_policy_is_the_sources_top_op_frequencies_by_hand(c100) -> None:
    strategy = PriorReinforce(c100.space, c100.info, np.random.default_rng(0), prior_top=2, meta=tiny_meta(c100.space))
    policy = strategy._probabilities()
    # as worked out in test_re_prior: decisions 0-4 (1, 4, 2, 1, 1) / 9, decision 5 (1, 3, 2, 2, 1) / 9
    np.testing.assert_allclose(policy[:5], np.tile([1 / 9, 4 / 9, 2 / 9, 1 / 9, 1 / 9], (5, 1)))
    np.testing.assert_allclose(policy[5], [1 / 9, 3 / 9, 2 / 9, 2 / 9, 1 / 9])


def test_learning_then_proceeds_as_reinforce(c100) -> None:
    s = c100.space
    strategy = PriorReinforce(c100.space, c100.info, np.random.default_rng(0), prior_top=2, meta=tiny_meta(s))
    before = strategy._probabilities()
    a, _ = strategy.ask()
    strategy.tell(a, None, {"valid_acc": 90.0})
    a, _ = strategy.ask()
    strategy.tell(a, None, {"valid_acc": 10.0})
    assert not np.allclose(strategy._probabilities(), before)  # the policy gradient moved it
    plain = PriorReinforce(c100.space, c100.info, np.random.default_rng(0))
    twin = Reinforce(c100.space, c100.info, np.random.default_rng(0))
    np.testing.assert_array_equal(plain.logits, twin.logits)  # without meta: reinforce's own start
