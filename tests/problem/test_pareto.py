"""Pareto geometry: dominance, fronts, ranks, crowding and exact hypervolume against hand and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nasbench.errors import NasbenchError
from nasbench.problem.pareto import (
    additive_epsilon,
    crowding_distance,
    dominates,
    hypervolume,
    non_dominated,
    nondominated_ranks,
)


def brute_front(points: np.ndarray) -> np.ndarray:
    """A point is on the front iff no other point dominates it: every pair checked."""
    n = len(points)
    return np.array([not any(dominates(points[j], points[i]) for j in range(n) if j != i) for i in range(n)])


def brute_hypervolume(points: np.ndarray, reference: np.ndarray) -> float:
    """Inclusion-exclusion over every subset: the union of boxes [p, reference], exactly."""
    total = 0.0
    for size in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), size):
            corner = points[list(subset)].max(axis=0)
            total += (-1) ** (size + 1) * np.prod(np.maximum(reference - corner, 0.0))
    return float(total)


def test_dominance() -> None:
    assert dominates(np.array([1, 2]), np.array([2, 2]))
    assert not dominates(np.array([1, 2]), np.array([1, 2]))
    assert not dominates(np.array([1, 3]), np.array([2, 2]))


@pytest.mark.parametrize(
    ("points", "reference", "expected"),
    [
        ([[1, 1]], [2, 2], 1.0),
        ([[0, 1], [1, 0]], [2, 2], 3.0),  # 2 x 1 strip + 1 x 1 strip
        ([[0, 1], [1, 0], [1, 1]], [2, 2], 3.0),  # a dominated point adds nothing
        ([[0, 0]], [1, 2], 2.0),
        ([[3, 0]], [2, 2], 0.0),  # outside the reference box
        ([[2, 0]], [2, 2], 0.0),  # on its boundary
        ([[0.5]], [2.0], 1.5),
        ([[0, 0, 0]], [1, 1, 1], 1.0),
        # boxes [0,2]^2x[1,2] (volume 4) and [1,2]^2x[0,2] (volume 2) overlap in [1,2]^2x[1,2] (volume 1)
        ([[0, 0, 1], [1, 1, 0]], [2, 2, 2], 4.0 + 2.0 - 1.0),
    ],
)
def test_hand_computed_hypervolumes(points, reference, expected) -> None:
    assert hypervolume(points, reference) == pytest.approx(expected)


def test_empty_set_has_no_volume() -> None:
    assert hypervolume(np.zeros((0, 2)), [1, 1]) == 0.0


@pytest.mark.parametrize("d", [2, 3, 4])
def test_hypervolume_matches_inclusion_exclusion(d: int) -> None:
    rng = np.random.default_rng(d)
    for _ in range(30):
        points = rng.integers(0, 5, size=(int(rng.integers(1, 8)), d)).astype(float)  # ties included
        reference = np.full(d, 5.0)
        assert hypervolume(points, reference) == pytest.approx(brute_hypervolume(points, reference))


def test_3d_hypervolume_of_many_points_matches_counting_grid_cells() -> None:
    # Integer points in [0, 8)^3 and reference (8, 8, 8): the dominated region is a union of unit cells, and the
    # cell with lower corner c lies in it exactly when some point p <= c. Exact, and not limited to a few points.
    rng = np.random.default_rng(3)
    corners = np.stack(np.meshgrid(*[np.arange(8)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    for size in (1, 5, 20, 60, 150):
        points = rng.integers(0, 8, size=(size, 3))
        covered = (points[None, :, :] <= corners[:, None, :]).all(axis=2).any(axis=1)
        assert hypervolume(points.astype(float), [8.0, 8.0, 8.0]) == float(covered.sum())


def test_additive_epsilon_by_hand() -> None:
    front = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert additive_epsilon(front, front) == 0.0
    assert additive_epsilon(front + 0.25, front) == pytest.approx(0.25)  # every point moved 0.25 in each objective
    assert additive_epsilon([[0.0, 1.0]], front) == pytest.approx(1.0)  # [1, 0] is reached only by improving 1
    assert additive_epsilon([[0.5, 0.5]], front) == pytest.approx(0.5)
    assert additive_epsilon(front - 0.1, front) == pytest.approx(-0.1)  # beyond the front
    assert additive_epsilon(np.zeros((0, 2)), front) == np.inf and additive_epsilon(front, np.zeros((0, 2))) == 0.0


@pytest.mark.parametrize("d", [2, 3])
def test_front_matches_brute_force(d: int) -> None:
    rng = np.random.default_rng(10 + d)
    for _ in range(20):
        points = rng.integers(0, 6, size=(int(rng.integers(1, 40)), d)).astype(float)
        np.testing.assert_array_equal(non_dominated(points), brute_front(points))


def test_ranks_peel_fronts() -> None:
    points = np.array([[0, 2], [2, 0], [1, 3], [3, 1], [4, 4], [1, 1]])
    np.testing.assert_array_equal(nondominated_ranks(points), [0, 0, 1, 1, 2, 0])
    assert nondominated_ranks(np.zeros((0, 2))).size == 0


def test_crowding_distance() -> None:
    points = np.array([[0.0, 4.0], [1.0, 2.0], [2.0, 1.0], [4.0, 0.0]])
    distance = crowding_distance(points)
    assert np.isinf(distance[[0, 3]]).all()
    # middle points: (neighbour gap in x)/4 + (neighbour gap in y)/4
    assert distance[1] == pytest.approx(2 / 4 + 3 / 4) and distance[2] == pytest.approx(3 / 4 + 2 / 4)
    assert np.isinf(crowding_distance(points[:2])).all()


def test_bad_shapes() -> None:
    with pytest.raises(NasbenchError, match=r"expected points of shape \(n, d\), got shape \(3,\)"):
        non_dominated([1, 2, 3])  # type: ignore[list-item]
    with pytest.raises(NasbenchError, match="expected a reference point of 2 values, got"):
        hypervolume([[1, 2]], [3, 3, 3])
