"""NASClassifier: scikit-learn's estimator contract on a tiny search (iris: the mlp space; digits images:
NAS-Bench-201), the applicable `sklearn.utils.estimator_checks` that need no training, export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402
from sklearn.utils import estimator_checks as checks  # noqa: E402

import nasbench  # noqa: E402
from nasbench.runner.simulation import COLUMNS  # noqa: E402


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_the_facade_exports_it_lazily() -> None:
    from nasbench.live.estimator import NASClassifier

    assert nasbench.NASClassifier is NASClassifier


def test_fit_predict_score_and_the_fitted_attributes(tmp_path: Path) -> None:
    x, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = nasbench.NASClassifier(budget="2evals", epochs=2, random_state=0, out=str(tmp_path / "run"))
    assert clf.fit(x, names) is clf
    assert list(clf.classes_) == ["setosa", "versicolor", "virginica"]
    assert set(clf.predict(x)) <= set(clf.classes_) and clf.predict_proba(x).shape == (150, 3)
    assert 0.0 <= clf.score(x, names) <= 1.0 and 0.0 <= clf.test_score_ <= 100.0
    assert isinstance(clf.search_history_, pd.DataFrame) and set(COLUMNS) <= set(clf.search_history_.columns)
    assert clf.best_architecture_ in set(clf.search_history_["arch"])
    model = torch.jit.load(str(clf.export(tmp_path / "model.pt")))
    x0 = torch.from_numpy(((x[:4] - clf.mean_) / clf.std_).astype(np.float32))
    assert torch.equal(model(x0).argmax(1), torch.from_numpy(np.searchsorted(clf.classes_, clf.predict(x[:4]))))
    again = clone(clf).set_params(out=str(tmp_path / "again")).fit(x, names)  # same random_state: same search
    assert again.best_architecture_ == clf.best_architecture_


def test_parameters_are_stored_and_nothing_else() -> None:
    clf = nasbench.NASClassifier(budget="5m", random_state=3)
    assert clf.get_params()["budget"] == "5m" and clf.set_params(strategy="rs").strategy == "rs"
    with pytest.raises(NotFittedError):
        clf.predict(np.zeros((2, 4)))
    name = "NASClassifier"
    for check in (
        checks.check_no_attributes_set_in_init,
        checks.check_parameters_default_constructible,
        checks.check_get_params_invariance,
        checks.check_set_params,
        checks.check_estimators_unfitted,
        checks.check_estimator_repr,
    ):
        check(name, clone(clf))


def test_bad_data_is_refused_before_any_training() -> None:
    clf = nasbench.NASClassifier(budget="1evals")
    with pytest.raises(nasbench.NasbenchError, match="expected at least 2 classes"):
        clf.fit(np.zeros((20, 3)), np.zeros(20))
    with pytest.raises(nasbench.NasbenchError, match="expected --cv K with K >= 2 folds, got 1"):
        nasbench.NASClassifier(cv=1).fit(*load_iris(return_X_y=True))
