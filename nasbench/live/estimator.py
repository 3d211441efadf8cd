"""`NASClassifier`: a live architecture search behind scikit-learn's estimator contract.

Owns the estimator API only (the work is `nasbench.live.search`): parameters stored by `__init__`
and nothing else; `fit(X, y)` searches (a stratified test split held out, a hold-out validation
split of the rest), retrains the winner on train + validation and scores it on the test split
(`test_score_`), then retrains it on all of `X` for `predict`; `random_state` seeds the splits and
the search. X: (N, features) tabular data (the `mlp` space) or images (N, H, W[, C]) (nb201 or
macro), scaled as `nasbench.live.userdata` documents. Files (history, cache, report) go to `out`,
or to a fresh temporary folder.

Not offered: a `NASRegressor` (the trainer minimises cross-entropy only; regression needs an MSE
protocol).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from nasbench.live.search import SearchSettings, search
from nasbench.live.userdata import check_arrays, image_data, inputs, standardiser


class NASClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Search a network for (X, y) in real time, then classify with it.

    Args:
        space: nb201 or macro for images, mlp for tabular data (None: nb201 / mlp).
        strategy: a search strategy of `nasbench.strategies` (default re).
        budget: real time ('10m', '600s') or evaluations ('20evals').
        cv: K-fold cross-validation during the search (None: one stratified hold-out split).
        metric: accuracy or log_loss: what the search observes on the validation split.
        epochs: training epochs per evaluation (default 12).
        workers: training processes during the search.
        model_options: the network builder's options (e.g. NB201's channels, cells).
        device: cpu, cuda, cuda:N or mps.
        random_state: seeds the splits and the search.
        out: folder for the history, cache and report (None: a temporary folder).
        verbose: print a progress line per evaluation.
    """

    def __init__(
        self,
        space: str | None = None,
        strategy: str = "re",
        budget: str = "10m",
        cv: int | None = None,
        metric: str = "accuracy",
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

    def fit(self, X: Any, y: Any) -> NASClassifier:
        """Search, score the winner on a held-out test split, then retrain it on all of (X, y)."""
        X, y = validate_data(self, X, y, allow_nd=True, dtype="numeric")  # scikit-learn's own messages first
        check_classification_targets(y)
        data = check_arrays(X, y, "estimator")
        settings = SearchSettings(
            data="arrays",
            space=self.space,
            strategy=self.strategy,
            budget=str(self.budget),
            cv=self.cv,
            metric=self.metric,
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
        self.classes_ = data.classes
        self.input_shape_ = tuple(int(n) for n in data.x.shape[1:])
        self.best_architecture_ = found.best
        self.test_score_ = found.test_score
        self.search_history_ = found.history
        self.out_ = out
        return self

    def _logits(self, X: Any) -> torch.Tensor:
        check_is_fitted(self, "model_")
        x = (inputs(validate_data(self, X, reset=False, allow_nd=True, dtype="numeric")) - self.mean_) / self.std_
        with torch.no_grad():
            return self.model_.eval()(torch.from_numpy(x.astype(np.float32)))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of `classes_`."""
        return torch.softmax(self._logits(X), dim=1).numpy().astype(np.float64)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        best = self._logits(X).argmax(1).numpy()
        return self.classes_[best]

    def export(self, path: str | Path) -> Path:
        """Write the fitted network as TorchScript (`torch.jit.load`; takes standardised inputs, see `mean_`)."""
        from nasbench.live.export import save_torchscript

        check_is_fitted(self, "model_")
        return save_torchscript(self.model_, torch.zeros((2, *self.input_shape_)), path)


def _train_final(plan: Any, arch: str, data: Any) -> torch.nn.Module:
    """`arch` trained on every row under the search's protocol (seed 0)."""
    from nasbench.live.models import build_model
    from nasbench.live.train import train_until

    protocol = plan.protocol
    _, state = train_until(plan.bench.space_name, arch, data, protocol, 0, protocol.epochs, **plan.options)
    model = build_model(plan.bench.space_name, arch, data.num_classes, **plan.options)
    model.load_state_dict(state.model)
    return model.eval()
