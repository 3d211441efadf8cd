"""The Pareto front a multi-objective search is measured against, its scale, and a run's progress.

Owns what a benchmark knows about a multi-objective problem: which architectures are
feasible, the Pareto front among them, the reference point, and, for one run, the
attained front's hypervolume, its regret, the share of the front found and the additive
epsilon indicator against it. It reads the benchmark through `query_many` (free: no
budget is charged) and never runs a search.

Which architectures the front is computed over is the benchmark's to say
(`Benchmark.candidates`):

- a table: every row; the front is the true one (`exact`).
- a surrogate of a space small enough to enumerate (NAS-Bench-201's 15,625): the
  surrogate's predictions (seed mean, `seed=None`) for every architecture of the space;
  the front is the surrogate's true front (`exact`).
- a surrogate of a space too large for that (Accel-NASBench's 1.04e11, NAS-Bench-101):
  the surrogate's predictions for the architectures of the table it was fitted on (the
  trained networks). That is a *reference* front (`reference`), the best known networks
  as the surrogate sees them, not the true one: a search may find networks beyond it, so
  its hypervolume regret may be negative, and the sign is kept. Attainment stays the
  share of the reference front's points a run evaluated.

Scale and reference point (for every benchmark alike): every objective is turned into
minimization and scaled to [0, 1] between its best (0) and worst (1) value over the
candidates, seed mean, at full fidelity; the reference point is (1, ..., 1), their nadir.
Hypervolume is then the dominated fraction of the unit box (a point beyond the reference
front may lie outside it), and the additive epsilon indicator is in the same units: 0.02
means every point of the front has an attained point within 2 % of each objective's range.
Architectures with a failed (NaN) objective are never on a front. Feasibility before a
run is checked on the same candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from nasbench.benchmark.base import EXACT, REFERENCE, WHOLE_TABLE, Benchmark, Candidates
from nasbench.errors import NasbenchError
from nasbench.problem.objectives import Problem
from nasbench.problem.pareto import additive_epsilon, hypervolume, non_dominated


class InfeasibleProblem(NasbenchError):
    """Constraints that no candidate architecture satisfies."""


def candidates(bench: Benchmark) -> Candidates:
    """The architectures `bench` computes fronts over (`Benchmark.candidates`)."""
    return bench.candidates()


@dataclass(frozen=True)
class TrueFront:
    """One problem's front over the candidates: scale, feasible count and the front itself."""

    loss_sign: np.ndarray  # loss signs (+1 minimize, -1 maximize), per objective: `Objective.loss_sign`
    low: np.ndarray  # best value over the candidates, minimization form
    high: np.ndarray  # worst value (the nadir), minimization form
    rows: np.ndarray  # candidates on the front (table rows, or space indices)
    points: np.ndarray  # their scaled objective vectors
    hypervolume: float
    feasible: int  # how many candidates satisfy the constraints
    values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # the front's raw objective values
    kind: str = EXACT  # REFERENCE: a search may go beyond it (negative regret)
    description: str = WHOLE_TABLE

    def scale(self, values: np.ndarray) -> np.ndarray:
        """Raw objective values (n, d) -> minimization form in [0, 1] (the reference point is 1)."""
        span = np.where(self.high > self.low, self.high - self.low, 1.0)
        return (np.asarray(values, dtype=float) * self.loss_sign - self.low) / span


def table_values(bench: Benchmark, metrics: list[str]) -> np.ndarray:
    """Every candidate's full-fidelity seed-mean value of each metric: shape (candidates, len(metrics))."""
    frame = bench.query_many(candidates(bench).select, bench.info.max_fidelity, metrics=metrics)
    return frame[metrics].to_numpy(dtype=float)


def feasible_mask(values: np.ndarray, problem: Problem) -> np.ndarray:
    """Which rows of `table_values(bench, problem.metrics)` meet every constraint."""
    metrics = problem.metrics
    mask = np.ones(len(values), dtype=bool)
    for constraint in problem.constraints:
        column = values[:, metrics.index(constraint.metric)]
        with np.errstate(invalid="ignore"):
            met = np.array([constraint.satisfied(v) for v in column.tolist()], dtype=bool)
        mask &= met
    return mask


def check_feasible(bench: Benchmark, problem: Problem) -> int:
    """How many candidates satisfy the constraints; an error naming the reachable values if none."""
    if not problem.constraints:
        return candidates(bench).size
    values = table_values(bench, problem.metrics)
    mask = feasible_mask(values, problem)
    if mask.any():
        return int(mask.sum())
    ranges = []
    for metric in dict.fromkeys(c.metric for c in problem.constraints):
        column = values[:, problem.metrics.index(metric)]
        ranges.append(f"{metric} spans {np.nanmin(column):g} to {np.nanmax(column):g}")
    found = candidates(bench)
    where = "" if found.kind == EXACT else f", checked on the {found.size:,} trained networks"
    raise InfeasibleProblem(
        f"expected constraints that some architecture meets, got {problem.constraints_text()!r}: no architecture "
        f"of {bench.info.name}/{bench.info.dataset} satisfies them ({'; '.join(ranges)}{where})"
    )


@lru_cache(maxsize=32)
def _cached(bench: Benchmark, problem: Problem) -> TrueFront:
    return compute_true_front(bench, problem)


def true_front(bench: Benchmark, problem: Problem) -> TrueFront:
    """The front of `problem` on `bench` (remembered per benchmark object and problem)."""
    return _cached(bench, problem)


def compute_true_front(bench: Benchmark, problem: Problem) -> TrueFront:
    """Scale over every candidate; front and hypervolume over the feasible ones."""
    if not problem.multi_objective:
        raise NasbenchError(f"expected two or three objectives, got {problem.objectives_text()!r}")
    check_feasible(bench, problem)
    found = candidates(bench)
    values = table_values(bench, problem.metrics)
    d = len(problem.objectives)
    loss_sign = np.array([o.loss_sign for o in problem.objectives])
    raw = values[:, :d] * loss_sign
    finite = np.isfinite(raw).all(axis=1)
    low, high = raw[finite].min(axis=0), raw[finite].max(axis=0)
    usable = np.flatnonzero(finite & feasible_mask(values, problem))
    empty = TrueFront(loss_sign, low, high, np.zeros(0, dtype=np.int64), np.zeros((0, d)), 0.0, len(usable))
    scaled = empty.scale(values[usable, :d])
    mask = non_dominated(scaled)
    rows, points = usable[mask], scaled[mask]
    volume = hypervolume(points, np.ones(d))
    return TrueFront(
        loss_sign, low, high, rows, points, volume, len(usable), values[rows, :d], found.kind, found.description
    )


@dataclass
class FrontTracker:
    """One run's attained front, updated per evaluation: hypervolume, regret, attainment, epsilon."""

    truth: TrueFront
    points: list[np.ndarray] = field(default_factory=list)
    found: set[tuple[float, ...]] = field(default_factory=set)
    volume: float = 0.0

    def __post_init__(self) -> None:
        self.targets = {tuple(p.tolist()) for p in self.truth.points}
        self.reference = np.ones((1, self.truth.points.shape[1]))
        self.epsilon = additive_epsilon(self.reference, self.truth.points)

    def add(self, values: np.ndarray) -> None:
        """Add one feasible evaluation's raw objective vector (full fidelity, seed mean)."""
        point = self.truth.scale(np.asarray(values, dtype=float)[None, :])[0]
        if not np.isfinite(point).all():
            return
        key = tuple(point.tolist())
        if key in self.targets:
            self.found.add(key)
        if any(np.all(p <= point) for p in self.points):
            return  # dominated or already there: the attained front and its volume are unchanged
        self.points = [p for p in self.points if not np.all(point <= p)] + [point]
        self.volume = hypervolume(np.array(self.points), np.ones(len(point)))
        # with the reference point among the attained ones, as hypervolume counts it: never rises over a run
        self.epsilon = additive_epsilon(np.vstack([self.reference, *self.points]), self.truth.points)

    @property
    def regret(self) -> float:
        """The front's hypervolume minus the attained one; negative only beyond a reference front."""
        gap = self.truth.hypervolume - self.volume
        return gap if self.truth.kind == REFERENCE else max(gap, 0.0)

    @property
    def attainment(self) -> float:
        """Share of the front's distinct points that this run evaluated (an exact match, not a near one)."""
        return len(self.found) / max(len(self.targets), 1)
