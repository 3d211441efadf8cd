"""A small ensemble of feed-forward regressors in numpy, trained together: BANANAS's predictor.

Owns only the network maths (Glorot-uniform init, ReLU, linear output, MAE or squared loss,
Keras-style Adam, shuffled minibatches for a fixed number of epochs, as naszilla's
meta_neural_net.py). The members are stacked on a leading axis so one matmul trains all of
them. It reads no files and keeps no global state: every draw comes from the Generator.
"""

from __future__ import annotations

import itertools

import numpy as np

ADAM_EPS = 1e-7  # Keras's default epsilon


class Ensemble:
    """`members` independent MLPs of `hidden_layers` x `width` ReLU units and `outputs` linear outputs."""

    def __init__(
        self, members: int, inputs: int, hidden_layers: int, width: int, outputs: int, rng: np.random.Generator
    ) -> None:
        sizes = [inputs, *[width] * hidden_layers, outputs]
        shapes = [(members, a, b) for a, b in itertools.pairwise(sizes)]
        shapes += [(members, 1, b) for b in sizes[1:]]
        self.flat = np.zeros(sum(int(np.prod(s)) for s in shapes))  # every parameter, so Adam is one update
        views = _views(self.flat, shapes)
        self.weights, self.biases = views[: len(sizes) - 1], views[len(sizes) - 1 :]
        for w in self.weights:
            w[...] = _glorot(members, w.shape[1], w.shape[2], rng)
        self.shapes = shapes
        self.rng = rng

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predictions of every member, shape (members, n, outputs)."""
        return self._forward(np.broadcast_to(x, (len(self.weights[0]), *x.shape)))[-1]

    def fit(
        self,
        x: np.ndarray,
        y: np.ndarray,
        epochs: int,
        batch: int,
        lr: float,
        betas: tuple[float, float],
        loss: str = "mae",
    ) -> None:
        """Minibatch Adam on each member, each with its own shuffle every epoch."""
        first, second = np.zeros_like(self.flat), np.zeros_like(self.flat)
        grad = np.zeros_like(self.flat)
        grads = _views(grad, self.shapes)
        members, n, step = len(self.weights[0]), len(x), 0
        for _ in range(epochs):
            order = self.rng.permuted(np.tile(np.arange(n), (members, 1)), axis=1)
            for start in range(0, n, batch):
                rows = order[:, start : start + batch]
                step += 1
                self._gradients(x[rows], y[rows], loss, grads)
                rate = lr * np.sqrt(1 - betas[1] ** step) / (1 - betas[0] ** step)
                first *= betas[0]
                first += (1 - betas[0]) * grad
                second *= betas[1]
                second += (1 - betas[1]) * grad * grad
                self.flat -= rate * first / (np.sqrt(second) + ADAM_EPS)

    def _forward(self, x: np.ndarray) -> list[np.ndarray]:
        layers = [x]
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            z = layers[-1] @ w + b
            layers.append(z if i == last else np.maximum(z, 0.0))
        return layers

    def _gradients(self, x: np.ndarray, y: np.ndarray, loss: str, out: list[np.ndarray]) -> None:
        """Gradients of the mean loss over the batch into `out` (weights first, then biases)."""
        layers = self._forward(x)
        error = layers[-1] - y
        delta = (np.sign(error) if loss == "mae" else 2.0 * error) / (x.shape[1] * y.shape[2])
        count = len(self.weights)
        for i in range(count - 1, -1, -1):
            np.matmul(layers[i].transpose(0, 2, 1), delta, out=out[i])
            np.sum(delta, axis=1, keepdims=True, out=out[count + i])
            if i:
                delta = (delta @ self.weights[i].transpose(0, 2, 1)) * (layers[i] > 0)


def _views(flat: np.ndarray, shapes: list[tuple[int, int, int]]) -> list[np.ndarray]:
    """Consecutive views of `flat` with the given shapes."""
    views, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return views


def _glorot(members: int, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(members, fan_in, fan_out))
