"""The fidelity card: how far a surrogate can be trusted, measured on architectures it never saw.

Owns the held-out evaluation of a surrogate's settings on its table: an 80/20 split by
isomorphism class (no cell of a test class is trained on), R², Kendall tau, sparse
Kendall tau (values rounded as NAS-Bench-301 does), Spearman, precision of the top 1%
and 5%, coverage of the table's per-seed values by the predicted noise, a learning curve,
scikit-learn baselines on the same split and features, and the table's own seed-to-seed
ceiling. The strategy-ranking check lives in `ranking_fidelity`; Markdown in `card_text`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import xgboost as xgb
from scipy import stats
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nasbench.benchmark.base import utility_sign
from nasbench.benchmark.table import TableBenchmark
from nasbench.surrogate.model import Surrogate, TrainingData, fit_surrogate, training_data

TEST_FRACTION = 0.2
CURVE_SIZES = (100, 1000)
GP_MAX_TRAIN = 2000  # exact GP inference is cubic in the training set
COVERAGE_LEVELS = (0.5, 0.9)


def split_by_class(space: Any, archs: list[Any], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of training and test architectures: a random 20% of isomorphism classes is held out."""
    keys = [str(space.canonical(a)) for a in archs]
    classes = sorted(set(keys))
    held = set(np.random.default_rng(seed).permutation(len(classes))[: round(len(classes) * TEST_FRACTION)].tolist())
    test_classes = {classes[i] for i in held}
    test = np.array([k in test_classes for k in keys])
    return np.flatnonzero(~test), np.flatnonzero(test)


def sparse_rounding(unit: str, values: np.ndarray) -> float:
    """The precision NAS-Bench-301's sparse tau rounds to: 0.1 percentage points of accuracy."""
    if unit == "%":
        return 0.1
    if unit == "fraction":
        return 0.001
    return float(np.ptp(values)) / 1000 or 1.0  # other units: a thousandth of the observed range


def ranking_metrics(truth: np.ndarray, predicted: np.ndarray, unit: str, maximize: bool) -> dict[str, float]:
    """R², Kendall, sparse Kendall, Spearman and top-1%/5% precision of `predicted` against `truth`."""
    step = sparse_rounding(unit, truth)
    residual = np.sum((truth - predicted) ** 2)
    sign = utility_sign(maximize)
    result = {
        "r2": float(1 - residual / np.sum((truth - truth.mean()) ** 2)),
        "kendall_tau": float(stats.kendalltau(truth, predicted).statistic),
        "sparse_kendall_tau": float(stats.kendalltau(np.round(truth / step), np.round(predicted / step)).statistic),
        "spearman": float(stats.spearmanr(truth, predicted).statistic),
        "mae": float(np.mean(np.abs(truth - predicted))),
    }
    for percent in (1, 5):
        k = max(1, math.ceil(len(truth) * percent / 100))
        best_true = set(np.argsort(-sign * truth, kind="stable")[:k].tolist())
        best_predicted = np.argsort(-sign * predicted, kind="stable")[:k]
        result[f"precision_top{percent}"] = float(np.mean([i in best_true for i in best_predicted.tolist()]))
    return result


def coverage(per_seed: np.ndarray, mean: np.ndarray, std: np.ndarray) -> dict[str, float]:
    """Fraction of the table's per-seed values inside the central 50% and 90% predicted intervals."""
    inside = {}
    finite = np.isfinite(per_seed)
    for level in COVERAGE_LEVELS:
        half = stats.norm.ppf(0.5 + level / 2) * std[:, None]
        hit = np.abs(per_seed - mean[:, None]) <= half
        inside[f"coverage_{round(level * 100)}"] = float(hit[finite].mean()) if finite.any() else float("nan")
    return inside


def noise_ceiling(per_seed: np.ndarray) -> dict[str, Any]:
    """Kendall tau between two training seeds of the table itself, on architectures with both."""
    counts = np.isfinite(per_seed).sum(axis=0)
    if per_seed.shape[1] < 2 or np.sort(counts)[-2] < 10:
        return {"kendall_tau": None, "archs": 0}
    a, b = np.argsort(-counts, kind="stable")[:2]
    both = np.isfinite(per_seed[:, a]) & np.isfinite(per_seed[:, b])
    tau = stats.kendalltau(per_seed[both, a], per_seed[both, b]).statistic
    return {"kendall_tau": float(tau), "archs": int(both.sum())}


def like_for_like(per_seed: np.ndarray, predicted: np.ndarray) -> dict[str, float | None]:
    """Kendall tau of the surrogate and of a training seed, each against one seed and against a seed mean.

    A surrogate compared with the seed mean should be set beside a seed compared with the mean of the
    *other* seeds, and a surrogate compared with one seed beside one seed compared with another: each
    figure is averaged over the table's seeds, on the architectures that have the values it needs.
    """
    seeds = per_seed.shape[1]
    vs_seed, seed_vs_rest = [], []
    for j in range(seeds):
        have = np.isfinite(per_seed[:, j])
        if have.sum() >= 10:
            vs_seed.append(stats.kendalltau(predicted[have], per_seed[have, j]).statistic)
        others = np.delete(per_seed, j, axis=1)
        both = have & np.isfinite(others).any(axis=1)
        if seeds > 1 and both.sum() >= 10:
            rest = np.nanmean(others[both], axis=1)
            seed_vs_rest.append(stats.kendalltau(per_seed[both, j], rest).statistic)
    return {
        "surrogate_vs_one_seed": float(np.mean(vs_seed)) if vs_seed else None,
        "seed_vs_mean_of_other_seeds": float(np.mean(seed_vs_rest)) if seed_vs_rest else None,
    }


def _baselines(train: TrainingData, test: TrainingData, metric: str, seed: int) -> dict[str, np.ndarray]:
    """Predictions of scikit-learn models on the same split and features."""
    x, y = train.features, train.means[metric]
    gp_rows = np.random.default_rng(seed).permutation(len(x))[:GP_MAX_TRAIN]
    kernel = ConstantKernel() * RBF(length_scale=np.sqrt(x.shape[1])) + WhiteKernel()
    models = {
        "random forest": RandomForestRegressor(n_estimators=200, min_samples_leaf=2, n_jobs=-1, random_state=seed),
        "k-nearest neighbours (k=10)": make_pipeline(StandardScaler(), KNeighborsRegressor(n_neighbors=10)),
        f"Gaussian process (RBF, {min(len(x), GP_MAX_TRAIN)} training archs)": GaussianProcessRegressor(
            kernel, normalize_y=True, random_state=seed
        ),
        "linear (ridge)": make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
    }
    result = {}
    for name, model in models.items():
        rows = gp_rows if name.startswith("Gaussian") else slice(None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # a noise level at its bound is still a fit
            result[name] = model.fit(x[rows], y[rows]).predict(test.features)
    return result


def _fit_rows(bench: TableBenchmark, rows: np.ndarray, settings: dict[str, Any]) -> Surrogate:
    return fit_surrogate(bench, rows=rows, **settings)


def _settings(surrogate: Surrogate) -> dict[str, Any]:
    """The fitting settings of `surrogate`, to refit it on part of its table."""
    meta = surrogate.meta
    return {
        "metric": meta["observe"],
        "fidelity": meta["fidelity"],
        "extra_metrics": [m for m in meta["metrics"] if m != meta["observe"]],
        "ensemble": meta["ensemble"],
        "hyperparameters": meta["hyperparameters"],
        "seed": meta["seed"],
    }


def held_out_split(bench: TableBenchmark, surrogate: Surrogate, seed: int) -> tuple[TrainingData, TrainingData]:
    """The card's training and test architectures: 80% / 20% of the isomorphism classes."""
    settings = _settings(surrogate)
    data = training_data(bench, [settings["metric"], *settings["extra_metrics"]], settings["fidelity"])
    train_pos, test_pos = split_by_class(bench.space, data.archs, seed)
    return _subset(data, train_pos), _subset(data, test_pos)


def held_out_card(bench: TableBenchmark, surrogate: Surrogate, seed: int = 0) -> dict[str, Any]:
    """Every held-out measure of the card for `surrogate`'s settings, refitted on 80% of the classes."""
    settings = _settings(surrogate)
    metric, others = settings["metric"], settings["extra_metrics"]
    info = bench.info.metrics[metric]
    maximize = info.maximize
    train, test = held_out_split(bench, surrogate, seed)
    model = _fit_rows(bench, train.rows, settings)
    predictions = model.predict_ensemble(test.archs)
    ensemble = predictions[metric]
    truth = test.means[metric]
    card: dict[str, Any] = {
        "split": {
            "by": "isomorphism class",
            "seed": seed,
            "train_archs": len(train.rows),
            "test_archs": len(test.rows),
        },
        "surrogate": ranking_metrics(truth, ensemble.mean(axis=0), info.unit, maximize),
        "other_metrics": {m: _other_metric(bench, m, test.means[m], predictions[m].mean(axis=0)) for m in others},
    }
    if metric in test.seeds:
        card["calibration"] = _calibration(model, test, metric, ensemble)
        card["noise_ceiling"] = {
            **noise_ceiling(test.seeds[metric]),
            **like_for_like(test.seeds[metric], ensemble.mean(axis=0)),
        }
    card["learning_curve"] = _learning_curve(bench, train, test, settings, seed)
    one_hot = _fit_plain_one_hot(bench, train, test, metric, surrogate.meta, seed)
    baselines = {"XGBoost on the plain encoding": one_hot, **_baselines(train, test, metric, seed)}
    card["baselines"] = {name: ranking_metrics(truth, p, info.unit, maximize) for name, p in baselines.items()}
    return card


def _calibration(model: Surrogate, test: TrainingData, metric: str, ensemble: np.ndarray) -> dict[str, Any]:
    """Coverage of the table's per-seed values by the predicted intervals, beside the seed noise's own."""
    seed_std = model.noise_std(test.archs)[metric]
    predictive = np.sqrt(seed_std**2 + ensemble.var(axis=0))
    around_table = coverage(test.seeds[metric], test.means[metric], seed_std)
    return {
        **coverage(test.seeds[metric], ensemble.mean(axis=0), predictive),
        **{f"seed_noise_{k}": v for k, v in around_table.items()},
        "mean_predicted_seed_std": float(seed_std.mean()),
        "mean_table_seed_std": _mean_seed_std(test.seeds[metric]),
    }


def _mean_seed_std(per_seed: np.ndarray) -> float | None:
    """The table's mean seed-to-seed standard deviation over architectures run at least twice."""
    twice = np.isfinite(per_seed).sum(axis=1) >= 2
    return float(np.nanstd(per_seed[twice], axis=1, ddof=1).mean()) if twice.any() else None


def _other_metric(bench: TableBenchmark, metric: str, truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Held-out measures of a cost or hardware metric, on the test architectures that have a value."""
    known = np.isfinite(truth)
    info = bench.info.metrics[metric]
    return ranking_metrics(truth[known], predicted[known], info.unit, info.maximize)


def _subset(data: TrainingData, positions: np.ndarray) -> TrainingData:
    return TrainingData(
        [data.archs[i] for i in positions],
        data.rows[positions],
        data.features[positions],
        {m: v[positions] for m, v in data.means.items()},
        {m: v[positions] for m, v in data.seeds.items()},
    )


def _learning_curve(
    bench: TableBenchmark, train: TrainingData, test: TrainingData, settings: dict[str, Any], seed: int
) -> list[dict[str, Any]]:
    """Kendall tau on the test classes for 100, 1,000 and all training architectures."""
    metric = settings["metric"]
    sizes = [n for n in CURVE_SIZES if n < len(train.rows)] + [len(train.rows)]
    rng = np.random.default_rng(seed)
    curve = []
    for n in sizes:
        rows = np.sort(rng.permutation(train.rows)[:n])
        predicted = _fit_rows(bench, rows, {**settings, "extra_metrics": ()}).predict(test.archs)[metric]
        tau = stats.kendalltau(test.means[metric], predicted).statistic
        curve.append({"train_archs": int(n), "kendall_tau": float(tau)})
    return curve


def _fit_plain_one_hot(
    bench: TableBenchmark, train: TrainingData, test: TrainingData, metric: str, meta: dict[str, Any], seed: int
) -> np.ndarray:
    """The same XGBoost on the space's plain encoding: what the derived features add."""
    model = xgb.XGBRegressor(**meta["hyperparameters"], random_state=seed, n_jobs=-1)
    model.fit(bench.space.encode_many(train.archs), train.means[metric])
    return np.asarray(model.predict(bench.space.encode_many(test.archs)))


def build_card(bench: TableBenchmark, surrogate: Surrogate, ranking_runs: int = 0, seed: int = 0) -> dict[str, Any]:
    """The held-out card and, with `ranking_runs`, the strategy-ranking check on a held-out refit."""
    from nasbench.fidelity.ranking import ranking_fidelity  # the runner and strategies: only when asked for
    from nasbench.surrogate.benchmark import SurrogateBenchmark

    card = held_out_card(bench, surrogate, seed)
    if ranking_runs:
        # The surrogate that searches has not seen the test classes, and every run is scored on the table.
        train, _ = held_out_split(bench, surrogate, seed)
        # On a partial table both searches stay among its rows, so every incumbent has a table score.
        held_out = SurrogateBenchmark(_fit_rows(bench, train.rows, _settings(surrogate)), space=bench.space)
        card["ranking"] = ranking_fidelity(bench, held_out, runs=ranking_runs, seed=seed)
        card["ranking"]["surrogate_fit"] = f"{len(train.rows)} training archs (the test classes held out)"
    return card
