"""Strategy-ranking fidelity: does a comparison on the surrogate rank strategies as the table does?

Owns one check of the fidelity card: the same strategies, runs, budget and seeds,
simulated once on the table and once on the surrogate; each run's final incumbent is
scored on the table either way (a surrogate's own predictions would grade its own
homework); then the rank agreement of the strategies' final mean scores (Kendall tau,
and whether the order is identical) and each strategy's difference in final mean. This is the claim a surrogate
benchmark must earn. Runs go through the ordinary runner, in this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from nasbench.benchmark.base import Benchmark
from nasbench.runner.simulation import Budget, RunSpec, simulate

STRATEGIES = ("rs", "re", "ls", "bananas")


def final_scores(bench: Benchmark, strategy: str, runs: int, budget: Budget, seed: int, table: Benchmark) -> np.ndarray:
    """The table's score of each run's final incumbent, whichever benchmark the run searched on."""
    fidelity = table.info.max_fidelity
    metric = table.info.score_metric(fidelity)
    scores = []
    for run in range(runs):
        spec = RunSpec(
            bench_name=bench.info.name,
            dataset=bench.info.dataset,
            strategy=strategy,
            run=run,
            budget=budget,
            root_seed=seed,
        )
        final = simulate(spec, bench).iloc[-1]
        if bench is table:  # the runner's own held-out score
            scores.append(float(final["incumbent_score"]))
        else:  # the table's seed mean: independent of what the surrogate search observed
            scores.append(float(table.query(final["incumbent"], fidelity=fidelity)[metric]))
    return np.array(scores)


def ranking_fidelity(
    table: Benchmark,
    surrogate: Benchmark,
    strategies: Sequence[str] = STRATEGIES,
    runs: int = 100,
    budget: str = "150evals",
    seed: int = 0,
) -> dict[str, Any]:
    """Final means per strategy on both, their differences, and the agreement of the two rankings."""
    parsed = Budget.parse(budget)
    rows: list[dict[str, Any]] = []
    for name in strategies:
        on_table = final_scores(table, name, runs, parsed, seed, table)
        on_surrogate = final_scores(surrogate, name, runs, parsed, seed, table)
        rows.append(
            {
                "strategy": name,
                "table_mean": float(on_table.mean()),
                "table_se": float(on_table.std(ddof=1) / np.sqrt(runs)) if runs > 1 else None,
                "surrogate_mean": float(on_surrogate.mean()),
                "surrogate_se": float(on_surrogate.std(ddof=1) / np.sqrt(runs)) if runs > 1 else None,
                "difference": float(on_surrogate.mean() - on_table.mean()),
            }
        )
    table_means: list[float] = [r["table_mean"] for r in rows]
    surrogate_means: list[float] = [r["surrogate_mean"] for r in rows]
    maximize = table.info.metrics[table.info.score_metric(table.info.max_fidelity)].maximize
    table_order, surrogate_order = _best_first(table_means, maximize), _best_first(surrogate_means, maximize)
    return {
        "strategies": rows,
        "runs": runs,
        "budget": str(parsed),
        "seed": seed,
        "table_score": table.info.score_metric(table.info.max_fidelity),
        "surrogate_score": table.info.score_metric(table.info.max_fidelity),
        "scored_on": "table",
        "kendall_tau": float(stats.kendalltau(table_means, surrogate_means).statistic) if len(rows) > 1 else None,
        "same_order": table_order == surrogate_order,
        "table_order": [rows[i]["strategy"] for i in table_order],
        "surrogate_order": [rows[i]["strategy"] for i in surrogate_order],
    }


def _best_first(means: list[float], maximize: bool) -> list[int]:
    return sorted(range(len(means)), key=lambda i: -means[i] if maximize else means[i])
