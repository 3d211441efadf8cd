"""RGPE (Feurer, Letham & Bakshy 2018): ranking losses, ranking weights, weight dilution, proposals."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.registry import opened
from nasbench.strategies.rgpe import (
    DILUTION_PERCENTILE,
    RGPE,
    _fit,
    _loo_draws,
    _posterior_draws,
    ranking_losses,
    ranking_weights,
)
from tests.strategies.test_transfer import arch, meta_of


@pytest.fixture(scope="module")
def c100():
    return opened("nb201", "cifar100")


def test_ranking_loss_counts_misranked_pairs_of_a_bootstrap_sample() -> None:
    y = np.array([0.0, 1.0, 2.0])
    draws = np.array([[[0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [0.0, 2.0, 1.0]]])  # (samples, models, n)
    counts = np.ones((1, 3))
    # ordered pairs (j, k): perfect 0; reversed all 6 ordered pairs wrong; one swap: pairs (1,2), (2,1)
    assert ranking_losses(draws, y, counts).tolist() == [[0.0, 6.0, 2.0]]
    assert ranking_losses(draws, y, np.array([[2.0, 1.0, 0.0]])).tolist() == [[0.0, 4.0, 0.0]]


def test_a_source_that_ranks_like_the_target_gets_the_weight(c100) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((30, 4))
    y = x @ np.array([3.0, -1.0, 0.5, 0.0])
    alike, opposite = _fit(x, y, 0), _fit(x, -y, 0)
    target = _fit(x[:12], y[:12], 0)
    weights = ranking_weights([alike, opposite, target], x[:12], y[:12], 200, np.random.default_rng(1))
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] > 0.5 and weights[1] == 0.0  # the opposite source is diluted away


def test_rgpe_proposes_from_the_sources_before_much_target_data(c100) -> None:
    s, info = c100.space, c100.info
    sources = {}
    for name in ("cifar10-valid", "imagenet16-120"):
        bench = opened("nb201", name)
        rows = np.random.default_rng(3).choice(s.size, 60, replace=False)
        values = bench.query_many(rows, metrics=["valid_acc"])["valid_acc"].to_numpy()
        sources[name] = [(arch(s, int(r)), float(v)) for r, v in zip(rows, values, strict=True)]
    strategy = RGPE(s, info, np.random.default_rng(0), meta=meta_of(s, sources))
    for _ in range(4):
        a, _ = strategy.ask()
        strategy.tell(a, None, c100.query(a, metrics=["valid_acc"]))
    assert len(strategy.source_models()) == 2 and strategy.weights is not None and len(strategy.weights) == 3


def linear(seed: int, n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4))
    return x, x @ np.array([3.0, -1.0, 0.5, 0.0])


def test_a_source_that_ranks_the_targets_observations_perfectly_gets_the_weight() -> None:
    x, y = linear(0)
    perfect = _fit(x, y, 0)  # knows the target's function everywhere, its 6 points included
    target = _fit(x[:6], y[:6], 0)
    assert (_losses([perfect, target], x[:6], y[:6], 200, 1)[:, 0] == 0).all()  # no misranked pair, ever
    weights = ranking_weights([perfect, target], x[:6], y[:6], 200, np.random.default_rng(1))
    assert weights.sum() == pytest.approx(1.0)
    assert weights[0] > 0.9  # the target's own leave-one-out model is right only where it ties


@pytest.mark.parametrize("sources", [1, 3])
def test_weights_are_shares_of_samples_and_sum_to_one(sources: int) -> None:
    x, y = linear(2)
    noise = np.random.default_rng(3).standard_normal((sources, len(y)))
    models = [_fit(x, y + 2.0 * noise[i], 0) for i in range(sources)] + [_fit(x[:10], y[:10], 0)]
    weights = ranking_weights(models, x[:10], y[:10], 50, np.random.default_rng(4))
    assert weights.shape == (sources + 1,) and weights.sum() == pytest.approx(1.0)
    assert (weights >= 0).all() and np.allclose(weights * 100, np.round(weights * 100))  # shares of 50 samples


def _losses(models, x: np.ndarray, y: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """The ranking losses ranking_weights sees with this seed (the same draws in the same order)."""
    rng = np.random.default_rng(seed)
    draws = np.stack([_posterior_draws(models[0], x, samples, rng), _loo_draws(models[1], x, y, samples, rng)], axis=1)
    counts = rng.multinomial(len(y), np.full(len(y), 1.0 / len(y)), size=samples).astype(np.float64)
    return ranking_losses(draws, y, counts)


@pytest.mark.parametrize(("seed", "dilutes"), [(1, True), (0, False)])
def test_weight_dilution_drops_a_source_worse_than_the_targets_95th_percentile(seed: int, dilutes: bool) -> None:
    x, y = linear(0)
    source = _fit(x, y + 0.5 * np.random.default_rng(5).standard_normal(len(y)), 0)  # informative but noisy
    observed = y[:10] + 0.1 * np.random.default_rng(seed).standard_normal(10)
    models = [source, _fit(x[:10], observed, 0)]
    losses = _losses(models, x[:10], observed, 200, 1)
    weights = ranking_weights(models, x[:10], observed, 200, np.random.default_rng(1))
    median, bar = np.median(losses[:, 0]), np.percentile(losses[:, 1], DILUTION_PERCENTILE)
    assert (losses[:, 0] < losses[:, 1]).mean() > 0.05  # the source has the lowest loss in some samples
    assert (median > bar) == dilutes  # Sec. 3.2: its median loss vs the target model's 95th percentile
    if dilutes:
        assert weights.tolist() == [0.0, 1.0]  # dropped: without the rule it would get those samples' share
    else:
        assert weights[0] >= (losses[:, 0] < losses[:, 1]).mean() and weights.sum() == pytest.approx(1.0)
