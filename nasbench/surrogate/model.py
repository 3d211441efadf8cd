"""XGBoost surrogate models: fit on a table, predict any architecture of its space, save and load.

Owns the model and its file. For each predicted metric an ensemble of XGBoost
regressors learns the table's mean over seeds from the space's `features_many`;
the ensemble mean is the prediction. Metrics with per-seed values also get a noise
model (NAS-Bench-301 style): a regressor of the seed-to-seed variance, scaled so its
mean matches the table's, or one pooled deviation where few architectures have two
seeds. A draw for (architecture, seed) adds that deviation times a normal number
hashed from both, so the same query always gives the same value, as a table would.

The file is one JSON document: metadata (features, training data SHA-256,
hyperparameters, versions, the fidelity card) and each booster in XGBoost's own
model schema, in its binary JSON encoding (UBJSON, base64): text JSON boosters
measured 20 ms each to load against 1.1 ms, and a surrogate must load in well
under 200 ms. No pickles. Answering queries is `SurrogateBenchmark`'s job; the
card is `fidelity_card`'s.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import platform
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import xgboost as xgb
from scipy.special import ndtri

from nasbench._version import __version__
from nasbench.benchmark.table import TableBenchmark
from nasbench.errors import NasbenchError, UnknownName
from nasbench.files import atomic_path
from nasbench.spaces import get_space
from nasbench.spaces.base import SearchSpace

FORMAT = "nasbench-surrogate"
FORMAT_VERSION = 1
ENSEMBLE = 3  # members for the observed metric; cost and hardware metrics are smooth: one booster each
HYPERPARAMETERS: dict[str, Any] = {
    "n_estimators": 150,
    "learning_rate": 0.15,
    "max_depth": 6,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 1.0,
    "tree_method": "hist",
}
MIN_ARCHS_FOR_NOISE_MODEL = 200
PARALLEL_ROWS = 1000


class SurrogateFileError(NasbenchError):
    """A surrogate file that cannot be used: missing, truncated, foreign or of another version."""


@dataclass
class TrainingData:
    """What a surrogate learns from: architectures, their features, seed means and per-seed values."""

    archs: list[Any]
    rows: np.ndarray
    features: np.ndarray
    means: dict[str, np.ndarray]
    seeds: dict[str, np.ndarray]  # metric -> (n, seeds) per-seed values, NaN where not run


def training_data(
    bench: TableBenchmark, metrics: Sequence[str], fidelity: int, rows: np.ndarray | None = None
) -> TrainingData:
    """The table's architectures with a value of the first metric at `fidelity` (all rows, or `rows`).

    Other metrics may be NaN where the source did not measure them; each model fits on its own finite rows.
    """
    candidates = np.arange(bench.table.n_archs) if rows is None else np.asarray(rows, dtype=np.int64)
    frame = bench.query_many(candidates, fidelity, metrics=list(metrics))
    finite = np.isfinite(frame[metrics[0]].to_numpy())
    keep = candidates[finite]
    strings = bench.table.archs()
    archs = [bench.space.from_str(strings[r]) for r in keep]
    means = {m: frame[m].to_numpy()[finite] for m in metrics}
    per_seed = _per_seed(bench, keep, fidelity, metrics[0])
    seeds = {} if per_seed is None else {metrics[0]: per_seed}
    return TrainingData(archs, keep, bench.space.features_many(archs), means, seeds)


def _per_seed(bench: TableBenchmark, rows: np.ndarray, fidelity: int, metric: str) -> np.ndarray | None:
    """(rows, seeds) values of `metric`, NaN where a seed was not run; None where the table has only means."""
    if not bench.info.seeds:
        return None
    try:
        columns = [bench.query_many(rows, fidelity, seed, metrics=[metric])[metric] for seed in bench.info.seeds]
    except UnknownName:  # e.g. NAS-Bench-201 at 12 epochs: the source publishes means only
        return None
    return np.column_stack([c.to_numpy() for c in columns])


def _hashed_normal(keys: np.ndarray, seed: int) -> np.ndarray:
    """Standard normal numbers from (key, seed) pairs by the splitmix64 mixer: deterministic, vectorized."""
    x = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed & 0xFFFFFFFF) + np.uint64(1 << 40)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    uniform = ((x >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)
    return ndtri(uniform)


class Surrogate:
    """An ensemble of boosters per metric, a noise model per noisy metric, and their metadata."""

    def __init__(
        self,
        space: SearchSpace[Any],
        meta: dict[str, Any],
        models: dict[str, list[xgb.Booster]],
        noise_models: dict[str, xgb.Booster],
    ) -> None:
        self.space = space
        self.meta = meta
        self.models = models
        self.noise_models = noise_models
        self._trained = set(meta["training_classes"])
        self._threads = 0

    @property
    def metrics(self) -> list[str]:
        """The predicted metrics, observed metric first."""
        return list(self.models)

    def features(self, archs: Sequence[Any]) -> np.ndarray:
        """The model input of many architectures (objects or standard strings)."""
        features = self.space.features_many([self.space.validate(a) for a in archs])
        if features.shape[1] != self.meta["feature_count"]:
            raise SurrogateFileError(
                f"the {self.space.name} space now gives {features.shape[1]} features, the surrogate was fitted "
                f"on {self.meta['feature_count']}; refit it with this version"
            )
        return features

    def predict_ensemble(
        self, archs: Sequence[Any], features: np.ndarray | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Each member's prediction of every metric (or those named): metric -> array (members, n)."""
        x = self.features(archs) if features is None else features
        self._use_threads(len(x))
        names = self.metrics if metrics is None else metrics
        return {m: np.stack([b.inplace_predict(x) for b in self.models[m]]) for m in names}

    def _use_threads(self, rows: int) -> None:
        """One thread for small batches (measured: 0.75 ms against 5.5 ms per single-row prediction
        with every core on a busy 2-core machine), all cores for large ones."""
        threads = 1 if rows < PARALLEL_ROWS else os.cpu_count() or 1
        if threads != self._threads:
            for booster in [*(b for bs in self.models.values() for b in bs), *self.noise_models.values()]:
                booster.set_param({"nthread": threads})
            self._threads = threads

    def predict(self, archs: Sequence[Any], metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """The ensemble mean of every metric (or those named): metric -> array (n,)."""
        return {m: v.mean(axis=0) for m, v in self.predict_ensemble(archs, metrics=metrics).items()}

    def noise_std(
        self, archs: Sequence[Any], features: np.ndarray | None = None, metrics: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        """The predicted seed-to-seed standard deviation of each noisy metric (of those named)."""
        x = self.features(archs) if features is None else features
        self._use_threads(len(x))
        result = {}
        for metric, noise in self.meta["noise"].items():
            if metrics is not None and metric not in metrics:
                continue
            if noise["kind"] == "model":
                variance = np.maximum(self.noise_models[metric].inplace_predict(x), 0.0) * noise["scale"]
                result[metric] = np.sqrt(variance)
            else:
                result[metric] = np.full(len(x), noise["std"])
        return result

    def draw(self, archs: Sequence[Any], seed: int, metrics: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """One training run's values: the mean plus seed noise, the same for the same (arch, seed).

        Each metric's noise depends on its name only, so a draw of some metrics equals those of a draw of all.
        """
        x = self.features(archs)
        values = {m: v.mean(axis=0) for m, v in self.predict_ensemble(archs, x, metrics).items()}
        keys = np.fromiter((zlib.crc32(self.space.to_str(a).encode()) for a in archs), np.uint64, len(archs))
        for metric, std in self.noise_std(archs, x, metrics).items():
            values[metric] = values[metric] + std * _hashed_normal(keys + (zlib.crc32(metric.encode()) << 32), seed)
        return values

    def trained_on(self, archs: Sequence[Any]) -> np.ndarray:
        """Whether each architecture's isomorphism class was among the training architectures."""
        return np.array([str(self.space.canonical(self.space.validate(a))) in self._trained for a in archs])

    def save(self, path: str | os.PathLike[str], force: bool = False) -> Path:
        """Write the surrogate as one JSON file, atomically; an existing file only with `force`."""
        path = Path(path)
        if path.exists() and not force:
            raise NasbenchError(f"{path} exists; pass --force (force=True) to overwrite it")
        document = {
            "meta": self.meta,
            "models": {m: [_encode(b) for b in bs] for m, bs in self.models.items()},
            "noise_models": {m: _encode(b) for m, b in self.noise_models.items()},
        }
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(document, separators=(",", ":")))
        return path


def _encode(booster: xgb.Booster) -> str:
    return base64.b64encode(booster.save_raw("ubj")).decode("ascii")


def _booster(text: str) -> xgb.Booster:
    booster = xgb.Booster()
    booster.load_model(bytearray(base64.b64decode(text.encode("ascii"), validate=True)))
    return booster


def load_surrogate(path: str | os.PathLike[str]) -> Surrogate:
    """Read a surrogate file; a one-line error if it is missing, truncated, foreign or of another version."""
    path = Path(path)
    if not path.exists():
        raise SurrogateFileError(f"surrogate file not found: {path}")
    try:
        document = json.loads(path.read_bytes())
        meta = document["meta"]
        found = (meta.get("format"), meta.get("format_version"))
    except OSError as err:
        raise SurrogateFileError(f"cannot read the surrogate file {path}: {err.strerror or err}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise SurrogateFileError(f"{path} is not a nasbench surrogate (truncated or foreign: {err})") from None
    if found != (FORMAT, FORMAT_VERSION):
        raise SurrogateFileError(
            f"{path} is not nasbench surrogate format {FORMAT_VERSION} (found {found[0]!r} version {found[1]!r})"
        )
    try:
        space = get_space(meta["space"], **meta["space_options"])
        models = {m: [_booster(b) for b in bs] for m, bs in document["models"].items()}
        noise = {m: _booster(b) for m, b in document["noise_models"].items()}
        _check_parts(meta, models, noise)
        return Surrogate(space, meta, models, noise)
    except UnknownName as err:
        raise SurrogateFileError(f"{path} is for a space this version does not know ({err})") from None
    except (KeyError, TypeError, ValueError, AttributeError, xgb.core.XGBoostError) as err:
        raise SurrogateFileError(f"{path} holds a damaged surrogate ({type(err).__name__}: {err})") from None


def _check_parts(meta: dict[str, Any], models: dict[str, list[xgb.Booster]], noise: dict[str, xgb.Booster]) -> None:
    """Raise ValueError where the boosters do not match the metadata (a query would fail later, less clearly).

    Not checked: each booster's feature count (`num_features` costs 8 ms a booster, most of a load).
    """
    if not models or list(models) != list(meta["metrics"]) or not all(models.values()):
        raise ValueError(f"boosters for {', '.join(models) or 'no metric'}, metadata for {', '.join(meta['metrics'])}")
    modelled = {m for m, n in meta["noise"].items() if n["kind"] == "model"}
    if modelled != set(noise):
        raise ValueError(f"noise models for {sorted(noise)}, metadata for {sorted(modelled)}")


def _regressor(hyperparameters: dict[str, Any], seed: int) -> xgb.XGBRegressor:
    return xgb.XGBRegressor(**hyperparameters, random_state=seed, n_jobs=os.cpu_count() or 1)


def _noise_model(
    data: TrainingData, metric: str, hyperparameters: dict[str, Any], seed: int
) -> tuple[dict[str, Any], xgb.Booster | None]:
    """A variance regressor where enough architectures ran twice, else one pooled deviation."""
    values = data.seeds[metric]
    twice = np.isfinite(values).sum(axis=1) >= 2
    if twice.sum() < 2:
        return {"kind": "none", "std": 0.0, "archs_with_seeds": int(twice.sum())}, None
    variance = np.nanvar(values[twice], axis=1, ddof=1)
    if twice.sum() < MIN_ARCHS_FOR_NOISE_MODEL:
        return {"kind": "pooled", "std": float(np.sqrt(variance.mean())), "archs_with_seeds": int(twice.sum())}, None
    model = _regressor({**hyperparameters, "n_estimators": 200}, seed).fit(data.features[twice], variance)
    predicted = np.maximum(model.predict(data.features[twice]), 1e-12)
    scale = float(variance.mean() / predicted.mean())  # moment matching: mean predicted variance = the table's
    return {"kind": "model", "scale": scale, "archs_with_seeds": int(twice.sum())}, model.get_booster()


def fit_plan(
    bench: TableBenchmark, metric: str | None, fidelity: int | None, extra_metrics: Sequence[str]
) -> tuple[str, int, list[str]]:
    """The observed metric, fidelity and every metric a fit would model, checked against the table."""
    info = bench.info
    metric = metric or info.observe
    fidelity = info.max_fidelity if fidelity is None else fidelity
    bench.fidelity_index(fidelity)
    metrics = list(dict.fromkeys([metric, info.cost, *extra_metrics]))
    for name in metrics:
        if name not in info.metrics:
            raise UnknownName(
                f"unknown metric {name!r} in {info.name}/{info.dataset}; available: {', '.join(info.metrics)}"
            )
        if fidelity not in info.metrics[name].fidelities and info.metrics[name].fidelities:
            where = ", ".join(map(str, info.metrics[name].fidelities))
            raise UnknownName(
                f"metric {name!r} of {info.name}/{info.dataset} has values at fidelity {where}, not {fidelity}"
            )
    return metric, fidelity, metrics


def fit_surrogate(
    bench: TableBenchmark,
    metric: str | None = None,
    fidelity: int | None = None,
    extra_metrics: Sequence[str] = (),
    rows: np.ndarray | None = None,
    ensemble: int = ENSEMBLE,
    hyperparameters: dict[str, Any] | None = None,
    seed: int = 0,
) -> Surrogate:
    """Fit one surrogate of `bench` at `fidelity` for the observed `metric`, the cost and `extra_metrics`."""
    metric, fidelity, metrics = fit_plan(bench, metric, fidelity, extra_metrics)
    hp = {**HYPERPARAMETERS, **(hyperparameters or {})}
    data = training_data(bench, metrics, fidelity, rows)
    if len(data.archs) < 10:
        raise NasbenchError(
            f"expected at least 10 architectures with {', '.join(metrics)} to fit on, got {len(data.archs)}"
        )
    models = {}
    for m in metrics:
        known = np.isfinite(data.means[m])
        models[m] = [
            _regressor(hp, seed * 1000 + k).fit(data.features[known], data.means[m][known]).get_booster()
            for k in range(ensemble if m == metric else 1)
        ]
    noise_meta, noise_models = {}, {}
    for m in data.seeds:
        noise_meta[m], booster = _noise_model(data, m, hp, seed)
        if booster is not None:
            noise_models[m] = booster
    meta = _metadata(bench, metric, fidelity, metrics, data, hp, ensemble, seed, noise_meta)
    return Surrogate(_surrogate_space(bench), meta, models, noise_models)


def _space_options(bench: TableBenchmark) -> dict[str, Any]:
    """The table's space options but `tabulated`: a table's restriction to its rows does not restrict a surrogate."""
    return {k: v for k, v in bench.table.dataset.get("space_options", {}).items() if k != "tabulated"}


def _surrogate_space(bench: TableBenchmark) -> SearchSpace[Any]:
    """The whole space of the table's architectures."""
    return get_space(bench.info.space, **_space_options(bench))


def _metadata(
    bench: TableBenchmark,
    metric: str,
    fidelity: int,
    metrics: list[str],
    data: TrainingData,
    hp: dict[str, Any],
    ensemble: int,
    seed: int,
    noise: dict[str, Any],
) -> dict[str, Any]:
    info = bench.info
    rows_digest = hashlib.sha256(np.ascontiguousarray(data.rows).tobytes()).hexdigest()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "benchmark": info.name,
        "dataset": info.dataset,
        "space": info.space,
        "space_options": _space_options(bench),
        "observe": metric,
        "score": score if (score := info.score_metric(fidelity)) in metrics else metric,
        "cost": info.cost,
        "fidelity": fidelity,
        "fidelity_unit": info.fidelity_unit,
        "seeds": list(info.seeds),
        "metrics": {m: {**info.metrics[m].__dict__, "fidelities": [fidelity]} for m in metrics},
        "feature_count": int(data.features.shape[1]),
        "features": f"{info.space} space features_many: encoding plus derived features",
        "training_data_sha256": bench.data_sha256,
        "training_rows_sha256": rows_digest,
        "training_archs": len(data.archs),
        "training_classes": sorted({str(bench.space.canonical(a)) for a in data.archs}),
        "hyperparameters": hp,
        "ensemble": ensemble,
        "seed": seed,
        "noise": noise,
        "versions": {
            "nasbench": __version__,
            "xgboost": xgb.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "python": platform.python_version(),
        },
        "card": None,
    }
