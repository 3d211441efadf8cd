"""Candidate pools for model-based strategies: mutations of the best, plus random draws.

Owns the acquisition search space of BANANAS and GP-BO (White, Neiswanger & Savani,
AAAI 2021, Sec. 4: mutating the best architectures found so far). It only uses the
space's `mutate` and `sample`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

import numpy as np

from nasbench.spaces.base import SearchSpace


def candidate_pool(
    space: SearchSpace[Any],
    rng: np.random.Generator,
    parents: list[Hashable],
    mutations: int,
    randoms: int,
    exclude: Iterable[Hashable],
) -> list[Hashable]:
    """Up to `mutations` children of `parents` (round robin) and `randoms` random draws, all new."""
    excluded = set(exclude)
    pool: dict[Hashable, None] = {}
    for target, make in ((mutations, "mutate"), (randoms, "sample")):
        wanted = len(pool) + target
        for attempt in range(4 * target):
            if len(pool) >= wanted:
                break
            if make == "mutate" and parents:
                arch = space.mutate(parents[attempt % len(parents)], rng)
            else:
                arch = space.sample(rng)
            if arch not in excluded and arch not in pool:
                pool[arch] = None
    return list(pool)


def mutation_pool(
    parents: list[Hashable],
    per_round: int,
    wanted: int,
    mutate: Callable[[Hashable], Hashable],
    exclude: Iterable[Hashable],
) -> list[Hashable]:
    """naszilla's `get_candidates` (White et al., AAAI 2021): `wanted` mutation attempts per parent.

    Parents are taken best first, `per_round` at a time, while fewer than `wanted` new
    candidates exist (checked only between rounds, so the pool may exceed `wanted`).
    """
    excluded = set(exclude)
    pool: dict[Hashable, None] = {}
    for start in range(0, len(parents), per_round):
        if len(pool) >= wanted:
            break
        for parent in parents[start : start + per_round]:
            for _ in range(wanted):
                child = mutate(parent)
                if child not in excluded and child not in pool:
                    pool[child] = None
    return list(pool)


def top(observations: dict[Hashable, float], count: int) -> list[Hashable]:
    """The `count` architectures of highest utility (ties: first observed first)."""
    ranked = sorted(observations.items(), key=lambda item: -item[1])
    return [arch for arch, _ in ranked[:count]]
