"""XGBoost surrogates: fit, predictions, seed noise, file format, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nasbench
from nasbench.errors import InvalidArchitecture, NasbenchError, UnknownName
from nasbench.surrogate.model import (
    Surrogate,
    SurrogateFileError,
    _hashed_normal,
    fit_surrogate,
    load_surrogate,
    training_data,
)

SMALL = {"n_estimators": 40}


@pytest.fixture(scope="module")
def surrogate(c10) -> Surrogate:
    return fit_surrogate(c10, hyperparameters=SMALL, extra_metrics=["params"])


def test_predictions_follow_the_table(c10, surrogate) -> None:
    rows = np.arange(0, 15625, 7)
    archs = [c10.space.arch(int(i)) for i in rows]
    predicted = surrogate.predict(archs)
    truth = c10.query_many(rows, metrics=["valid_acc", "train_seconds", "params"])
    assert set(predicted) == {"valid_acc", "train_seconds", "params"}
    for metric in predicted:
        r = np.corrcoef(predicted[metric], truth[metric].to_numpy())[0, 1]
        assert r > 0.9, metric
    assert surrogate.trained_on(archs[:5]).all()


def test_one_model_per_metric_and_an_ensemble_for_the_observed_one(surrogate) -> None:
    assert [len(surrogate.models[m]) for m in surrogate.metrics] == [3, 1, 1]
    spread = surrogate.predict_ensemble(["|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|none~1|none~2|"])
    assert spread["valid_acc"].shape == (3, 1) and np.ptp(spread["valid_acc"]) > 0


def test_draws_are_reproducible_and_spread_like_the_table(c10, surrogate) -> None:
    archs = [c10.space.arch(i) for i in range(0, 15625, 5)]
    first, again, other = surrogate.draw(archs, 777), surrogate.draw(archs, 777), surrogate.draw(archs, 888)
    assert np.array_equal(first["valid_acc"], again["valid_acc"])
    assert not np.array_equal(first["valid_acc"], other["valid_acc"])
    assert np.array_equal(first["train_seconds"], surrogate.predict(archs)["train_seconds"])  # no noise on cost
    data = training_data(c10, ["valid_acc"], 200, rows=np.arange(0, 15625, 5))
    table_std = np.nanstd(data.seeds["valid_acc"], axis=1, ddof=1).mean()
    drawn_std = np.std(first["valid_acc"] - other["valid_acc"]) / np.sqrt(2)
    assert 0.5 * table_std < drawn_std < 2.5 * table_std


def test_hashed_normal_is_standard_normal() -> None:
    z = _hashed_normal(np.arange(200_000, dtype=np.uint64), seed=3)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    assert not np.array_equal(z, _hashed_normal(np.arange(200_000, dtype=np.uint64), seed=4))


def test_save_load_round_trip(c10, surrogate, tmp_path) -> None:
    path = surrogate.save(tmp_path / "s.json")
    loaded = load_surrogate(path)
    archs = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|none~0|none~1|none~2|"]
    for metric, values in surrogate.predict(archs).items():
        assert np.array_equal(values, loaded.predict(archs)[metric])
    assert np.array_equal(surrogate.draw(archs, 5)["valid_acc"], loaded.draw(archs, 5)["valid_acc"])
    meta = json.loads(path.read_text())["meta"]
    assert meta["training_data_sha256"] == c10.data_sha256
    assert {"xgboost", "nasbench", "numpy"} <= set(meta["versions"])
    assert b"pickle" not in path.read_bytes()


def test_some_metrics_are_those_of_all(c10, surrogate) -> None:
    archs = [c10.space.arch(i) for i in range(0, 15625, 311)]
    every, some = surrogate.predict(archs), surrogate.predict(archs, ["params"])
    assert list(some) == ["params"] and np.array_equal(some["params"], every["params"])
    drawn, drawn_some = surrogate.draw(archs, 7), surrogate.draw(archs, 7, ["valid_acc"])
    assert list(drawn_some) == ["valid_acc"] and np.array_equal(drawn_some["valid_acc"], drawn["valid_acc"])


def test_nothing_overwritten_without_force(surrogate, tmp_path) -> None:
    path = tmp_path / "s.json"
    path.write_text("keep me")
    with pytest.raises(NasbenchError, match="exists; pass --force"):
        surrogate.save(path)
    assert path.read_text() == "keep me"
    surrogate.save(path, force=True)
    load_surrogate(path)


def test_damaged_foreign_and_other_version_files(surrogate, tmp_path) -> None:
    good = surrogate.save(tmp_path / "good.json")
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(SurrogateFileError, match="truncated or foreign"):
        load_surrogate(truncated)
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": 1}')
    with pytest.raises(SurrogateFileError, match="not a nasbench surrogate"):
        load_surrogate(foreign)
    document = json.loads(good.read_text())
    document["meta"]["format_version"] = 99
    other = tmp_path / "other.json"
    other.write_text(json.dumps(document))
    with pytest.raises(SurrogateFileError, match="format 1 .*version 99"):
        load_surrogate(other)
    document["meta"]["format_version"] = 1
    document["meta"]["space"] = "nb999"
    other.write_text(json.dumps(document))
    with pytest.raises(SurrogateFileError, match="space this version does not know"):
        load_surrogate(other)
    document["meta"]["space"] = "nb201"
    document["models"]["valid_acc"][0] = "bm90IGEgbW9kZWw="
    other.write_text(json.dumps(document))
    with pytest.raises(SurrogateFileError, match="damaged"):
        load_surrogate(other)
    with pytest.raises(SurrogateFileError, match="not found"):
        load_surrogate(tmp_path / "absent.json")
    with pytest.raises(SurrogateFileError, match="cannot read"):
        load_surrogate(tmp_path)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.update(meta=[1]), "not a nasbench surrogate"),
        (lambda d: d.update(models=[]), "damaged"),
        (lambda d: d["meta"].pop("training_classes"), "damaged .*training_classes"),
        (lambda d: d["models"].pop("params"), "damaged .*boosters for valid_acc, train_seconds, metadata for"),
        (lambda d: d["noise_models"].clear(), r"damaged .*noise models for \[\], metadata for \['valid_acc'\]"),
    ],
)
def test_inconsistent_files_are_named(surrogate, tmp_path, damage, message: str) -> None:
    document = json.loads(surrogate.save(tmp_path / "good.json").read_text())
    damage(document)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    with pytest.raises(SurrogateFileError, match=message):
        load_surrogate(broken)


def test_a_surrogate_for_another_space_refuses_its_architectures(surrogate) -> None:
    with pytest.raises(InvalidArchitecture):
        surrogate.predict(["02012100"])
    with pytest.raises(InvalidArchitecture):
        surrogate.predict(["|bogus~0|+|none~0|none~1|+|none~0|none~1|none~2|"])


def test_fitting_needs_the_metric_and_fidelity(c10) -> None:
    with pytest.raises(UnknownName, match="unknown metric 'top1'.*available: valid_acc"):
        fit_surrogate(c10, metric="top1")
    with pytest.raises(UnknownName, match="fidelity 50 not in"):
        fit_surrogate(c10, fidelity=50)
    with pytest.raises(UnknownName, match="'test_acc' .* has values at fidelity 12, not 200"):
        fit_surrogate(c10, metric="test_acc")
    with pytest.raises(NasbenchError, match="at least 10 architectures"):
        fit_surrogate(c10, rows=np.arange(5), hyperparameters=SMALL)


def test_a_fidelity_without_seeds_gives_a_surrogate_without_noise(c10) -> None:
    surrogate = fit_surrogate(c10, fidelity=12, hyperparameters=SMALL)
    arch = c10.space.arch(123)
    assert surrogate.meta["noise"] == {} and surrogate.meta["fidelity"] == 12
    assert surrogate.draw([arch], 777)["valid_acc"] == surrogate.predict([arch])["valid_acc"]
    assert abs(surrogate.predict([arch])["valid_acc"][0] - c10.query(arch, fidelity=12)["valid_acc"]) < 5


def test_a_tabulated_table_gives_a_surrogate_of_the_whole_space() -> None:
    bench = nasbench.load("nb101")
    surrogate = fit_surrogate(bench, hyperparameters=SMALL)
    assert bench.space.tabulated and not surrogate.space.tabulated
    outside = surrogate.space.sample(np.random.default_rng(1))
    assert not surrogate.trained_on([outside])[0]
    assert np.isfinite(surrogate.predict([outside])["valid_acc"]).all()
