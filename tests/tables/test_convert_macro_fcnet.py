"""The NAS-Bench-Macro and FCNet tables equal their raw sources; optima; converters are deterministic."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

import nasbench
from nasbench.files import sha256_file
from nasbench.registry import data_dir
from scripts import convert_fcnet, convert_macro
from tests.conftest import raw_folder


@pytest.fixture(scope="module")
def raw_macro():
    return raw_folder("nas_bench_macro")


@pytest.fixture(scope="module")
def raw_fcnet():
    return raw_folder("fcnet")


def test_macro_values_equal_the_raw_json(raw_macro) -> None:
    records = json.loads((raw_macro / convert_macro.RAW_FILE).read_text())
    bench = nasbench.load("macro")
    per_seed = [bench.query_many(np.arange(bench.info.size), seed=s) for s in (0, 1, 2)]
    mean = bench.query_many(np.arange(bench.info.size))
    for row in range(bench.info.size):
        record = records[str(bench.space.arch(row))]
        assert [f.iat[row, 0] for f in per_seed] == record["test_acc"]
        assert mean.at[row, "params"] == record["params"] and mean.at[row, "flops"] == record["flops"]
        assert mean.at[row, "test_acc"] == pytest.approx(record["mean_acc"], abs=1e-4)


def test_macro_optimum() -> None:
    # The raw release's best mean test accuracy: 93.13 %, shared by 22212202 and 22212220.
    bench = nasbench.load("macro")
    frame = bench.query_many(np.arange(6561))
    assert round(frame["test_acc"].max(), 2) == 93.13
    best = frame.index[frame["test_acc"] == frame["test_acc"].max()]
    assert {str(bench.space.arch(int(i))) for i in best} == {"22212202", "22212220"}


@pytest.mark.parametrize("dataset", convert_fcnet.DATASETS)
def test_fcnet_values_equal_the_raw_pickles(raw_fcnet, dataset: str) -> None:
    with open(raw_fcnet / f"{dataset}.pkl", "rb") as handle:
        records = pickle.load(handle)
    bench = nasbench.load("fcnet", dataset=dataset)
    frames = [bench.query_many(np.arange(bench.info.size), seed=s) for s in range(4)]
    arrays = {m: np.stack([f[m].to_numpy() for f in frames], axis=1) for m in ("valid_loss", "train_seconds", "params")}
    keys = [str(bench.space.arch(i)) for i in range(bench.info.size)]
    for name, field in (("valid_loss", "val_loss"), ("train_seconds", "train_time"), ("params", "model_size")):
        raw = np.array([records[k][field] for k in keys])
        assert np.array_equal(arrays[name], raw), name


def test_fcnet_optima(raw_fcnet) -> None:
    for dataset in convert_fcnet.DATASETS:
        with open(raw_fcnet / f"{dataset}.pkl", "rb") as handle:
            records = pickle.load(handle)
        best_raw = min(np.mean(v["val_loss"]) for v in records.values())
        frame = nasbench.load("fcnet", dataset=dataset).query_many(np.arange(62208))
        assert frame["valid_loss"].min() == pytest.approx(best_raw, rel=1e-12)


@pytest.mark.parametrize(
    ("module", "raw_name", "file"),
    [(convert_macro, "nas_bench_macro", "macro.h5"), (convert_fcnet, "fcnet", "fcnet.h5")],
)
def test_converters_are_deterministic_and_shipped_files_current(tmp_path, module, raw_name: str, file: str) -> None:
    raw = raw_folder(raw_name)
    module.convert(raw, tmp_path / file)
    assert sha256_file(tmp_path / file) == sha256_file(data_dir() / file)


def test_provenance_in_the_files() -> None:
    for name in ("macro", "fcnet"):
        (entry,) = [b for b in nasbench.list_benchmarks() if b["name"] == name]
        assert entry["provenance"][0]["license"] == "Apache-2.0"
        assert all(len(sha) == 64 for sha in entry["provenance"][0]["files"].values())


def test_key_order_check_catches_a_permuted_dump() -> None:
    keys = ["000000000", "100000000", "000000001"]
    convert_fcnet.check_key_order(keys, np.array([[1.0], [1.0], [2.0]]))
    with pytest.raises(SystemExit, match="key order"):
        convert_fcnet.check_key_order(keys, np.array([[1.0], [3.0], [2.0]]))
