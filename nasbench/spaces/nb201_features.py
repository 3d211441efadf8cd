"""Derived features of NAS-Bench-201 cells for surrogate models.

Owns the cell's *effective* structure: an edge only matters when it lies on a path
from the input node to the output node with no `none` edge, so a surrogate should
see which operations are live and what each of the four input-to-output paths
carries. On the 80/20 class split of cifar10-valid these features lift XGBoost's
Kendall tau from 0.81 (one-hot alone) to 0.90 (see the fidelity card). Computed once
for all 15,625 cells and looked up by code.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from nasbench.spaces.nb201_cell import NUM_EDGES, NUM_OPS, SIZE

# The input-to-output paths of the cell, as edge positions: 0->3, 0->1->3, 0->2->3, 0->1->2->3.
PATHS = ((3,), (0, 4), (1, 5), (0, 2, 5))
NONE, CONV_1X1, CONV_3X3 = 0, 2, 3
FEATURE_COUNT = NUM_EDGES * NUM_OPS + len(PATHS) * NUM_OPS + (NUM_OPS - 1) + 2


def cell_features(ops: tuple[int, ...]) -> list[float]:
    """Live-edge one-hot, per-path operation counts, live operation counts, conv depth, live paths."""
    alive = [all(ops[e] != NONE for e in path) for path in PATHS]
    live_edges = {e for path, ok in zip(PATHS, alive, strict=True) if ok for e in path}
    effective = [ops[e] if e in live_edges else NONE for e in range(NUM_EDGES)]
    features = [float(op == k) for op in effective for k in range(NUM_OPS)]
    for path, ok in zip(PATHS, alive, strict=True):
        features += [float(ok)] + [float(ok) * sum(ops[e] == k for e in path) for k in range(1, NUM_OPS)]
    features += [float(sum(op == k for op in effective)) for k in range(1, NUM_OPS)]
    depths = [sum(ops[e] in (CONV_1X1, CONV_3X3) for e in path) for path, ok in zip(PATHS, alive, strict=True) if ok]
    features += [float(max(depths, default=0)), float(sum(alive))]
    return features


@cache
def feature_table() -> np.ndarray:
    """Features of every cell, row = the cell's base-5 code."""
    digits = (np.arange(SIZE)[:, None] // NUM_OPS ** np.arange(NUM_EDGES - 1, -1, -1)) % NUM_OPS
    table = np.array([cell_features(tuple(row)) for row in digits.tolist()], dtype=np.float64)
    assert table.shape[1] == FEATURE_COUNT
    return table
