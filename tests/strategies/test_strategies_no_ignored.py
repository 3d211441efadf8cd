"""No strategy asks for an evaluation whose result it then ignores (issue 15, section 4).

A result is used when it can change what the strategy asks next: at each probed step the
strategy is cloned, one clone told the true result and the others an unbeatable and a
hopeless one, and all are run on with true results; the proposals of at least one of the
others must differ from the first's within a horizon.
Random search and the top rung of a bracket use no result by design and are not probed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable

import numpy as np
import pytest

from nasbench.spaces.product import Choice, ProductSpace
from nasbench.strategies import get_strategy
from nasbench.strategies.base import Strategy

Evaluate = Callable[[Hashable], float]
EXTREMES = (1e6, -1e6)  # better and worse than any valid accuracy


def _clone(strategy: Strategy) -> Strategy:
    shared = {id(strategy.space): strategy.space, id(strategy.info): strategy.info}
    return copy.deepcopy(strategy, memo=shared)


def _future(strategy: Strategy, evaluate: Evaluate, horizon: int) -> list[Hashable]:
    asked = []
    for _ in range(horizon):
        arch, fidelity = strategy.ask()
        asked.append(arch)
        strategy.tell(arch, fidelity, {"valid_acc": evaluate(arch)})
    return asked


def _ignored_steps(strategy: Strategy, evaluate: Evaluate, steps: int, probes: range, horizon: int) -> list[int]:
    """The probed steps whose result could not change the next `horizon` proposals."""
    ignored = []
    for step in range(steps):
        arch, fidelity = strategy.ask()
        value = evaluate(arch)
        if step in probes:
            futures = []
            for told in (value, *EXTREMES):
                clone = _clone(strategy)
                clone.tell(arch, fidelity, {"valid_acc": told})
                futures.append(_future(clone, evaluate, horizon))
            if futures[0] == futures[1] == futures[2]:
                ignored.append(step)
        strategy.tell(arch, fidelity, {"valid_acc": value})
    return ignored


def tiny_space() -> ProductSpace:
    """81 architectures with 8 neighbours each: a local search meets seen neighbourhoods within tens of steps."""
    return ProductSpace("tiny", [Choice(name, (0, 1, 2)) for name in "abcd"], "3^4 test space")


@pytest.mark.parametrize("at_minimum", ["restart", "continue"])
def test_local_search_asks_only_neighbours_or_restart_batches_on_a_tiny_space(c10, at_minimum: str) -> None:
    # Before the fix, a centre whose neighbours were all seen made local search propose random
    # architectures forever and ignore their results (4 of 20 runs at 3,000 evaluations on NB201).
    space = tiny_space()
    values = np.random.default_rng(7).random(space.size) * 100
    for seed in range(12):  # the old rule stayed on one centre for up to 51 proposals here
        strategy = get_strategy("ls")(space, c10.info, np.random.default_rng(seed), at_minimum=at_minimum)
        streak, longest, previous = 0, 0, None
        for _ in range(75):  # before the 81 architectures run out (then every proposal must repeat one)
            center = strategy.center
            arch, fidelity = strategy.ask()
            streak = streak + 1 if center is not None and center == previous else 1
            longest, previous = max(longest, streak), center
            strategy.tell(arch, fidelity, {"valid_acc": float(values[space.index(arch)])})
        # A centre is asked for at most its 8 neighbours, then left (a move, or a restart batch of 10).
        assert longest <= len(space.neighbors(space.arch(0))), seed


PROBED = {  # strategy: (hyperparameters, steps, probes, horizon)
    "ls": ({}, 400, range(0, 400, 7), 40),
    # The first member of the initial population meets one tournament before it ages out: probe children.
    "re": ({"population_size": 10, "sample_size": 10}, 120, range(10, 120, 3), 15),
    "reinforce": ({"learning_rate": 0.5}, 60, range(0, 60, 3), 10),
    "bananas": ({"epochs": 10, "hidden_layers": 2}, 40, range(0, 40, 6), 14),
}


@pytest.mark.parametrize("name", list(PROBED))
def test_strategies_use_every_result_on_nb201(c10, name: str) -> None:
    hp, steps, probes, horizon = PROBED[name]
    strategy = get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), **hp)
    table = c10.query_many(list(c10.space.all()))["valid_acc"].to_numpy()
    ignored = _ignored_steps(strategy, lambda a: float(table[c10.space.index(a)]), steps, probes, horizon)
    assert ignored == []
