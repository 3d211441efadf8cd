"""Candidate pools of mutations (naszilla's get_candidates): best parent first, only new children."""

from __future__ import annotations

import numpy as np

from nasbench.strategies import get_strategy
from nasbench.strategies.candidates import mutation_pool


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


def test_bananas_candidates_are_mutations_of_the_best_first() -> None:
    # naszilla's get_candidates: 100 attempts per parent, best parent first, the next only while < 100.
    rng = np.random.default_rng(0)
    parents = ["best", "second", "third", "fourth", "fifth"]
    pool = mutation_pool(parents, 1, 100, lambda p: (p, int(rng.integers(70))), exclude=[("best", 0)])
    used = [p for p, _ in pool]
    assert used == sorted(used, key=parents.index) and set(used) == {"best", "second"}
    assert 100 <= len(pool) <= 140 and ("best", 0) not in pool  # the size is only checked between parents
    assert used.count("best") > 50


def test_bananas_pool_on_nb201_holds_only_new_children(c10) -> None:
    bananas = make(c10, "bananas")
    ranked = [c10.space.arch(i) for i in (10, 500, 9000, 12000, 15000)]
    pool = mutation_pool(ranked, 1, 100, bananas._mutate, exclude=ranked)
    assert len(pool) >= 100 and not set(pool) & set(ranked)
    assert all(min(sum(a != b for a, b in zip(p.ops, c.ops, strict=True)) for p in ranked) >= 1 for c in pool)
