"""A meta-learned few-shot latency predictor in the manner of HELP: MAML over devices, a hardware embedding.

Lee, Lee & Hwang, "HELP: Hardware-Adaptive Efficient Latency Prediction for NAS via
Meta-Learning", NeurIPS 2021: a latency predictor takes the architecture and a *hardware
embedding* (the device's latencies on a few reference architectures) and is meta-trained over
the known devices with MAML (Finn, Abbeel & Levine, ICML 2017), so that a few gradient steps on
the new device's measured samples adapt it. Here, for a held-out device and its k measured cells:

- the reference architectures are the k measured cells (HELP: 10 reference architectures, whose
  latencies are also its adaptation samples); the embedding is the device's log-latencies on
  them, z-scored within the device (relative speeds); the regression target is the device's
  log-latency z-scored by the mean and spread of its k references;
- the predictor is an MLP (2 x 64 ReLU) on the cell's one-hot encoding and the embedding;
- meta-training over the other devices (sources): per episode a batch of source devices, each
  adapted by `INNER_STEPS` plain gradient steps on its k reference cells (support), then scored
  on `QUERY` random cells of the same device (query); the meta-update is Adam on the query loss's
  gradient at the adapted weights (first-order MAML, Finn et al. Sec. 5.2);
- on the held-out device: the same steps on its k cells, then a prediction for every cell.

Declared differences from HELP: an MLP on the cell's one-hot encoding instead of HELP's GCN over
the cell graph (on NAS-Bench-201 the one-hot holds the same information: each edge's operation);
first-order MAML instead of second-order; no amortized (task-adaptive) inner learning rates or
layer modulation; no HELP-specific normalization. Numpy only (`strategies._mlp` does the maths);
every draw comes from the Generator it is handed.
"""

from __future__ import annotations

import numpy as np

from nasbench.strategies._mlp import ADAM_EPS, Ensemble

HIDDEN, WIDTH = 2, 64
INNER_STEPS, INNER_RATE = 5, 0.001  # larger inner rates overfit the k cells (0.01: rho 0.80, 0.05: 0.48 on pixel3)
EPISODES, META_BATCH, QUERY, META_RATE = 2000, 8, 128, 1e-3
BETAS = (0.9, 0.999)


def _zscored(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    scale = reference.std(axis=-1, keepdims=True)
    return (values - reference.mean(axis=-1, keepdims=True)) / np.where(scale > 0, scale, 1.0)


def _inputs(encoding: np.ndarray, embedding: np.ndarray) -> np.ndarray:
    """(devices, cells, features): each cell's encoding beside its device's hardware embedding."""
    devices, cells = len(embedding), len(encoding)
    return np.concatenate(
        [np.broadcast_to(encoding, (devices, cells, encoding.shape[1])),
         np.broadcast_to(embedding[:, None, :], (devices, cells, embedding.shape[1]))], axis=2,
    )  # fmt: skip


def _adapt(model: Ensemble, x: np.ndarray, y: np.ndarray) -> None:
    """INNER_STEPS gradient steps of every member on its own support set."""
    grad = np.zeros_like(model.flat)
    views = _views_of(model, grad)
    for _ in range(INNER_STEPS):
        model._gradients(x, y, "mse", views)
        model.flat -= INNER_RATE * grad


def _views_of(model: Ensemble, flat: np.ndarray) -> list[np.ndarray]:
    from nasbench.strategies._mlp import _views

    return _views(flat, model.shapes)


def _load(model: Ensemble, theta: Ensemble) -> None:
    """Every member of `model` set to the single member of `theta`."""
    for mine, shared in zip(_views_of(model, model.flat), _views_of(theta, theta.flat), strict=True):
        mine[...] = shared[0]


def meta_train(
    logged: np.ndarray, encoding: np.ndarray, cells: np.ndarray, rng: np.random.Generator, episodes: int = EPISODES
) -> Ensemble:
    """Meta-learned initial weights from the source devices' log-latencies (cells x devices), references `cells`."""
    embedding = _zscored(logged[cells].T, logged[cells].T)  # (devices, k)
    inputs = encoding.shape[1] + len(cells)
    theta = Ensemble(1, inputs, HIDDEN, WIDTH, 1, rng)
    batch = min(META_BATCH, logged.shape[1])
    model = Ensemble(batch, inputs, HIDDEN, WIDTH, 1, rng)
    first, second = np.zeros_like(theta.flat), np.zeros_like(theta.flat)
    grad = np.zeros_like(model.flat)
    views = _views_of(model, grad)
    for step in range(1, episodes + 1):
        devices = rng.choice(logged.shape[1], size=batch, replace=False)
        query = rng.choice(len(logged), size=QUERY, replace=False)
        reference = logged[cells][:, devices].T  # (batch, k)
        _load(model, theta)
        support_x = _inputs(encoding[cells], embedding[devices])
        _adapt(model, support_x, _zscored(reference, reference)[:, :, None])
        query_y = _zscored(logged[query][:, devices].T, reference)[:, :, None]
        model._gradients(_inputs(encoding[query], embedding[devices]), query_y, "mse", views)
        outer = np.concatenate([v.sum(axis=0).ravel() for v in views]) / batch  # first-order MAML
        first = BETAS[0] * first + (1 - BETAS[0]) * outer
        second = BETAS[1] * second + (1 - BETAS[1]) * outer**2
        rate = META_RATE * np.sqrt(1 - BETAS[1] ** step) / (1 - BETAS[0] ** step)
        theta.flat -= rate * first / (np.sqrt(second) + ADAM_EPS)
    return theta


def help_predict(
    sources: np.ndarray, target: np.ndarray, encoding: np.ndarray, cells: np.ndarray, rng: np.random.Generator,
    episodes: int = EPISODES,
) -> np.ndarray:  # fmt: skip
    """Log-latency scores of every cell on the target, from its k measured `cells` (`target` read there only)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # thousands of tiny products: BLAS threads only contend (20x slower on a loaded host)
        return _help_predict(sources, target, encoding, cells, rng, episodes)


def _help_predict(
    sources: np.ndarray, target: np.ndarray, encoding: np.ndarray, cells: np.ndarray, rng: np.random.Generator,
    episodes: int,
) -> np.ndarray:  # fmt: skip
    theta = meta_train(sources, encoding, cells, rng, episodes)
    measured = target[cells][None, :]
    embedding = _zscored(measured, measured)
    _adapt(theta, _inputs(encoding[cells], embedding), embedding[:, :, None])
    return theta.predict(_inputs(encoding, embedding)[0])[0, :, 0]
