"""Multi-objective and constrained strategies: selection rules, crossover use, constrained search, NSGA-II vs MO-RS."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from nasbench.errors import NasbenchError
from nasbench.problem.objectives import parse_problem
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies import get_strategy

PIXEL3 = "valid_acc,latency:pixel3"


def make(c10, name: str, objectives: str | None = PIXEL3, constraints=None, **hp):
    problem = parse_problem(objectives, constraints, c10.info)
    return get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), problem=problem, **hp)


def test_multi_objective_strategies_need_objectives_and_single_ones_refuse_them(c10) -> None:
    with pytest.raises(NasbenchError, match="expected --objectives with two or three metrics for nsga2, got none"):
        make(c10, "nsga2", objectives=None)
    with pytest.raises(NasbenchError, match="expected a multi-objective strategy .* got re .*use mo-rs, nsga2"):
        make(c10, "re")
    with pytest.raises(NasbenchError, match="crossover_rate of nsga2 expects a probability in"):
        make(c10, "nsga2", crossover_rate=1.5)


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
