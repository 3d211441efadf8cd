"""A table of part of a space (the live-built digits table) keeps every strategy inside it."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.errors import InvalidArchitecture
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.spaces.tabulated import TabulatedSpace
from nasbench.strategies import STRATEGIES, get_strategy


@pytest.fixture(scope="module")
def digits():
    return nasbench.load("nb201-digits")


def test_the_partial_table_opens_a_tabulated_space(digits) -> None:
    space = digits.space
    assert isinstance(space, TabulatedSpace) and len(space.listed) == digits.table.n_archs < 15625
    rng = np.random.default_rng(0)
    arch = space.sample(rng)
    for _ in range(50):
        assert all(n in space._position for n in space.neighbors(arch))
        arch = space.mutate(arch, rng)
    outside = next(a for a in space.inner.all() if a not in space._position)
    with pytest.raises(InvalidArchitecture, match=f"not among the {digits.table.n_archs} this table holds"):
        space.validate(space.inner.to_str(outside))
    with pytest.raises(InvalidArchitecture):
        space.from_decisions(space.inner.to_decisions(outside))
    assert space.index(arch) == space.inner.index(arch)


@pytest.mark.parametrize("strategy", [s for s in STRATEGIES if not get_strategy(s).multi_objective])
def test_every_strategy_stays_in_the_table(digits, strategy: str) -> None:
    budget = Budget.parse("12evals")
    spec = RunSpec(bench_name="nb201-digits", dataset="digits", strategy=strategy, run=0, budget=budget)
    frame = simulate(spec, digits)
    assert len(frame) == 12 and np.isfinite(frame["incumbent_score"]).all()


def test_whole_tables_are_not_restricted() -> None:
    assert not isinstance(nasbench.load("nb201").space, TabulatedSpace)
    assert not isinstance(nasbench.load("graph", dataset="cora").space, TabulatedSpace)
