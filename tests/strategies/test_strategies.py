"""Every strategy through the ask/tell contract: determinism, validity, parallel workers."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from nasbench.errors import NasbenchError, UnknownName
from nasbench.runner.simulation import Budget, RunSpec, simulate
from nasbench.strategies import STRATEGIES, get_strategy

BUDGET = {"bananas": "25evals", "gp-bo": "25evals", "parego": "25evals", "rgpe": "15evals"}  # model-based: slow
OBJECTIVES = "valid_acc,latency:pixel3"  # for the multi-objective strategies


def objectives(name: str) -> str:
    return OBJECTIVES if get_strategy(name).multi_objective else ""


def spec(name: str, run: int = 0, seed: int = 0, workers: int = 1) -> RunSpec:
    budget = Budget.parse(BUDGET.get(name, "60evals"))
    return RunSpec(
        bench_name="nb201", dataset="cifar10-valid", strategy=name, run=run, budget=budget, root_seed=seed,
        workers=workers, objectives=objectives(name),
    )  # fmt: skip


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_same_seed_same_trajectory_other_seed_other(c10, name: str) -> None:
    first, again = simulate(spec(name), c10), simulate(spec(name), c10)
    pd.testing.assert_frame_equal(first, again)
    assert first["arch"].tolist() != simulate(spec(name, seed=1), c10)["arch"].tolist()
    assert first["arch"].tolist() != simulate(spec(name, run=1), c10)["arch"].tolist()


FRESH = """
import sys, hashlib, nasbench
from nasbench.runner.simulation import Budget, RunSpec, simulate
name, budget, objectives = sys.argv[1], sys.argv[2], sys.argv[3]
spec = RunSpec(bench_name="nb201", dataset="cifar10-valid", strategy=name, run=0, budget=Budget.parse(budget),
               objectives=objectives)
frame = simulate(spec, nasbench.load("nb201"))
print(hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest())
"""


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_same_trajectory_in_a_fresh_process(c10, name: str) -> None:
    import hashlib

    budget = BUDGET.get(name, "60evals")
    here = hashlib.sha256(simulate(spec(name), c10).to_csv(index=False).encode()).hexdigest()
    there = subprocess.run(
        [sys.executable, "-c", FRESH, name, budget, objectives(name)], capture_output=True, text=True, check=True
    )
    assert there.stdout.strip() == here


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_proposals_are_valid_with_parallel_workers(c10, name: str) -> None:
    frame = simulate(spec(name, workers=8), c10)
    assert len(frame) == int(Budget.parse(BUDGET.get(name, "60evals")).amount)
    assert set(frame["fidelity"]) <= set(c10.info.fidelities)
    for text in frame["arch"]:
        c10.space.from_str(text)
    assert frame["worker"].nunique() == 8


@pytest.mark.parametrize("name", list(STRATEGIES))
def test_unknown_hyperparameter(c10, name: str) -> None:
    with pytest.raises(NasbenchError, match=f"unknown hyperparameter 'nonsense' for {name}; allowed"):
        get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), nonsense=1)


def test_unknown_strategy() -> None:
    with pytest.raises(UnknownName, match="unknown strategy 'sgd'; available: rs, re, reinforce, ls"):
        get_strategy("sgd")


def test_every_strategy_cites_its_paper() -> None:
    for cls in STRATEGIES.values():
        assert cls.paper and cls.__module__.startswith("nasbench.strategies.")
        assert (sys.modules[cls.__module__].__doc__ or "").strip()


BUDGET150 = Budget.parse("150evals")


def test_evolution_and_local_search_beat_random_search(c10) -> None:
    def final(name: str) -> float:
        scores = [
            simulate(
                RunSpec(bench_name="nb201", dataset="cifar10-valid", strategy=name, run=run, budget=BUDGET150), c10
            )["incumbent_score"].iloc[-1]
            for run in range(30)
        ]
        return float(np.mean(scores))

    random_search = final("rs")
    assert final("re") > random_search
    assert final("ls") > random_search


def test_hyperparameter_types_are_checked(c10) -> None:
    with pytest.raises(NasbenchError, match="hyperparameter population_size of re expects int, got 'abc'"):
        get_strategy("re")(c10.space, c10.info, np.random.default_rng(0), population_size="abc")
    with pytest.raises(NasbenchError, match="first_improvement of ls expects bool, got 1"):
        get_strategy("ls")(c10.space, c10.info, np.random.default_rng(0), first_improvement=1)
    strategy = get_strategy("reinforce")(c10.space, c10.info, np.random.default_rng(0), learning_rate=1)
    assert strategy.hp["learning_rate"] == 1


@pytest.mark.parametrize(
    ("name", "key", "value"), [("re", "sample_size", 0), ("bohb", "eta", 0), ("reinforce", "learning_rate", -0.1)]
)
def test_hyperparameter_ranges_are_checked(c10, name: str, key: str, value: object) -> None:
    with pytest.raises(NasbenchError, match=f"hyperparameter {key} of {name} expects"):
        get_strategy(name)(c10.space, c10.info, np.random.default_rng(0), **{key: value})
