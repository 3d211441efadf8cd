"""What transfer strategies share: reading a `MetaInfo` into architectures and a prior over decisions.

Owns the helpers of the meta-learning strategies (issue 20): the sources' best architectures
parsed in the target's space, and the learned prior of Feurer et al.'s and Wistuba et al.'s kind
(operation frequencies among the sources' top architectures, per decision, Laplace-smoothed).
It sees only the `MetaInfo` (source tasks' arrays) and the space; never a benchmark or a table.

References: Feurer, Springenberg & Hutter, "Initializing Bayesian Hyperparameter Optimization via
Meta-Learning", AAAI 2015 (best configurations of earlier tasks as the initial design); Wistuba,
Schilling & Schmidt-Thieme, "Hyperparameter Search Space Pruning", ECML-PKDD 2015, and Perrone et
al., "Learning search spaces for Bayesian optimization", NeurIPS 2019 (a search distribution
learned from the best configurations of earlier tasks).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np

from nasbench.benchmark.meta import MetaInfo
from nasbench.errors import InvalidArchitecture
from nasbench.spaces.base import SearchSpace


def parsed(space: SearchSpace[Any], texts: list[str]) -> list[Hashable]:
    """The architectures of `texts` that exist in the target's space (a source may hold others)."""
    found = []
    for text in texts:
        try:
            found.append(space.from_str(text))
        except InvalidArchitecture:
            continue
    return found


def decision_prior(space: SearchSpace[Any], meta: MetaInfo, top: int, pseudo_count: float = 1.0) -> np.ndarray:
    """(decisions x largest choice count) probabilities: how often each choice is made among each source's
    `top` architectures, every source weighted equally, plus `pseudo_count` per valid choice; 0 where invalid."""
    sizes = space.decisions()
    valid = np.arange(max(sizes))[None, :] < np.array(sizes)[:, None]
    counts = np.zeros(valid.shape)
    for source in meta.sources:
        archs = parsed(space, source.top(top))
        if not archs:
            continue
        chosen = np.array([space.to_decisions(a) for a in archs])
        width = int(valid.shape[1])
        for d in range(len(sizes)):
            counts[d] += np.bincount(chosen[:, d], minlength=width)[:width] / len(archs)
    counts = counts * top + pseudo_count * valid
    return counts / counts.sum(axis=1, keepdims=True)


def sample_prior(space: SearchSpace[Any], prior: np.ndarray, rng: np.random.Generator, tries: int = 100) -> Hashable:
    """One architecture drawn decision by decision from `prior`; redrawn where the space lacks it."""
    cumulative = np.cumsum(prior, axis=1)
    last = (prior > 0).sum(axis=1) - 1
    for _ in range(tries):
        draws = rng.random(len(prior))[:, None]
        choices = np.minimum((cumulative < draws).sum(axis=1), last)
        try:
            return space.from_decisions(choices.tolist())
        except InvalidArchitecture:
            continue
    return space.sample(rng)


def mutate_prior(
    space: SearchSpace[Any], arch: Hashable, prior: np.ndarray, rng: np.random.Generator, tries: int = 100
) -> Hashable:
    """`arch` with one uniformly chosen decision changed to another choice, drawn in proportion to `prior`."""
    base = space.to_decisions(arch)
    for _ in range(tries):
        d = int(rng.integers(len(base)))
        weights = prior[d].copy()
        weights[base[d]] = 0.0
        if weights.sum() <= 0:
            continue
        choice = int(rng.choice(len(weights), p=weights / weights.sum()))
        try:
            return space.from_decisions([*base[:d], choice, *base[d + 1 :]])
        except InvalidArchitecture:
            continue
    return space.mutate(arch, rng)
