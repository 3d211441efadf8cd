"""Cross-validation of a live search: stratified folds (sizes, disjoint, covering, fixed by the seed) and
CrossValidated's record (mean over folds, spread of the observed metric, summed cost) from hand-made runs."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.live.benchmark import LiveBenchmark  # noqa: E402
from nasbench.live.crossval import CrossValidated  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.live.userdata import DataError, check_arrays, image_data, search_splits  # noqa: E402

DATA = check_arrays(np.arange(90.0).reshape(45, 2), np.repeat([0, 1, 2], 15), "toy")


def test_folds_are_stratified_disjoint_cover_the_rows_and_repeat_by_seed() -> None:
    rows = np.arange(45)
    folds = search_splits(DATA, rows, 3, seed=0)
    assert len(folds) == 3
    assert [len(valid) for _, valid in folds] == [15, 15, 15]
    assert all(np.bincount(DATA.y[valid]).tolist() == [5, 5, 5] for _, valid in folds)
    assert sorted(np.concatenate([valid for _, valid in folds]).tolist()) == rows.tolist()
    assert all(set(train).isdisjoint(valid) and len(train) + len(valid) == 45 for train, valid in folds)
    again, other = search_splits(DATA, rows, 3, seed=0), search_splits(DATA, rows, 3, seed=1)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again, strict=True))
    assert not all(np.array_equal(a[1], b[1]) for a, b in zip(folds, other, strict=True))
    with pytest.raises(DataError, match="expected at least 16 examples of every class for --cv 16, got 15"):
        search_splits(DATA, rows, 16, seed=0)


def fold(valid_acc: float, seconds: float, i: int) -> LiveBenchmark:
    train, valid = search_splits(DATA, np.arange(45), 2, seed=0)[i]
    data = image_data(DATA, train, valid, valid, f"toy-fold{i + 1}of2")
    bench = LiveBenchmark("mlp", data, get_protocol(None, "digits", 2), (0,), None, model_options={"features": 2})
    run = {name: [0.5, valid_acc] for name in ("valid_acc", "train_acc", "valid_bacc")}
    run |= {name: [1.0, 0.5] for name in ("valid_loss", "train_loss")}
    run |= {"train_seconds": [seconds / 2, seconds], "test_acc": [0.5], "test_loss": [0.5], "test_bacc": [0.5]}
    bench.runs["0011"] = {0: run}
    bench.counts_of("0011")  # parameters and FLOPs, counted without training (as after a real run)
    return bench


def test_the_record_is_the_mean_over_folds_with_its_spread_and_the_summed_cost() -> None:
    cv = CrossValidated([fold(0.75, 2.0, 0), fold(0.25, 4.0, 1)])
    record = cv.cached("0011")
    assert record is not None
    assert record["valid_acc"] == 0.5 and record["valid_acc_std"] == 0.25  # ddof 0: |0.75 - 0.25| / 2
    assert record["train_seconds"] == 6.0 and record["valid_loss"] == 0.5
    assert record["params"] == pytest.approx(((2 * 16 + 16) + (16 * 16 + 16) + (16 * 3 + 3)) / 1e6)
    assert cv.cached("0011", 1)["valid_acc"] == 0.5  # the first epoch
    assert cv.runs.keys() == {"0011"} and cv.missing("0011") == []
    assert cv.cached("0000") is None
    assert [(i, order.arch, order.epochs) for i, order in cv.missing("0000")] == [(0, "0000", 2), (1, "0000", 2)]
    lone = CrossValidated([fold(0.75, 2.0, 0), fold(0.25, 4.0, 1)])
    del lone.folds[1].runs["0011"]
    assert lone.cached("0011") is None and lone.runs == {}
    assert cv.data_sha256 == lone.data_sha256  # the same folds' data
    assert cv.data_sha256 != CrossValidated([fold(0.75, 2.0, 1), fold(0.25, 4.0, 0)]).data_sha256


@pytest.mark.parametrize(
    ("task", "observe", "score"),
    [
        ("classification", "valid_acc", "test_acc"),
        ("classification-balanced", "valid_bacc", "test_bacc"),
        ("classification-balanced", "valid_loss", "test_loss"),
        ("regression", "valid_loss", "test_loss"),
        ("regression", "valid_mae", "test_mae"),
    ],
)
def test_the_scored_metric_is_the_observed_one_on_test_also_across_folds(task: str, observe: str, score: str) -> None:
    arrays = check_arrays(np.arange(90.0).reshape(45, 2), np.repeat([0.0, 1.0, 2.0], 15), "toy", task=task)
    rows = np.arange(45)
    folds = []
    for i, (train, valid) in enumerate(search_splits(DATA, rows, 2, seed=0)):
        data = image_data(arrays, train, valid, valid, f"toy-fold{i + 1}of2")
        protocol = get_protocol(None, "digits", 2)
        folds.append(LiveBenchmark("mlp", data, protocol, (0,), None, model_options={"features": 2}, observe=observe))
    for bench in (folds[0], CrossValidated(folds)):
        info = bench.info
        assert (info.observe, info.score) == (observe, score)
        assert (info.score_metric(1), info.score_metric(2)) == (observe, score)
