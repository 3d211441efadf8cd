"""The cache table of a LiveBenchmark: a hand-made set of runs written and read back exactly (no training),
the rewrite is atomic (a failing write leaves the old table and no temporary file), another build's
table is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import h5py  # noqa: E402

from nasbench.live.benchmark import CacheMismatch, LiveBenchmark  # noqa: E402
from nasbench.live.cache import read_cache, write_cache  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.live.userdata import check_arrays, image_data  # noqa: E402
from nasbench.tables.format import MEASURED, MISSING, read_table  # noqa: E402

EPOCHS = 3
ROOT = Path(__file__).resolve().parents[2]


def tabular(seed: int = 0):
    rng = np.random.default_rng(seed)
    data = check_arrays(rng.normal(size=(40, 4)), np.repeat([0, 1], 20), "toy")
    rows = np.arange(40)
    return image_data(data, rows[:20], rows[20:30], rows[30:], "toy")


def bench(cache: Path, data=None, epochs: int = EPOCHS) -> LiveBenchmark:
    protocol = get_protocol(None, "digits", epochs)
    return LiveBenchmark("mlp", data or tabular(), protocol, (0, 1), cache, model_options={"features": 4})


def run(epochs: int, complete: bool) -> dict[str, list[float]]:
    """A run by hand: values exactly representable in float32, so the round trip is exact."""
    curves = {name: [0.25 * (e + 1) for e in range(epochs)] for name in ("valid_acc", "train_acc", "valid_bacc")}
    curves |= {name: [2.0 - 0.5 * e for e in range(epochs)] for name in ("valid_loss", "train_loss")}
    curves["train_seconds"] = [1.5 * (e + 1) for e in range(epochs)]
    return curves | ({"test_acc": [0.75], "test_loss": [0.5], "test_bacc": [0.5]} if complete else {})


RUNS = {"0011": {0: run(EPOCHS, True), 1: run(1, False)}, "5500": {0: run(2, False)}}


def test_a_cache_table_round_trips_the_runs_and_loads_as_a_table(tmp_path: Path) -> None:
    writer = bench(tmp_path / "cache.h5")
    writer.runs = {a: dict(s) for a, s in RUNS.items()}
    writer.write()
    reader = bench(tmp_path / "cache.h5")  # reads the table on construction
    assert reader.runs == RUNS
    assert reader.counts["0011"] == pytest.approx(writer.counts_of("0011"))
    params = (4 * 16 + 16) + (16 * 16 + 16) + (16 * 2 + 2)  # "0011": 16 and 16 units (tanh), 2 classes
    assert reader.counts["0011"][0] == pytest.approx(params / 1e6)
    table = read_table(tmp_path / "cache.h5", "toy")
    assert list(table.archs()) == ["0011", "5500"]  # the space's index order
    status = table.metrics["valid_acc"].status  # (arch, seed, epoch): measured where reached, missing beyond
    assert status[0, 0].tolist() == [MEASURED] * 3 and status[0, 1].tolist() == [MEASURED, MISSING, MISSING]
    assert status[1, 0].tolist() == [MEASURED, MEASURED, MISSING] and (status[1, 1] == MISSING).all()
    assert reader.cached("0011", None, 0)["test_acc"] == 0.75
    assert reader.cached("0011") is None  # seed 1 stopped after one epoch
    assert reader.cached("5500", 2, 0)["valid_acc"] == 0.5


def test_a_failing_rewrite_leaves_the_old_table_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache.h5"
    first = bench(cache)
    first.runs = {"0011": {0: run(EPOCHS, True)}}
    first.write()
    before = cache.read_bytes()
    calls = []
    real = h5py.Group.create_dataset

    def fail_midway(self, *args, **kwargs):  # a disk filling up after some of the table is written
        calls.append(args)
        if len(calls) > 3:
            raise OSError("no space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(h5py.Group, "create_dataset", fail_midway)
    first.runs = {a: dict(s) for a, s in RUNS.items()}
    with pytest.raises(OSError, match="no space"):
        write_cache(first, first.runs)
    assert len(calls) > 3
    assert cache.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.h5"]


def test_a_cache_of_another_build_or_other_data_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cache.h5"
    writer = bench(cache)
    writer.runs = {"0011": {0: run(EPOCHS, True)}}
    writer.write()
    with pytest.raises(CacheMismatch, match="expected a cache table of protocol"):
        bench(cache, epochs=EPOCHS + 1)
    with pytest.raises(CacheMismatch, match="expected a cache table of these toy data"):
        bench(cache, data=tabular(seed=1))
    foreign = bench(tmp_path / "absent.h5")
    foreign.cache = ROOT / "data" / "macro.h5"  # a converted table: no build record
    with pytest.raises(CacheMismatch, match="expected a cache table written by nasbench"):
        read_cache(foreign)
    assert foreign.runs == {}
