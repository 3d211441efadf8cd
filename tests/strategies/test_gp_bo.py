"""GP-BO (Snoek, Larochelle & Adams, NeurIPS 2012): random start, expected improvement over a pool of mutations."""

from __future__ import annotations

import math

import numpy as np

from nasbench.strategies import get_strategy


def make(c10, seed: int = 0, **hp):
    return get_strategy("gp-bo")(c10.space, c10.info, np.random.default_rng(seed), **hp)


def test_the_first_proposals_are_the_random_initial_design(c10) -> None:
    gp, same_stream = make(c10, seed=5, initial_samples=6), np.random.default_rng(5)
    for _ in range(6):
        arch, fidelity = gp.ask()
        assert fidelity is None and arch == c10.space.sample(same_stream)
        gp.tell(arch, None, c10.query(arch, metrics=["valid_acc"]))


def test_with_only_mutations_it_proposes_new_neighbours_of_the_best(c10) -> None:
    gp = make(c10, initial_samples=5, mutations=20, randoms=0, parents=1)
    seen = {}
    for _ in range(5):
        arch, _ = gp.ask()
        seen[arch] = c10.query(arch)["valid_acc"]
        gp.tell(arch, None, {"valid_acc": seen[arch]})
    for _ in range(5):
        best = max(seen, key=seen.get)
        arch, _ = gp.ask()
        assert arch in c10.space.neighbors(best) and arch not in seen  # NB201's mutate changes one edge
        seen[arch] = c10.query(arch)["valid_acc"]
        gp.tell(arch, None, {"valid_acc": seen[arch]})


def test_an_empty_pool_falls_back_to_a_random_draw(c10) -> None:
    gp, same_stream = make(c10, seed=2, initial_samples=2, mutations=0, randoms=0), np.random.default_rng(2)
    for step in range(6):
        arch, _ = gp.ask()
        assert arch == c10.space.sample(same_stream)  # no candidate: no model, the next uniform draw
        gp.tell(arch, None, {"valid_acc": float(step)})


def test_failed_runs_are_kept_out_of_the_model(c10) -> None:
    gp = make(c10, initial_samples=3)
    archs = [gp.ask()[0] for _ in range(3)]
    for arch, acc in zip(archs, (math.nan, 70.0, math.nan), strict=True):
        gp.tell(arch, None, {"valid_acc": acc})
    assert gp.observed[archs[0]] == -math.inf and gp.pending == []
    arch, _ = gp.ask()  # one finite value is too few to fit: a random draw
    assert gp.pending == [arch]
    gp.tell(arch, None, {"valid_acc": 80.0})
    proposal, _ = gp.ask()  # two finite values: a model-based proposal among new architectures
    assert proposal not in [*archs, arch] and gp.pending == [proposal]
