"""Speed of the multi-objective geometry: the true front of a whole table and exact hypervolume (2-D, 3-D).

Targets: the true front of NAS-Bench-201 (15,625 architectures) under 0.5 s in 2-D and under 2 s in 3-D,
since every comparison computes it once per process; hypervolume of a run's front (tens of points) well
under a millisecond, since the runner recomputes it whenever the attained front changes.
"""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.problem.front import compute_true_front
from nasbench.problem.objectives import parse_problem
from nasbench.problem.pareto import hypervolume, non_dominated


@pytest.fixture(scope="module")
def c10():
    return nasbench.load("nb201", dataset="cifar10-valid")


@pytest.mark.parametrize("objectives", ["valid_acc,latency:pixel3", "valid_acc,latency:pixel3,params"])
@pytest.mark.benchmark(group="true front of NAS-Bench-201")
def test_true_front(benchmark, c10, objectives: str) -> None:
    problem = parse_problem(objectives, None, c10.info)
    front = benchmark.pedantic(compute_true_front, args=(c10, problem), rounds=5, warmup_rounds=1)
    assert len(front.rows) > 10


@pytest.mark.parametrize(("d", "n"), [(2, 30), (2, 10_000), (3, 30), (3, 200)])
@pytest.mark.benchmark(group="hypervolume")
def test_hypervolume(benchmark, d: int, n: int) -> None:
    rng = np.random.default_rng(0)
    # points on a curved front, so that every one counts (the hard case)
    raw = rng.random((n, d))
    points = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    assert non_dominated(points).mean() > 0.2
    volume = benchmark(hypervolume, points, np.ones(d) * 1.1)
    assert 0 < volume < 1.1**d
