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


# The checks that do not apply to NASRegressor, and why (the others pass; see the test below).
REGRESSOR_CHECKS_NOT_APPLYING = {
    "check_methods_subset_invariance": (
        "a float32 network: a batch's size changes the matrix kernels' rounding at the 1e-7 level, and the "
        "check's tolerance is 1e-7 (predictions differ by about 5e-7)"
    ),
}


@pytest.mark.slow
def test_the_regressor_facade_and_scikit_learns_estimator_checks() -> None:
    from nasbench.live.estimator import NASRegressor

    assert nasbench.NASRegressor is NASRegressor
    regressor = nasbench.NASRegressor(budget="1evals", epochs=1, random_state=0)
    results = checks.check_estimator(regressor, expected_failed_checks=REGRESSOR_CHECKS_NOT_APPLYING, on_fail=None)
    failed = {r["check_name"]: str(r["exception"]) for r in results if r["status"] == "failed"}
    assert failed == {}
    assert sum(r["status"] == "passed" for r in results) >= 45
    assert {r["check_name"] for r in results if r["status"] == "xfail"} == set(REGRESSOR_CHECKS_NOT_APPLYING)


def test_the_regressor_predicts_in_the_targets_units_and_exports(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4))
    y = 1000.0 + 50.0 * x[:, 0] - 20.0 * x[:, 1] + rng.normal(size=120)
    reg = nasbench.NASRegressor(budget="2evals", epochs=6, metric="mae", random_state=0, out=str(tmp_path / "run"))
    reg.fit(x, y)
    history = reg.search_history_
    assert set(history["observe_metric"]) == {"valid_mae"} and set(history["score_metric"]) == {"test_mae"}
    assert history["incumbent_observed"].iloc[-1] == history["observed"].min()  # an error: the least is best
    assert reg.score(x, y) > 0.5 and abs(reg.predict(x).mean() - 1000.0) < 20.0  # the target's own units
    assert 0.0 < reg.test_score_ < np.abs(y - y.mean()).mean()  # test MAE beats predicting the mean
    model = torch.jit.load(str(reg.export(tmp_path / "model.pt")))
    x0 = torch.from_numpy(((x[:5] - reg.mean_) / reg.std_).astype(np.float32))
    np.testing.assert_allclose(model(x0).detach().numpy(), reg.predict(x[:5]), rtol=1e-6)
    program = torch.export.load(str(reg.export(tmp_path / "model.pt2"))).module()  # torch.export beside TorchScript
    with torch.no_grad():
        np.testing.assert_allclose(program(x0).numpy(), reg.predict(x[:5]), rtol=1e-6)


@pytest.mark.parametrize(
    ("estimator", "y", "message"),
    [
        ("NASRegressor", np.r_[np.arange(19.0), np.nan], "Input y contains NaN"),
        ("NASRegressor", np.full(20, 3.0), "expected a target that varies, got the single value 3"),
        ("NASClassifier", np.linspace(0, 1, 20), "Unknown label type: continuous"),
    ],
)
def test_bad_targets_are_refused_before_any_training(tmp_path: Path, estimator: str, y: np.ndarray, message: str):
    with pytest.raises(ValueError, match=message):
        getattr(nasbench, estimator)(budget="1evals", out=str(tmp_path / "out")).fit(np.zeros((20, 3)), y)
    assert not (tmp_path / "out").exists()
