"""Mutation operators of the reference implementations, where they differ from the space's own `mutate`.

Owns only these operators; it reads architectures through the space's decisions and
never changes a space. A space without a reference operator falls back to `space.mutate`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from nasbench.spaces.base import SearchSpace
from nasbench.spaces.nb201 import NB201Space
from nasbench.spaces.nb201_cell import NUM_OPS

# NB201 edges in order (0->1), (0->2), (1->2), (0->3), (1->3), (2->3): the first incoming edge of nodes 1, 2, 3.
_FIRST_EDGE = {1: 0, 2: 1, 3: 3}


def node_then_edge(space: SearchSpace[Any], arch: Hashable, rng: np.random.Generator) -> Hashable:
    """NAS-Bench-201's R_EA mutation (Dong & Yang, ICLR 2020): a uniform node, one of its incoming edges, a new op.

    Edge probabilities are 1/3, 1/6, 1/6, 1/9, 1/9, 1/9, not uniform. Other spaces: `space.mutate`.
    """
    if not isinstance(space, NB201Space):
        return space.mutate(arch, rng)
    arch = space.validate(arch)
    node = int(rng.integers(3)) + 1
    edge = _FIRST_EDGE[node] + int(rng.integers(node))
    return space.with_other_op(arch, edge, int(rng.integers(NUM_OPS - 1)))


def per_edge(space: SearchSpace[Any], arch: Hashable, rng: np.random.Generator, rate: float = 1.0) -> Hashable:
    """naszilla's NAS-Bench-201 'adj' mutation (White et al., AAAI 2021): each edge changes w.p. rate/(edges-2).

    The child may equal its parent (no edge changed). Other spaces: `space.mutate`.
    """
    if not isinstance(space, NB201Space):
        return space.mutate(arch, rng)
    ops = space.to_decisions(space.validate(arch))
    sizes = space.decisions()
    change = rng.random(len(ops)) < rate / (len(ops) - 2)
    shifts = rng.integers(np.array(sizes) - 1)
    for edge in np.flatnonzero(change).tolist():
        ops = _other_op(ops, edge, int(shifts[edge]))
    return space.from_decisions(ops)


def _other_op(ops: list[int], edge: int, draw: int) -> list[int]:
    """`ops` with edge `edge` set to the `draw`-th operation other than its current one."""
    op = draw + 1 if draw >= ops[edge] else draw
    return [*ops[:edge], op, *ops[edge + 1 :]]
