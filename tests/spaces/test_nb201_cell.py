"""The NAS-Bench-201 cell's vocabulary (Dong & Yang, ICLR 2020, Sec. 3): five operations on six edges."""

from __future__ import annotations

from itertools import combinations

from nasbench.spaces.nb201 import NB201Space
from nasbench.spaces.nb201_cell import EDGES, NUM_EDGES, NUM_OPS, OPS, SIZE


def test_the_vocabulary_is_the_papers() -> None:
    # the operation names of the published architecture strings, in the order of their one-hot codes
    assert OPS == ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
    # a densely connected DAG of 4 nodes: every (source, target) with source < target, 6 edges
    assert sorted(EDGES) == sorted(combinations(range(4), 2))
    assert (NUM_OPS, NUM_EDGES, SIZE) == (5, 6, 15625)


def test_edges_are_in_the_order_of_the_published_strings() -> None:
    # '|op~source|' groups by target node: node 1 reads 0; node 2 reads 0, 1; node 3 reads 0, 1, 2
    assert EDGES == ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
    text = "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|none~2|"
    assert NB201Space().from_str(text).ops == (0, 1, 2, 3, 4, 0)
    groups = [[int(token.split("~")[1]) for token in group.strip("|").split("|")] for group in text.split("+")]
    assert [(source, target) for target, group in enumerate(groups, 1) for source in group] == list(EDGES)
