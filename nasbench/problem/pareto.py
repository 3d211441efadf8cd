"""Pareto dominance, non-dominated sorting, crowding distance, the dominated hypervolume and the epsilon indicator.

Owns the geometry of objective vectors only, always in minimization form (callers negate
the objectives they maximize). It knows nothing of benchmarks, runs or files.

Hypervolume is exact: a sweep in two dimensions (O(n log n)) and, in three or more, the
slicing recursion of "Hypervolume by Slicing Objectives" (While, Hingston, Barone &
Huband, IEEE TEC 2006): sort by the last objective and add, for each slab between two
consecutive values, its depth times the (d-1)-dimensional hypervolume of the points
already swept (O(n^2 log n) in 3-D).
"""

from __future__ import annotations

import numpy as np

from nasbench.errors import NasbenchError


def _as_points(points: np.ndarray | list[list[float]]) -> np.ndarray:
    array = np.asarray(points, dtype=float)
    if array.ndim != 2:
        raise NasbenchError(f"expected points of shape (n, d), got shape {array.shape}")
    return array


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether `a` is no worse than `b` everywhere and better somewhere (minimization)."""
    return bool(np.all(a <= b) and np.any(a < b))


def non_dominated(points: np.ndarray | list[list[float]]) -> np.ndarray:
    """Boolean mask of the points no other point dominates (duplicates all kept).

    In lexicographic order no point is dominated by a later one, so one pass that checks
    each point against the front kept so far is exact (O(n * front) comparisons).
    """
    pts = _as_points(points)
    if len(pts) == 0:
        return np.zeros(0, dtype=bool)
    uniq, inverse = np.unique(pts, axis=0, return_inverse=True)  # rows sorted lexicographically
    if pts.shape[1] == 2:
        running = np.minimum.accumulate(uniq[:, 1])
        keep = uniq[:, 1] < np.concatenate(([np.inf], running[:-1]))
        return keep[inverse.ravel()]
    keep = np.zeros(len(uniq), dtype=bool)
    front = np.empty_like(uniq)
    size = 0
    for i, point in enumerate(uniq):
        kept = front[:size]
        if size and ((kept <= point).all(axis=1) & (kept < point).any(axis=1)).any():
            continue
        keep[i] = True
        front[size] = point
        size += 1
    return keep[inverse.ravel()]


def nondominated_ranks(points: np.ndarray | list[list[float]]) -> np.ndarray:
    """The front index of every point: 0 for the non-dominated, 1 for the next front, ...

    The fast non-dominated sort of Deb, Pratap, Agarwal & Meyarivan (IEEE TEC 2002).
    """
    pts = _as_points(points)
    n = len(pts)
    ranks = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return ranks
    no_worse = np.all(pts[:, None, :] <= pts[None, :, :], axis=2)
    dominated_by: np.ndarray = no_worse & np.any(pts[:, None, :] < pts[None, :, :], axis=2)
    counts = dominated_by.sum(axis=0)  # how many points dominate each point
    front, level = np.flatnonzero(counts == 0), 0
    while front.size:
        ranks[front] = level
        counts = counts - dominated_by[front].sum(axis=0)
        counts[ranks >= 0] = -1
        front, level = np.flatnonzero(counts == 0), level + 1
    return ranks


def crowding_distance(points: np.ndarray | list[list[float]]) -> np.ndarray:
    """NSGA-II's crowding distance within one front: boundary points get infinity."""
    pts = _as_points(points)
    n, d = pts.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for j in range(d):
        order = np.argsort(pts[:, j], kind="stable")
        span = pts[order[-1], j] - pts[order[0], j]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (pts[order[2:], j] - pts[order[:-2], j]) / span
    return distance


def additive_epsilon(points: np.ndarray | list[list[float]], front: np.ndarray | list[list[float]]) -> float:
    """The additive epsilon indicator of `points` against `front` (minimization).

    The least amount by which every point must be improved, in every objective at once,
    for the points to weakly dominate the whole front: max over the front of the min over
    the points of max_j (point_j - front_j) (Zitzler, Thiele, Laumanns, Fonseca & Grunert
    da Fonseca, IEEE TEC 2003). 0 when they already do, negative when they dominate it with
    room to spare, infinity for no points.
    """
    pts, targets = _as_points(points), _as_points(front)
    if len(targets) == 0:
        return 0.0
    if len(pts) == 0:
        return float("inf")
    gaps = (pts[:, None, :] - targets[None, :, :]).max(axis=2)  # (points, front)
    return float(gaps.min(axis=0).max())


def hypervolume(points: np.ndarray | list[list[float]], reference: np.ndarray | list[float]) -> float:
    """The volume dominated by `points` and bounded by `reference` (minimization), exactly.

    Points not strictly better than the reference in every objective add nothing.
    """
    pts = _as_points(points)
    ref = np.asarray(reference, dtype=float)
    if ref.ndim != 1 or (len(pts) and pts.shape[1] != len(ref)):
        raise NasbenchError(f"expected a reference point of {pts.shape[1]} values, got {ref.tolist()}")
    pts = pts[(pts < ref).all(axis=1)] if len(pts) else pts.reshape(0, len(ref))
    if len(pts) == 0:
        return 0.0
    return float(_hv(pts[non_dominated(pts)], ref))


def _hv(pts: np.ndarray, ref: np.ndarray) -> float:
    d = pts.shape[1]
    if d == 1:
        return float(ref[0] - pts[:, 0].min())
    if d == 2:
        return _hv_2d(pts, ref)
    order = np.argsort(pts[:, -1], kind="stable")
    pts = pts[order]
    total = 0.0
    for k in range(len(pts)):
        top = pts[k + 1, -1] if k + 1 < len(pts) else ref[-1]
        depth = top - pts[k, -1]
        if depth > 0:  # dominated points in a slice add nothing: no need to filter them out
            total += depth * _hv(pts[: k + 1, :-1], ref[:-1])
    return total


def _hv_2d(pts: np.ndarray, ref: np.ndarray) -> float:
    """Sweep by the first objective: each point adds the strip below the best second value so far."""
    order = np.lexsort((pts[:, 1], pts[:, 0]))
    xs, ys = pts[order, 0], pts[order, 1]
    before = np.concatenate(([ref[1]], np.minimum.accumulate(ys)[:-1]))
    return float(np.sum((ref[0] - xs) * np.maximum(before - ys, 0.0)))
