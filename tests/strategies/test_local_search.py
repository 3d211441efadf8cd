"""Local search (White, Nolen & Savani, UAI 2021): climbing, restarts, distinct initial samples."""

from __future__ import annotations

import numpy as np

from nasbench.strategies import get_strategy


def make(bench, name: str, seed: int = 0, **hp):
    return get_strategy(name)(bench.space, bench.info, np.random.default_rng(seed), **hp)


def test_local_search_restarts_from_the_best_of_ten_new_random_architectures(c10) -> None:
    ls = make(c10, "ls")
    initial = [ls.ask()[0] for _ in range(10)]
    for i, arch in enumerate(initial):
        ls.tell(arch, None, {"valid_acc": 100.0 if i == 3 else float(i)})
    centre = initial[3]
    for _ in range(24):  # every neighbour is worse: a local optimum
        arch, _ = ls.ask()
        assert arch in c10.space.neighbors(centre)
        ls.tell(arch, None, {"valid_acc": 0.0})
    restart = [ls.ask()[0] for _ in range(10)]
    assert len(set(restart)) == 10 and not set(restart) & {centre, *initial, *c10.space.neighbors(centre)}
    for i, arch in enumerate(restart):
        ls.tell(arch, None, {"valid_acc": 50.0 if i == 6 else 1.0})  # the batch's best, not the global best
    arch, _ = ls.ask()
    assert arch in c10.space.neighbors(restart[6])


def test_local_search_initial_samples_are_distinct(c10) -> None:
    for seed in range(20):
        ls = make(c10, "ls", seed=seed, initial_samples=200)
        assert len({ls.ask()[0] for _ in range(200)}) == 200


def test_local_search_climbs_the_best_initial_neighborhood(c10) -> None:
    ls = make(c10, "ls", initial_samples=4)
    scores = {}
    for _ in range(4):
        arch, _ = ls.ask()
        scores[arch] = c10.query(arch)["valid_acc"]
        ls.tell(arch, None, {"valid_acc": scores[arch]})
    best = max(scores, key=scores.get)
    neighbors = set(c10.space.neighbors(best)) - set(scores)
    proposals = {ls.ask()[0] for _ in range(len(neighbors))}
    assert proposals == neighbors


def test_local_search_restarts_at_a_local_optimum(c10) -> None:
    ls = make(c10, "ls", initial_samples=1)
    start, _ = ls.ask()
    ls.tell(start, None, {"valid_acc": 100.0})  # nothing can beat it
    for _ in range(24):
        arch, _ = ls.ask()
        ls.tell(arch, None, {"valid_acc": 0.0})
    assert ls.center is None and ls.sampling  # a new random batch (of initial_samples = 1 here)
    restart, _ = ls.ask()
    assert restart in ls.batch and restart != start
