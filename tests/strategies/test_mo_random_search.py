"""Multi-objective random search: the random-search baseline of multi-objective NAS, which needs objectives."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.errors import NasbenchError
from nasbench.problem.objectives import parse_problem
from nasbench.strategies import get_strategy


def test_proposals_are_uniform_draws_whatever_it_is_told(c10) -> None:
    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    strategy = get_strategy("mo-rs")(c10.space, c10.info, np.random.default_rng(3), problem=problem)
    same_stream = np.random.default_rng(3)
    for step in range(30):
        arch, fidelity = strategy.ask()
        assert fidelity is None and arch == c10.space.sample(same_stream)
        strategy.tell(arch, None, {"valid_acc": float(step), "latency:pixel3": 1.0})


def test_it_refuses_to_run_without_two_objectives(c10) -> None:
    mo_rs = get_strategy("mo-rs")
    with pytest.raises(NasbenchError, match=r"^expected --objectives with two or three metrics for mo-rs, got none$"):
        mo_rs(c10.space, c10.info, np.random.default_rng(0))
    constraint_only = parse_problem(None, "latency:raspi4<=10", c10.info)
    with pytest.raises(NasbenchError, match="for mo-rs, got none$"):
        mo_rs(c10.space, c10.info, np.random.default_rng(0), problem=constraint_only)
