"""The NAS-Bench-Graph table equals the light release, dataset by dataset."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.files import sha256_file
from nasbench.registry import data_dir
from nasbench.tables.raw import load_plain_pickle
from scripts import convert_graph
from tests.conftest import raw_folder

FIELDS = {"valid_perf": "valid_perf", "perf": "test_perf", "latency": "latency", "para": "params"}


@pytest.fixture(scope="module")
def raw_graph():
    return raw_folder("nas_bench_graph")


@pytest.mark.parametrize("dataset", convert_graph.DATASETS)
def test_values_and_optimum_equal_the_raw_release(raw_graph, dataset: str) -> None:
    records = load_plain_pickle((raw_graph / f"{dataset}.bench").read_bytes(), allow_numpy_scalars=True)
    bench = nasbench.load("graph", dataset=dataset)
    archs = [bench.space.arch(i) for i in range(bench.space.size)]
    frame = bench.query_many(archs)
    assert len(frame) == len(records)
    for row, arch in enumerate(archs):
        record = records[arch.key]
        for field, metric in FIELDS.items():
            assert frame.iat[row, frame.columns.get_loc(metric)] == float(record[field])
    best = max(float(r["valid_perf"]) for r in records.values())
    assert frame["valid_perf"].max() == best


def test_proteins_is_the_five_layer_subset() -> None:
    bench = nasbench.load("graph", dataset="proteins")
    assert bench.space.size == 2021 and bench.space.ops == ("gcn", "sage", "arma", "fc", "skip")
    assert bench.info.seeds == ()


def test_converter_is_deterministic_and_current(raw_graph, tmp_path) -> None:
    convert_graph.convert(raw_graph, tmp_path / "graph.h5", tmp_path / "keys.npy")
    assert sha256_file(tmp_path / "graph.h5") == sha256_file(data_dir() / "graph.h5")
    from nasbench.spaces.graph import KEYS_FILE

    assert sha256_file(tmp_path / "keys.npy") == sha256_file(KEYS_FILE)
    assert np.load(KEYS_FILE).shape == (26206,)
