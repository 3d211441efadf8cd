"""Multi-objective and constrained strategies: selection rules, crossover use, constrained search, NSGA-II vs MO-RS."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from nasbench.errors import NasbenchError
from nasbench.problem.objectives import parse_problem
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies import get_strategy
from nasbench.strategies.selection import better, objective_vector, rank_and_crowding, survivors

PIXEL3 = "valid_acc,latency:pixel3"


def make(c10, name: str, objectives: str | None = PIXEL3, constraints=None, **hp):
    problem = parse_problem(objectives, constraints, c10.info)
    return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), problem=problem, **hp)


def test_objective_vectors_are_minimized_and_failures_are_worst(c10) -> None:
    problem = parse_problem(PIXEL3, None, c10.info)
    assert objective_vector(problem, {"valid_acc": 90.0, "latency:pixel3": 3.0}).tolist() == [-90.0, 3.0]
    assert objective_vector(problem, {"valid_acc": float("nan"), "latency:pixel3": 3.0})[0] == np.inf


def test_constrained_ranks_put_every_feasible_member_first() -> None:
    vectors = np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 2.0], [2.0, 1.0], [9.0, 9.0]])
    violations = np.array([3.0, 0.0, 0.0, 0.0, 1.0])
    ranks, crowding = rank_and_crowding(vectors, violations)
    # feasible: [1, 2] and [2, 1] on front 0, [5, 5] on front 1; infeasible after, least violation first
    assert ranks.tolist() == [3, 1, 0, 0, 2]
    assert np.isinf(crowding[[2, 3]]).all()
    assert survivors(vectors, violations, 3).tolist() == [1, 2, 3]
    assert better(0, 2, ranks, crowding) == 2 and better(2, 3, ranks, crowding) == 2


def test_multi_objective_strategies_need_objectives_and_single_ones_refuse_them(c10) -> None:
    with pytest.raises(NasbenchError, match="expected --objectives with two or three metrics for nsga2, got none"):
        make(c10, "nsga2", objectives=None)
    with pytest.raises(NasbenchError, match="expected a multi-objective strategy .* got re .*use mo-rs, nsga2"):
        make(c10, "re")
    with pytest.raises(NasbenchError, match="crossover_rate of nsga2 expects a probability in"):
        make(c10, "nsga2", crossover_rate=1.5)


def test_nsga2_keeps_the_best_of_parents_and_children_and_breeds_from_them(c10) -> None:
    nsga = make(c10, "nsga2", population_size=4)
    told = {}
    for step in range(12):
        arch, _ = nsga.ask()
        # a synthetic trade-off: later architectures are more accurate and slower, the 5th dominates all
        record = {"valid_acc": 80.0 + step, "latency:pixel3": 1.0 + step}
        if step == 4:
            record = {"valid_acc": 99.0, "latency:pixel3": 0.5}
        nsga.tell(arch, None, record)
        told[arch] = record
    assert len(nsga.population) == 4 and nsga.children == []
    best = next(a for a, r in told.items() if r["valid_acc"] == 99.0)
    assert best in [member[0] for member in nsga.population]
    assert nsga.ranks[[member[0] for member in nsga.population].index(best)] == 0
    assert len(set(told)) == 12  # no architecture proposed twice


def test_nsga2_children_recombine_their_parents(c10) -> None:
    nsga = make(c10, "nsga2", population_size=2, crossover_rate=1.0, mutation_rate=0.0)
    a, b = c10.space.from_decisions([0] * 6), c10.space.from_decisions([4] * 6)
    nsga.tell(a, None, {"valid_acc": 90.0, "latency:pixel3": 5.0})
    nsga.tell(b, None, {"valid_acc": 80.0, "latency:pixel3": 1.0})
    for _ in range(20):
        child, _ = nsga.ask()
        assert set(c10.space.to_decisions(child)) <= {0, 4}


def test_mo_regularized_evolution_picks_the_lowest_pareto_rank(c10) -> None:
    evolution = make(c10, "mo-re", population_size=5, sample_size=5)
    archs = [c10.space.arch(i) for i in range(5)]
    for i, arch in enumerate(archs):
        evolution.ask()
        dominated = i != 2
        record = {"valid_acc": 80.0 if dominated else 95.0, "latency:pixel3": 9.0 if dominated else 1.0}
        evolution.tell(arch, None, record)
    for _ in range(10):
        child, _ = evolution.ask()
        assert child in c10.space.neighbors(archs[2])  # the whole population is sampled: the winner is always 2


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


def constrained(name: str, runs: int, budget: str, constraint: str = "latency:raspi4<=10") -> list:
    return [
        RunSpec(
            bench_name="nb201",
            dataset="cifar10-valid",
            strategy=name,
            run=run,
            budget=Budget.parse(budget),
            constraints=constraint,
        )
        for run in range(runs)
    ]


def test_constrained_evolution_and_bananas_search_the_feasible_region_more_than_random(c10) -> None:
    share = {
        name: np.mean([simulate(spec, c10)["feasible"].mean() for spec in constrained(name, 4, budget)])
        for name, budget in (("rs", "60evals"), ("re", "60evals"), ("bananas", "40evals"))
    }
    # 13 % of NAS-Bench-201 runs within 10 ms on a Raspberry Pi 4
    assert share["re"] > share["rs"] and share["bananas"] > share["rs"], share


def test_constrained_parego_ranks_infeasible_below_feasible(c10) -> None:
    parego = make(c10, "parego", constraints=["latency:raspi4<=10"])
    feasible, infeasible = parego.ask()[0], parego.ask()[0]
    parego.tell(feasible, None, {"valid_acc": 10.0, "latency:pixel3": 30.0, "latency:raspi4": 5.0})
    parego.tell(infeasible, None, {"valid_acc": 95.0, "latency:pixel3": 0.1, "latency:raspi4": 50.0})
    scores = parego._scalarized()
    assert scores[feasible] > scores[infeasible]


@pytest.mark.slow
def test_nsga2_beats_multi_objective_random_search_on_hypervolume_regret(c10) -> None:
    """50 runs each, NAS-Bench-201 cifar10-valid, validation accuracy vs Pixel 3 latency, 150 evaluations."""
    regret = {
        name: [
            simulate(
                RunSpec(
                    bench_name="nb201",
                    dataset="cifar10-valid",
                    strategy=name,
                    run=run,
                    budget=Budget.parse("150evals"),
                    objectives=PIXEL3,
                ),
                c10,
            )["hv_regret"].iloc[-1]
            for run in range(50)
        ]
        for name in ("mo-rs", "nsga2")
    }
    statistic, p_value = mannwhitneyu(regret["nsga2"], regret["mo-rs"], alternative="less")
    print(
        f"NSGA-II vs MO-RS final hypervolume regret, 50 runs each: medians {np.median(regret['nsga2']):.5f} vs "
        f"{np.median(regret['mo-rs']):.5f}, Mann-Whitney U = {statistic:.0f}, one-sided p = {p_value:.2g}"
    )
    assert p_value < 0.01
    assert statistic < 0.5 * 50 * 50  # NSGA-II's regrets rank lower than random search's
