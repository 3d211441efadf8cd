"""RGPE: a ranking-weighted ensemble of Gaussian processes, one per source task plus the target's.

Feurer, Letham & Bakshy, "Scalable Meta-Learning for Bayesian Optimization using
Ranking-Weighted Gaussian Process Ensembles", AutoML workshop at ICML 2018 (arXiv:1802.02219),
Algorithm 1 and Sec. 3: a GP is fitted to each source task's observations and one to the
target's; the ensemble predicts mean sum_i w_i mu_i(x) and variance sum_i w_i^2 sigma_i^2(x);
the weight w_i of model i is the share of S samples in which it has the lowest ranking loss on
the target's observations, the loss being the number of misranked pairs of a bootstrap sample of
the target points, under a posterior draw of the model there (the target model's draw is from
its leave-one-out posterior, so that it is not judged on points it was fitted to). Weight
dilution prevention (Sec. 3.2): a source model whose median loss exceeds the 95th percentile of
the target model's losses gets weight 0. Each task's observations are standardized; every GP is
as in `gp-bo` (Matern 5/2 + noise, maximum-likelihood hyperparameters); expected improvement over
`gp-bo`'s candidate pool (50 mutations of the 10 best, 50 random draws). `gp-bo` is its
non-transfer twin.

Declared differences from the reference: under "tables" a source GP is fitted to
`source_points` architectures at evenly spaced quality ranks of the source's table (an exact GP
on a whole table of 26,206 or 62,208 points is out of reach; the paper's sources hold a few
hundred observations), under "history" to the source search's observations; ties for the lowest
loss split a sample's weight evenly (the paper breaks them at random); one random initial
architecture (`initial_samples=1`, `gp-bo` draws 10: the source models stand in for an initial design).
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from scipy.stats import norm
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

from nasbench.benchmark.meta import MetaInfo, SourceTask
from nasbench.spaces.base import SearchSpace
from nasbench.strategies.base import NON_NEGATIVE, Range, positive_int
from nasbench.strategies.gp_bo import GaussianProcessBO
from nasbench.strategies.transfer import parsed

JITTER = 1e-8
DILUTION_PERCENTILE = 95


class RGPE(GaussianProcessBO):
    """GP-BO on a ranking-weighted ensemble of the source tasks' GPs and the target's (its ask/tell, its own model)."""

    name = "rgpe"
    paper = "Feurer, Letham & Bakshy, AutoML@ICML 2018 (arXiv:1802.02219)"
    meta_learning = True
    twin = "gp-bo"  # the same search without transfer
    defaults: ClassVar[dict[str, Any]] = {
        "initial_samples": 1,
        "mutations": 50,
        "randoms": 50,
        "parents": 10,
        "xi": 0.01,
        "samples": 100,
        "source_points": 100,
    }
    ranges: ClassVar[dict[str, Range]] = {
        "initial_samples": positive_int(1),
        "mutations": positive_int(0),
        "randoms": positive_int(0),
        "parents": positive_int(1),
        "xi": NON_NEGATIVE,
        "samples": positive_int(1),
        "source_points": positive_int(2),
    }

    def __init__(self, *args: Any, meta: MetaInfo | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meta = meta
        self._sources: list[GaussianProcessRegressor] | None = None
        self.weights: np.ndarray | None = None  # the last ensemble weights: sources first, the target last

    def source_models(self) -> list[GaussianProcessRegressor]:
        """One fitted GP per source task (none without a MetaInfo)."""
        if self._sources is None:
            meta = self.meta
            tasks = meta.sources if meta is not None else ()
            setting = meta.setting if meta is not None else ""
            fitted = (_source_gp(self.space, task, setting, self.hp["source_points"]) for task in tasks)
            self._sources = [model for model in fitted if model is not None]
        return self._sources

    def _propose(self, observed: dict[Hashable, float]) -> Hashable | None:
        pool = self._pool(observed)
        if not pool:
            return None
        archs = list(observed)
        x = self.space.encode_many(archs)
        y = _standardized(np.array([observed[a] for a in archs]))
        target = _fit(x, y, int(self.rng.integers(2**31)))
        models = [*self.source_models(), target]
        self.weights = ranking_weights(models, x, y, self.hp["samples"], self.rng)
        mean, std = _ensemble(models, self.weights, self.space.encode_many(pool))
        improvement = mean - y.max() - self.hp["xi"]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(std > 0, improvement / std, 0.0)
        expected = np.where(std > 0, improvement * norm.cdf(z) + std * norm.pdf(z), np.maximum(improvement, 0.0))
        return pool[int(np.argmax(expected))]


def ranking_weights(
    models: list[GaussianProcessRegressor], x: np.ndarray, y: np.ndarray, samples: int, rng: np.random.Generator
) -> np.ndarray:
    """RGPE's weights (the target's model last): the share of samples in which each model's ranking loss is lowest."""
    n = len(y)
    draws = np.stack(
        [_posterior_draws(m, x, samples, rng) for m in models[:-1]] + [_loo_draws(models[-1], x, y, samples, rng)],
        axis=1,
    )
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=samples).astype(np.float64)  # bootstrap multiplicities
    losses = ranking_losses(draws, y, counts)  # (samples, models)
    target = losses[:, -1]
    diluted = np.median(losses[:, :-1], axis=0) > np.percentile(target, DILUTION_PERCENTILE)
    losses[:, :-1][:, diluted] = np.inf
    best = losses == losses.min(axis=1, keepdims=True)
    return (best / best.sum(axis=1, keepdims=True)).mean(axis=0)


def ranking_losses(draws: np.ndarray, y: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(samples, models) misranked pairs of each bootstrap sample: draws (samples, models, n), counts (samples, n)."""
    truth = y[:, None] < y[None, :]
    weights = counts.astype(np.float32)
    losses = np.empty(draws.shape[:2])
    for m in range(draws.shape[1]):  # one model at a time: (samples, n, n) stays small
        wrong = ((draws[:, m, :, None] < draws[:, m, None, :]) ^ truth).astype(np.float32)
        losses[:, m] = np.einsum("sjk,sj,sk->s", wrong, weights, weights, optimize=True)
    return losses


def _posterior_draws(
    model: GaussianProcessRegressor, x: np.ndarray, samples: int, rng: np.random.Generator
) -> np.ndarray:
    """(samples, n) joint draws of a source model's posterior at the target points."""
    mean, cov = model.predict(x, return_cov=True)
    try:
        root = np.linalg.cholesky(cov + JITTER * np.eye(len(x)))
    except np.linalg.LinAlgError:  # numerically indefinite: the symmetric square root
        values, vectors = np.linalg.eigh(cov)
        root = vectors * np.sqrt(np.clip(values, 0.0, None))
    return mean + rng.standard_normal((samples, len(x))) @ root.T


def _loo_draws(
    model: GaussianProcessRegressor, x: np.ndarray, y: np.ndarray, samples: int, rng: np.random.Generator
) -> np.ndarray:
    """(samples, n) draws of the target model's leave-one-out posteriors (Rasmussen & Williams, eq. 5.12)."""
    inverse = np.linalg.inv(model.kernel_(x) + (model.alpha + JITTER) * np.eye(len(x)))
    diagonal = np.diag(inverse)
    mean = y - inverse @ y / diagonal
    return mean + rng.standard_normal((samples, len(y))) / np.sqrt(diagonal)


def _ensemble(
    models: list[GaussianProcessRegressor], weights: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean sum_i w_i mu_i, std sqrt(sum_i w_i^2 sigma_i^2) of the models with weight above 0."""
    mean, variance = np.zeros(len(x)), np.zeros(len(x))
    for model, weight in zip(models, weights, strict=True):
        if weight > 0:
            mu, sigma = model.predict(x, return_std=True)
            mean += weight * mu
            variance += weight**2 * sigma**2
    return mean, np.sqrt(variance)


def _standardized(y: np.ndarray) -> np.ndarray:
    scale = y.std()
    return (y - y.mean()) / (scale if scale > 0 else 1.0)


def _fit(x: np.ndarray, y: np.ndarray, seed: int) -> GaussianProcessRegressor:
    kernel = ConstantKernel(1.0) * Matern(length_scale=1.0, nu=2.5) + WhiteKernel(1e-2)
    model = GaussianProcessRegressor(kernel, normalize_y=False, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(x, y)
    return model


def _source_gp(space: SearchSpace[Any], task: SourceTask, setting: str, points: int) -> GaussianProcessRegressor | None:
    """A source's GP: on its history, or on `points` architectures at evenly spaced ranks of its table."""
    finite = np.flatnonzero(np.isfinite(task.utilities))
    if setting == "tables" and len(finite) > points:
        order = finite[np.argsort(-task.utilities[finite], kind="stable")]
        finite = order[np.unique(np.linspace(0, len(order) - 1, points).round().astype(int))]
    texts = tuple(task.archs[int(i)] for i in finite)
    return _cached_gp(space, texts, tuple(task.utilities[finite].tolist()))


@lru_cache(maxsize=1024)
def _cached_gp(
    space: SearchSpace[Any], texts: tuple[str, ...], values: tuple[float, ...]
) -> GaussianProcessRegressor | None:
    """A pure function of its data (fixed optimizer seed): the same source data gives the same GP in every run.

    Architectures the target's space lacks are left out."""
    parsed_all = [(_parse(space, text), value) for text, value in zip(texts, values, strict=True)]
    known = [(arch, value) for arch, value in parsed_all if arch is not None]
    if len(known) < 2:
        return None
    return _fit(space.encode_many([a for a, _ in known]), _standardized(np.array([v for _, v in known])), 0)


def _parse(space: SearchSpace[Any], text: str) -> Hashable | None:
    """The architecture, or None where the target's space lacks it (a source may tabulate more)."""
    found = parsed(space, [text])
    return found[0] if found else None
