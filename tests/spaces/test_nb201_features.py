"""Derived features of NAS-Bench-201 cells: only live edges count, per path, checked on hand-worked cells."""

from __future__ import annotations

import numpy as np

from nasbench.spaces.nb201 import NB201Space
from nasbench.spaces.nb201_features import FEATURE_COUNT, PATHS, cell_features, feature_table

NONE, SKIP, CONV1, CONV3, POOL = range(5)


def split(features: list[float]) -> tuple[np.ndarray, np.ndarray, list[float], float, float]:
    """(live one-hot 6x5, per-path blocks 4x5, live op counts, conv depth, live paths)."""
    x = np.array(features)
    return x[:30].reshape(6, 5), x[30:50].reshape(4, 5), x[50:54].tolist(), x[54], x[55]


def test_the_count_is_30_one_hot_20_path_4_counts_and_2() -> None:
    assert FEATURE_COUNT == 6 * 5 + 4 * 5 + 4 + 2 == 56
    # the four input-to-output paths 0->3, 0->1->3, 0->2->3, 0->1->2->3 as edge positions
    edges = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
    assert [[edges[e] for e in path] for path in PATHS] == [
        [(0, 3)],
        [(0, 1), (1, 3)],
        [(0, 2), (2, 3)],
        [(0, 1), (1, 2), (2, 3)],
    ]


def test_a_cell_of_none_has_no_live_structure() -> None:
    one_hot, paths, counts, depth, live = split(cell_features((NONE,) * 6))
    assert (one_hot[:, NONE] == 1).all() and one_hot[:, 1:].sum() == 0
    assert paths.sum() == 0 and counts == [0, 0, 0, 0] and depth == 0 and live == 0


def test_edges_off_every_live_path_are_masked() -> None:
    # only 0->3 is live (skip); the conv on 0->1 feeds node 1, whose paths to 3 are cut by none
    ops = (CONV3, NONE, NONE, SKIP, NONE, NONE)
    one_hot, paths, counts, depth, live = split(cell_features(ops))
    assert one_hot[3, SKIP] == 1 and one_hot[0, NONE] == 1  # the conv is not live
    assert paths[0].tolist() == [1, 1, 0, 0, 0] and paths[1:].sum() == 0
    assert counts == [1, 0, 0, 0] and depth == 0 and live == 1


def test_a_cell_of_3x3_convolutions() -> None:
    one_hot, paths, counts, depth, live = split(cell_features((CONV3,) * 6))
    assert (one_hot[:, CONV3] == 1).all()
    assert paths[:, 0].tolist() == [1, 1, 1, 1] and paths[:, CONV3].tolist() == [1, 2, 2, 3]
    assert counts == [0, 0, 6, 0] and depth == 3 and live == 4


def test_mixed_cell_worked_by_hand() -> None:
    # 0->1 conv1x1, 0->2 none, 1->2 pool, 0->3 none, 1->3 conv3x3, 2->3 skip
    ops = (CONV1, NONE, POOL, NONE, CONV3, SKIP)
    one_hot, paths, counts, depth, live = split(cell_features(ops))
    # live paths: 0->1->3 (conv1x1, conv3x3) and 0->1->2->3 (conv1x1, pool, skip)
    assert paths[:, 0].tolist() == [0, 1, 0, 1]
    assert paths[1].tolist() == [1, 0, 1, 1, 0] and paths[3].tolist() == [1, 1, 1, 0, 1]
    assert counts == [1, 1, 1, 1] and depth == 2 and live == 2
    assert one_hot.argmax(axis=1).tolist() == [CONV1, NONE, POOL, NONE, CONV3, SKIP]


def test_the_table_is_indexed_by_the_base_5_code() -> None:
    table = feature_table()
    assert table.shape == (15625, FEATURE_COUNT)
    ops = (0, 1, 2, 3, 4, 0)
    assert table[0 * 5**5 + 1 * 5**4 + 2 * 5**3 + 3 * 5**2 + 4 * 5 + 0].tolist() == cell_features(ops)
    space = NB201Space()
    arch = space.from_str("|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|")
    assert space.features_many([arch])[0, -FEATURE_COUNT:].tolist() == cell_features(ops)
