"""`NASClassifier` and `NASRegressor`: a live architecture search behind scikit-learn's estimator contract.

Owns the estimator API only (the work is `nasbench.live.search`): parameters stored by `__init__`
and nothing else; `fit(X, y)` searches (a test split held out, stratified for classification; a
hold-out validation split of the rest), retrains the winner on train + validation and scores it on
the test split (`test_score_`), then retrains it on all of `X` for `predict`; `random_state` seeds
the splits and the search. X: (N, features) tabular data (the `mlp` space) or images (N, H, W[, C])
(nb201 or macro), scaled as `nasbench.live.userdata` documents. Files (history, cache, report) go to
`out`, or to a fresh temporary folder.

`NASRegressor` trains one output with the mean squared error on the target standardised by the
training rows (`nasbench.live.tasks`); `metric` is mse or mae (both minimised); `predict` gives the
target in its own units and `score` is R^2 (scikit-learn's regressor contract).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from nasbench.live.search import SearchSettings, search
from nasbench.live.tasks import Rescaled
from nasbench.live.userdata import UserData, check_arrays, image_data, inputs, standardiser


class _NASEstimator(BaseEstimator):  # type: ignore[misc]
    """What both estimators share: the parameters, the search, the final network, export."""

    _metric = "accuracy"

    def __init__(
        self,
        space: str | None = None,
        strategy: str = "re",
        budget: str = "10m",
        cv: int | None = None,
        metric: str | None = None,
        epochs: int | None = None,
        workers: int = 1,
        model_options: dict[str, Any] | None = None,
        device: str = "cpu",
        random_state: int = 0,
        out: str | None = None,
        verbose: bool = False,
    ) -> None:
        self.space = space
        self.strategy = strategy
        self.budget = budget
        self.cv = cv
        self.metric = metric
        self.epochs = epochs
        self.workers = workers
        self.model_options = model_options
        self.device = device
        self.random_state = random_state
        self.out = out
        self.verbose = verbose

    def _search(self, data: UserData) -> None:
        """Search, score the winner on a held-out test split, then retrain it on all of `data`."""
        settings = SearchSettings(
            data="arrays",
            space=self.space,
            strategy=self.strategy,
            budget=str(self.budget),
            cv=self.cv,
            metric=self.metric or self._metric,
            epochs=self.epochs,
            workers=self.workers,
            seed=int(self.random_state),
            model_options=dict(self.model_options or {}),
            device=self.device,
        )
        out = Path(self.out) if self.out is not None else Path(tempfile.mkdtemp(prefix="nasbench-search-"))
        found = search(settings, out, quiet=not self.verbose, data=data)
        assert found.plan is not None
        rows = np.arange(len(data.y))
        everything = image_data(data, rows, rows[:0], rows, "estimator")
        everything.valid = everything.train
        self.mean_, self.std_ = standardiser(data.x)
        self.model_ = _train_final(found.plan, found.best, everything)
        self.input_shape_ = tuple(int(n) for n in data.x.shape[1:])
        self.best_architecture_ = found.best
        self.test_score_ = found.test_score
        self.search_history_ = found.history
        self.out_ = out

    def _outputs(self, X: Any) -> torch.Tensor:
        check_is_fitted(self, "model_")
        x = (inputs(validate_data(self, X, reset=False, allow_nd=True, dtype="numeric")) - self.mean_) / self.std_
        with torch.no_grad():
            return self.model_.eval()(torch.from_numpy(x.astype(np.float32)))

    def export(self, path: str | Path) -> Path:
        """Write the fitted network: TorchScript for a `.pt` file (`torch.jit.load`), a `torch.export` program
        for a `.pt2` file (`torch.export.load(path).module()`); it takes standardised inputs (see `mean_`)."""
        from nasbench.live.export import save_network

        check_is_fitted(self, "model_")
        return save_network(self.model_, torch.zeros((2, *self.input_shape_)), path)


class NASClassifier(ClassifierMixin, _NASEstimator):
    """Search a network for (X, y) in real time, then classify with it.

    Args:
        space: nb201 or macro for images, mlp for tabular data (None: nb201 / mlp).
        strategy: a search strategy of `nasbench.strategies` (default re).
        budget: real time ('10m', '600s') or evaluations ('20evals').
        cv: K-fold cross-validation during the search (None: one stratified hold-out split).
        metric: accuracy (None), balanced_accuracy or log_loss: what the search observes on the validation split.
        epochs: training epochs per evaluation (default 12).
        workers: training processes during the search.
        model_options: the network builder's options (e.g. NB201's channels, cells).
        device: cpu, cuda, cuda:N or mps.
        random_state: seeds the splits and the search.
        out: folder for the history, cache and report (None: a temporary folder).
        verbose: print a progress line per evaluation.
    """

    def fit(self, X: Any, y: Any) -> NASClassifier:
        """Search, score the winner on a held-out test split, then retrain it on all of (X, y)."""
        X, y = validate_data(self, X, y, allow_nd=True, dtype="numeric")  # scikit-learn's own messages first
        check_classification_targets(y)
        data = check_arrays(X, y, "estimator")
        self._search(data)
        self.classes_ = data.classes
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of `classes_`."""
        return torch.softmax(self._outputs(X), dim=1).numpy().astype(np.float64)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        best = self._outputs(X).argmax(1).numpy()
        return self.classes_[best]


class NASRegressor(RegressorMixin, _NASEstimator):
    """Search a network for (X, y) with a continuous target in real time, then predict with it.

    Args are `NASClassifier`'s, except `metric`: mse (None) or mae, what the search minimises on the
    validation split; folds and splits are shuffled, not stratified. `predict` gives the target in its
    own units; `score` is R^2; `export` writes the network with the target's scale folded in.
    """

    _metric = "mse"

    def fit(self, X: Any, y: Any) -> NASRegressor:
        """Search, score the winner on a held-out test split, then retrain it on all of (X, y)."""
        X, y = validate_data(self, X, y, allow_nd=True, dtype="numeric", y_numeric=True)
        self._search(check_arrays(X, y, "estimator", task="regression"))
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The predicted target of each row, in the target's units."""
        return self._outputs(X).numpy().astype(np.float64)


def _train_final(plan: Any, arch: str, data: Any) -> torch.nn.Module:
    """`arch` trained on every row under the search's protocol (seed 0)."""
    from nasbench.live.models import build_model
    from nasbench.live.train import train_until

    protocol = plan.protocol
    _, state = train_until(plan.bench.space_name, arch, data, protocol, 0, protocol.epochs, **plan.options)
    model: torch.nn.Module = build_model(plan.bench.space_name, arch, data.num_classes, **plan.options)
    model.load_state_dict(state.model)
    if data.task == "regression":
        model = Rescaled(model, data.target_mean, data.target_std)
    return model.eval()
