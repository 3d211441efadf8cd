"""The BANANAS predictor: an ensemble of numpy MLPs, gradients and fitting."""

from __future__ import annotations

import numpy as np
import pytest

from nasbench.strategies._mlp import Ensemble


def test_mlp_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(0)
    model = Ensemble(2, 4, 2, 5, 1, rng)
    x, y = rng.normal(size=(2, 7, 4)), rng.normal(size=(2, 7, 1))
    grads = [np.zeros_like(w) for w in [*model.weights, *model.biases]]
    model._gradients(x, y, "mse", grads)
    flat_grad = np.concatenate([g.ravel() for g in grads])

    def loss() -> float:
        return float(((model._forward(x)[-1] - y) ** 2).mean(axis=(1, 2)).sum())

    for i in rng.choice(model.flat.size, 30, replace=False):
        old = model.flat[i]
        model.flat[i] = old + 1e-6
        up = loss()
        model.flat[i] = old - 1e-6
        down = loss()
        model.flat[i] = old
        assert (up - down) / 2e-6 == pytest.approx(flat_grad[i], rel=1e-4, abs=1e-7)


def test_mlp_with_mae_learns_the_table(c10) -> None:
    rng = np.random.default_rng(0)
    archs = list(dict.fromkeys(c10.space.sample(rng) for _ in range(400)))[:300]
    x, y = c10.space.encode_many(archs), c10.query_many(archs)["valid_acc"].to_numpy()
    model = Ensemble(5, x.shape[1], 10, 20, 1, rng)
    model.fit(x[:200], 100 - y[:200, None], 150, 32, 0.01, (0.9, 0.99), "mae")  # naszilla's target: 100 - acc
    prediction = 100 - model.predict(x[200:]).mean(axis=0)[:, 0]
    assert np.median(np.abs(prediction - y[200:])) < np.median(np.abs(y[200:] - np.median(y[:200])))
    assert np.corrcoef(prediction, y[200:])[0, 1] > 0.5
