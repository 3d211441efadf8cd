"""`nasbench search`: the outputs of a tiny search on digits, an .npz of images, a CSV (the MLP space),
resuming from the cache, and every bad input refused in one line before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")

import nasbench  # noqa: E402
from nasbench.cli.main import main  # noqa: E402
from nasbench.results import ResultsFolder  # noqa: E402

TINY = ["--epochs", "1", "--channels", "2", "--cells", "1"]


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _search(out: Path, *args: str) -> int:
    return main(["search", *args, "--strategy", "rs", "--out", str(out), "--quiet"])


def test_a_search_writes_every_output_and_resumes(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert _search(out, "--data", "digits", "--budget", "3evals", *TINY) == 0
    printed = capsys.readouterr().out
    best = (out / "best.txt").read_text().strip()
    assert f"best architecture: {best}" in printed
    final = json.loads((out / "final.json").read_text())
    assert final["best_architecture"] == best and 0 <= final["test_score"] <= 100
    assert final["rows"] == {"search": 1437, "test": 360}
    model = torch.jit.load(str(out / "model.pt"))
    assert model(torch.zeros(5, 3, 8, 8)).shape == (5, 10)
    history = ResultsFolder(out / "history").load()
    assert len(history) == 3 and (history["mode"] == "real-time").all()
    assert (history["benchmark"] == str(out / "cache.h5")).all()  # what `nasbench report` opens
    assert not history["incumbent_held_out"].any()  # scored on the validation split it observed: not held out
    assert "on the validation split the search observes" in ResultsFolder(out / "history").read_settings()["scoring"]
    assert nasbench.load(str(out / "cache.h5")).info.size == len(set(history["arch"]))
    assert "test accuracy" in (out / "report.md").read_text() and (out / "anytime.png").exists()
    assert _search(out, "--data", "digits", "--budget", "3evals", *TINY) == 0  # resumes: the same winner
    assert (out / "best.txt").read_text().strip() == best


def test_a_csv_gets_the_mlp_space_and_an_npz_of_images_works(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 4))
    y = np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")
    csv = tmp_path / "train.csv"
    csv.write_text("a,b,c,d,label\n" + "\n".join(f"{r[0]},{r[1]},{r[2]},{r[3]},{t}" for r, t in zip(x, y, strict=True)))
    assert (
        _search(tmp_path / "tab", "--data", str(csv), "--target", "label", "--budget", "2evals", "--epochs", "1") == 0
    )
    assert json.loads((tmp_path / "tab" / "final.json").read_text())["space"] == "mlp"
    images = tmp_path / "images.npz"
    np.savez(images, X=rng.integers(0, 255, size=(60, 6, 6, 3), dtype=np.uint8), y=np.repeat([0, 1, 2], 20))
    assert _search(tmp_path / "img", "--data", str(images), "--budget", "1evals", *TINY) == 0


def test_cross_validation_records_the_mean_and_spread_over_folds(tmp_path: Path) -> None:
    out = tmp_path / "cv"
    assert _search(out, "--data", "digits", "--budget", "1evals", "--cv", "2", *TINY) == 0
    final = json.loads((out / "final.json").read_text())
    assert final["validation"]["std_over_folds"] >= 0 and "2-fold" in final["split"]
    folds = [nasbench.load(str(out / f"cache-fold{i}.h5")) for i in (1, 2)]
    arch = final["best_architecture"]
    mean = np.mean([f.query(arch)["valid_acc"] for f in folds])
    assert final["validation"]["mean"] == pytest.approx(mean)
    assert "mean and spread over folds" in (out / "report.md").read_text()


def _bad(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    rng = np.random.default_rng(0)
    one = tmp_path / "one.npz"
    np.savez(one, X=rng.normal(size=(20, 3)), y=np.zeros(20))
    nans = tmp_path / "nans.npz"
    np.savez(nans, X=np.full((20, 3), np.nan), y=np.repeat([0, 1], 10))
    lengths = tmp_path / "lengths.npz"
    np.savez(lengths, X=rng.normal(size=(20, 3)), y=np.repeat([0, 1], 5))
    csv = tmp_path / "t.csv"
    csv.write_text("a,b\n1,2\n")
    continuous = tmp_path / "continuous.npz"
    np.savez(continuous, X=rng.normal(size=(20, 3)), y=rng.normal(size=20))
    nan_target = tmp_path / "nan_target.npz"
    np.savez(nan_target, X=rng.normal(size=(20, 3)), y=np.r_[rng.normal(size=19), np.nan])
    csv_text = tmp_path / "text.csv"
    csv_text.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(20)))
    folder = tmp_path / "folder"
    for label, size in (("a", 4), ("b", 5)):
        from PIL import Image

        (folder / label).mkdir(parents=True)
        Image.fromarray(np.zeros((size, size, 3), dtype=np.uint8)).save(folder / label / "x.png")
    return {
        "one class": (["--data", str(one)], "expected at least 2 classes, got 1"),
        "NaNs": (["--data", str(nans)], "expected finite inputs, got 60 NaN"),
        "lengths": (["--data", str(lengths)], "expected as many labels as inputs, got 20 inputs and 10 labels"),
        "no target": (["--data", str(csv), "--target", "label"], "expected --target naming a column of t.csv"),
        "mixed sizes": (["--data", str(folder)], "expected images of one size, got 4x4 and 5x5"),
        "budget": (["--data", "digits", "--budget", "0.001s"], "expected a budget that affords one evaluation"),
        "metric": (
            ["--data", "digits", "--metric", "f1"],
            "expected --metric among accuracy, balanced_accuracy, log_loss, mse, mae",
        ),
        "continuous": (
            ["--data", str(continuous)],
            "expected class labels for a classification metric, got a continuous target (20 distinct values)",
        ),
        "NaN target": (["--data", str(nan_target), "--metric", "mse"], "expected a target without NaN"),
        "text target": (
            ["--data", str(csv_text), "--target", "b", "--metric", "mae"],
            "expected a numeric target for a regression metric",
        ),
        "space": (["--data", "digits", "--space", "mlp"], "expected --space among nb201, macro for image data"),
        "digits regression": (
            ["--data", "digits", "--metric", "mse"],
            "expected a classification metric for digits (10 classes), got a regression metric",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "one class", "NaNs", "lengths", "no target", "mixed sizes", "budget", "metric", "space", "continuous",
        "NaN target", "text target", "digits regression",
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, capsys, case: str) -> None:
    args, message = _bad(tmp_path)[case]
    out = tmp_path / "out"
    if "--budget" not in args:
        args = [*args, "--budget", "5evals"]
    assert _search(out, *args, *TINY) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_cache_of_another_protocol_is_refused_before_training(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert _search(out, "--data", "digits", "--budget", "1evals", *TINY) == 0
    before = sorted(p.name for p in out.iterdir())
    assert (
        _search(out, "--data", "digits", "--budget", "1evals", "--epochs", "2", "--channels", "2", "--cells", "1") == 2
    )
    assert "expected a cache table of protocol" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_regression_search_minimises_the_mse_and_reports_it_in_the_targets_units(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 3))
    y = 500.0 + 30.0 * x[:, 0] + rng.normal(size=100)
    csv = tmp_path / "houses.csv"
    csv.write_text("a,b,c,price\n" + "".join(f"{r[0]},{r[1]},{r[2]},{t}\n" for r, t in zip(x, y, strict=True)))
    out = tmp_path / "reg"
    assert _search(out, "--data", str(csv), "--target", "price", "--metric", "mse", "--budget", "2evals") == 0
    final = json.loads((out / "final.json").read_text())
    assert final["metric"] == "mse" and final["classes"] == [] and "shuffled" in final["split"]
    assert 0 < final["test_score"] < y.var()  # better than predicting the mean, in squared price units
    history = ResultsFolder(out / "history").load()
    assert set(history["observe_metric"]) == {"valid_loss"} and set(history["score_metric"]) == {"test_loss"}
    assert history["incumbent_observed"].iloc[-1] == history["observed"].min()
    table = nasbench.load(str(out / "cache.h5"))
    assert not table.info.metrics["valid_mae"].maximize and "valid_acc" not in table.info.metrics
    model = torch.jit.load(str(out / "model.pt"))
    with torch.no_grad():
        assert model(torch.zeros(4, 3)).shape == (4,) and abs(float(model(torch.zeros(1, 3))[0]) - 500.0) < 50.0


def test_balanced_accuracy_is_observed_and_scored(tmp_path: Path) -> None:
    out = tmp_path / "bacc"
    assert _search(out, "--data", "digits", "--metric", "balanced_accuracy", "--budget", "1evals", *TINY) == 0
    history = ResultsFolder(out / "history").load()
    assert set(history["observe_metric"]) == {"valid_bacc"} and set(history["score_metric"]) == {"test_bacc"}
    final = json.loads((out / "final.json").read_text())
    assert final["metric"] == "balanced_accuracy" and 0 <= final["test_score"] <= 100


@pytest.mark.slow
def test_a_multi_objective_search_reports_its_pareto_front(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mo"
    images = tmp_path / "images.npz"
    rng = np.random.default_rng(0)
    np.savez(images, X=rng.integers(0, 255, size=(60, 6, 6, 3), dtype=np.uint8), y=np.repeat([0, 1, 2], 20))
    args = ["--data", str(images), "--strategy", "mo-rs", "--budget", "4evals", "--objectives", "accuracy,latency"]
    assert main(["search", *args, *TINY, "--out", str(out), "--quiet"]) == 0
    assert "Pareto front (" in capsys.readouterr().out
    front = pd.read_csv(out / "front.csv")
    assert list(front.columns) == ["architecture", "valid_acc", "latency"] and len(front) >= 1
    assert (front["latency"] > 0).all() and front["valid_acc"].is_monotonic_decreasing
    assert front["latency"].is_monotonic_decreasing  # a front: more accurate costs more time
    history = ResultsFolder(out / "history").load()
    assert set(history["objectives"]) == {"valid_acc,latency"} and len(history) == 4
    evaluated = history[["objective_0", "objective_1"]].to_numpy()
    for acc, ms in front[["valid_acc", "latency"]].to_numpy():  # nothing evaluated dominates a front point
        assert not (
            (evaluated[:, 0] >= acc) & (evaluated[:, 1] <= ms) & ((evaluated[:, 0] > acc) | (evaluated[:, 1] < ms))
        ).any()
    assert json.loads((out / "final.json").read_text())["front"][0]["architecture"] == front["architecture"][0]
    assert (out / "best.txt").read_text().strip() == front["architecture"][0]  # the front's most accurate design
    table = nasbench.load(str(out / "cache.h5"))
    assert table.info.metrics["latency"].unit == "ms"  # kept: a resumed search reuses the measurements


@pytest.mark.parametrize(
    ("objectives", "strategy", "message"),
    [
        ("accuracy", "mo-rs", "expected --objectives as one of accuracy"),
        ("params,accuracy", "mo-rs", "expected --objectives as one of accuracy"),
        (
            "accuracy,params",
            "re",
            "expected a multi-objective --strategy (mo-rs, mo-re, nsga2 or parego) for "
            "--objectives accuracy,params, got re",
        ),
    ],
)
def test_bad_objectives_are_refused_in_one_line(tmp_path: Path, capsys, objectives: str, strategy: str, message: str):
    args = ["--data", "digits", "--strategy", strategy, "--budget", "2evals", "--objectives", objectives, *TINY]
    assert main(["search", *args, "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_both_export_formats_reload_and_predict_alike(tmp_path: Path) -> None:
    out = tmp_path / "both"
    images = tmp_path / "images.npz"
    rng = np.random.default_rng(0)
    np.savez(images, X=rng.integers(0, 255, size=(60, 6, 6, 3), dtype=np.uint8), y=np.repeat([0, 1, 2], 20))
    assert _search(out, "--data", str(images), "--budget", "1evals", "--export-format", "both", *TINY) == 0
    x = torch.from_numpy(rng.normal(size=(7, 3, 6, 6)).astype(np.float32))  # another batch size than exported
    exported = torch.export.load(str(out / "model.pt2")).module()
    scripted = torch.jit.load(str(out / "model.pt"))
    with torch.no_grad():
        torch.testing.assert_close(exported(x), scripted(x))
    assert _search(tmp_path / "bad", "--data", "digits", "--budget", "1evals", "--export-format", "onnx") == 2
