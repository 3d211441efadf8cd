"""ParEGO (Knowles, IEEE TEC 2006): the simplex lattice of weights, scalarization, constraints."""

from __future__ import annotations

import math

import numpy as np

from nasbench.problem.objectives import parse_problem
from nasbench.strategies import get_strategy
from nasbench.strategies.parego import simplex_lattice

PIXEL3 = "valid_acc,latency:pixel3"


def make(c10, name: str, objectives: str | None = PIXEL3, constraints=None, **hp):
    problem = parse_problem(objectives, constraints, c10.info)
    return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), problem=problem, **hp)


def test_simplex_lattice_sizes_are_knowles() -> None:
    for k, s, size in ((2, 10, 11), (3, 4, 15), (4, 3, 20)):
        lattice = simplex_lattice(k, s)
        assert len(lattice) == size == math.comb(s + k - 1, k - 1)
        assert np.allclose(lattice.sum(axis=1), 1) and np.allclose(lattice * s, np.round(lattice * s))
        assert len({tuple(row) for row in lattice}) == size


def test_parego_draws_a_lattice_weight_for_every_evaluation(c10) -> None:
    from nasbench.problem.objectives import parse_problem

    problem = parse_problem("valid_acc,latency:pixel3", None, c10.info)
    parego = get_strategy("parego")(
        c10.space, c10.info, np.random.default_rng(0), problem=problem, epochs=5, hidden_layers=1
    )
    lattice = {tuple(row) for row in simplex_lattice(2, 10)}
    weights = []
    for step in range(30):
        arch, _ = parego.ask()
        if step >= 10:
            weights.append(tuple(parego.weights))
        parego.tell(arch, None, c10.query(arch, metrics=["valid_acc", "latency:pixel3"]))
    assert set(weights) <= lattice
    assert len(set(weights)) >= 6  # one draw per evaluation: 20 draws from 11 vectors


def test_parego_scalarization_prefers_the_weighted_objective(c10) -> None:
    parego = make(c10, "parego")
    fast, accurate = parego.ask()[0], parego.ask()[0]
    parego.tell(fast, None, {"valid_acc": 80.0, "latency:pixel3": 1.0})
    parego.tell(accurate, None, {"valid_acc": 90.0, "latency:pixel3": 9.0})
    parego.weights = np.array([0.9, 0.1])  # mostly accuracy
    scores = parego._scalarized()
    assert scores[accurate] > scores[fast]
    parego.weights = np.array([0.1, 0.9])  # mostly latency
    scores = parego._scalarized()
    assert scores[fast] > scores[accurate]


def test_constrained_parego_ranks_infeasible_below_feasible(c10) -> None:
    parego = make(c10, "parego", constraints=["latency:raspi4<=10"])
    feasible, infeasible = parego.ask()[0], parego.ask()[0]
    parego.tell(feasible, None, {"valid_acc": 10.0, "latency:pixel3": 30.0, "latency:raspi4": 5.0})
    parego.tell(infeasible, None, {"valid_acc": 95.0, "latency:pixel3": 0.1, "latency:raspi4": 50.0})
    scores = parego._scalarized()
    assert scores[feasible] > scores[infeasible]
