"""The HDF5 table format: write, read, defaults, and every kind of bad file."""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest

from nasbench.errors import TableFileError, UnknownName
from nasbench.tables.format import (
    ESTIMATED,
    FAILED,
    FORMAT_VERSION,
    MEASURED,
    MISSING,
    Dataset,
    Metric,
    read_header,
    read_table,
    seed_mean,
    write_table,
)

ARCHS = ["a", "b", "c"]


def tiny_dataset(name: str = "toy") -> Dataset:
    """3 architectures x 2 seeds x 2 fidelities, with a missing and a failed run."""
    acc = np.array([[[50.0, 80.0], [52.0, 82.0]], [[40.0, np.nan], [41.0, np.nan]], [[60.0, 90.0], [np.nan, np.nan]]])
    status = np.where(np.isnan(acc), MISSING, MEASURED).astype(np.uint8)
    status[1, :, 1] = FAILED
    return Dataset(
        name,
        fidelities=[1, 10],
        seeds=[0, 1],
        observe="acc",
        score="acc",
        cost="secs",
        metrics=[
            Metric("acc", "%", "maximize", "accuracy", ("arch", "seed", "fidelity"), acc, status),
            Metric(
                "secs",
                "s",
                "minimize",
                "cost",
                ("arch", "fidelity"),
                np.array([[1.0, 10], [2, 20], [3, 30]]),
                kind="cost",
            ),
        ],
    )


@pytest.fixture
def tiny_table(tmp_path):
    path = tmp_path / "toy.h5"
    common = [Metric("latency:dev", "ms", "minimize", "latency", ("arch",), np.array([1.5, 2.5, 3.5]), kind="hardware")]
    write_table(path, {"benchmark": "toy", "space": "toy", "fidelity_unit": "epochs"}, ARCHS, [tiny_dataset()], common)
    return path


def test_round_trip(tiny_table) -> None:
    table = read_table(tiny_table, "toy")
    assert table.n_archs == 3 and table.archs() == ARCHS
    acc = table.metrics["acc"]
    assert acc.values.shape == (3, 2, 2)
    assert acc.values[0, 1, 1] == 82.0
    assert acc.status[1, 0, 1] == FAILED and acc.status[2, 1, 1] == MISSING
    assert acc.mean[0].tolist() == [51.0, 81.0]
    assert acc.mean[2].tolist() == [60.0, 90.0]  # the mean of the seeds that ran
    assert np.isnan(acc.mean[1, 1]) and acc.mean_status[1, 1] == FAILED
    secs = table.metrics["secs"]
    assert secs.values.shape == (3, 2, 2) and secs.values[1, 1, 1] == 20.0
    assert table.metrics["latency:dev"].mean[2].tolist() == [3.5, 3.5]
    assert list(table.metrics) == ["acc", "secs", "latency:dev"]


def test_header_without_arrays(tiny_table) -> None:
    meta, datasets = read_header(tiny_table)
    assert meta["benchmark"] == "toy" and meta["rows"] == 3
    assert datasets["toy"]["metrics"]["acc"]["direction"] == "maximize"
    assert datasets["toy"]["metrics"]["latency:dev"]["kind"] == "hardware"


def test_seed_mean_statuses() -> None:
    values = np.array([[[1.0], [3.0]], [[np.nan], [np.nan]], [[5.0], [np.nan]]])
    status = np.array([[[MEASURED], [ESTIMATED]], [[FAILED], [MISSING]], [[MEASURED], [MISSING]]], dtype=np.uint8)
    mean, mean_status = seed_mean(values, status)
    assert mean[0, 0] == 2.0 and mean_status[0, 0] == ESTIMATED
    assert np.isnan(mean[1, 0]) and mean_status[1, 0] == FAILED
    assert mean[2, 0] == 5.0 and mean_status[2, 0] == MEASURED


def test_unknown_dataset_lists_the_known_ones(tiny_table) -> None:
    with pytest.raises(UnknownName, match="unknown dataset 'nope'.*available: toy"):
        read_table(tiny_table, "nope")


def test_missing_file(tmp_path) -> None:
    with pytest.raises(TableFileError, match="table file not found"):
        read_table(tmp_path / "absent.h5", "toy")


def test_not_hdf5(tmp_path) -> None:
    path = tmp_path / "foreign.h5"
    path.write_text("this is a CSV,not,a table\n")
    with pytest.raises(TableFileError, match="truncated or not HDF5"):
        read_table(path, "toy")


def test_truncated(tiny_table) -> None:
    data = tiny_table.read_bytes()
    tiny_table.write_bytes(data[: len(data) // 2])
    with pytest.raises(TableFileError, match="truncated or not HDF5|damaged"):
        read_table(tiny_table, "toy")


def test_foreign_hdf5(tmp_path) -> None:
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as h5:
        h5["x"] = np.arange(3)
    with pytest.raises(TableFileError, match="not a nasbench table"):
        read_table(path, "toy")


def test_other_format_version(tiny_table) -> None:
    with h5py.File(tiny_table, "a") as h5:
        h5.attrs["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(TableFileError, match=f"format version {FORMAT_VERSION + 1}; this nasbench reads version 1"):
        read_table(tiny_table, "toy")


def test_damaged_structure(tiny_table) -> None:
    with h5py.File(tiny_table, "a") as h5:
        del h5["datasets/toy/acc/status"]
    with pytest.raises(TableFileError, match="damaged"):
        read_table(tiny_table, "toy")


def test_failed_write_leaves_nothing(tmp_path) -> None:
    path = tmp_path / "bad.h5"
    bad = tiny_dataset()
    bad.metrics[0].values = bad.metrics[0].values[:2]  # wrong number of architectures
    bad.metrics[0].status = None
    with pytest.raises(TableFileError, match=r"expected shape \(3, 2, 2\), got \(2, 2, 2\)"):
        write_table(path, {"benchmark": "bad"}, ARCHS, [bad])
    assert list(tmp_path.iterdir()) == []


def test_failed_overwrite_keeps_the_old_file(tiny_table) -> None:
    before = tiny_table.read_bytes()
    with pytest.raises(TableFileError, match="expected a kind among"):
        write_table(
            tiny_table,
            {"benchmark": "toy"},
            ARCHS,
            [],
            [Metric("x", "", "minimize", "", ("arch",), np.zeros(3), kind="nonsense")],
        )
    assert tiny_table.read_bytes() == before
    assert [p.name for p in tiny_table.parent.iterdir()] == ["toy.h5"]


def test_axes_must_be_ordered(tmp_path) -> None:
    metric = Metric("m", "", "minimize", "", ("seed", "arch"), np.zeros((2, 3)))
    with pytest.raises(TableFileError, match="expected axes ordered like"):
        write_table(tmp_path / "x.h5", {}, ARCHS, [], [metric])


def test_writing_twice_gives_the_same_bytes(tmp_path) -> None:
    for name in ("one.h5", "two.h5"):
        write_table(tmp_path / name, {"benchmark": "toy"}, ARCHS, [tiny_dataset()])
    assert (tmp_path / "one.h5").read_bytes() == (tmp_path / "two.h5").read_bytes()


def test_values_beyond_float32_stay_float64_without_a_warning(tmp_path) -> None:
    path = tmp_path / "big.h5"
    huge = Metric("synflow", "", "maximize", "score", ("arch",), np.array([1e40, 2.0, 3.5]), kind="hardware")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        meta = {"benchmark": "toy", "space": "toy", "fidelity_unit": "epochs"}
        write_table(path, meta, ARCHS, [tiny_dataset()], [huge])
    table = read_table(path, "toy")
    assert table.metrics["synflow"].mean[0, 0] == 1e40
