"""Mutation operators: R_EA.py's node-then-edge and naszilla's per-edge mutation."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from nasbench.strategies.mutations import node_then_edge, per_edge


def test_re_mutation_on_nb201_picks_a_node_then_an_incoming_edge(c10) -> None:
    rng = np.random.default_rng(0)
    parent = c10.space.arch(1234)
    counts = Counter()
    for _ in range(36000):
        child = node_then_edge(c10.space, parent, rng)
        changed = [i for i, (a, b) in enumerate(zip(parent.ops, child.ops, strict=True)) if a != b]
        assert len(changed) == 1
        counts[changed[0]] += 1
    expected = [1 / 3, 1 / 6, 1 / 6, 1 / 9, 1 / 9, 1 / 9]  # R_EA.py: uniform node, then uniform incoming edge
    assert np.allclose([counts[e] / 36000 for e in range(6)], expected, atol=0.01)


def test_bananas_mutation_changes_each_edge_with_probability_a_quarter(c10) -> None:
    rng = np.random.default_rng(0)
    parent = c10.space.arch(777)
    children = [per_edge(c10.space, parent, rng) for _ in range(20000)]
    changes = [sum(a != b for a, b in zip(parent.ops, child.ops, strict=True)) for child in children]
    counts = np.bincount(changes, minlength=7) / 20000
    binomial = [math.comb(6, k) * 0.25**k * 0.75 ** (6 - k) for k in range(7)]
    assert np.allclose(counts, binomial, atol=0.01)


def test_re_mutation_is_the_reference_construction(c10) -> None:
    """The child found by its code equals the one R_EA.py builds from the parent's operations, draw for draw."""
    space = c10.space
    for index in range(0, 15625, 97):
        parent = space.arch(index)
        for seed in range(3):
            fast, slow = np.random.default_rng(seed), np.random.default_rng(seed)
            node = int(slow.integers(3)) + 1
            edge = {1: 0, 2: 1, 3: 3}[node] + int(slow.integers(node))
            draw = int(slow.integers(4))
            ops = list(parent.ops)
            ops[edge] = draw + 1 if draw >= ops[edge] else draw
            child = node_then_edge(space, parent, fast)
            assert child == space.from_decisions(ops) and child.code == space.from_decisions(ops).code
            assert fast.random() == slow.random()  # the same draws, no more
