"""The Accel-NASBench table equals the 5,138 published JSON results."""

from __future__ import annotations

import numpy as np
import pytest

import nasbench
from nasbench.files import sha256_file
from nasbench.registry import data_dir
from nasbench.spaces.accel import ARCHS_FILE, AccelSpace
from scripts import convert_accel
from tests.conftest import raw_folder


@pytest.fixture(scope="module")
def raw_accel():
    return raw_folder("accel_nasbench")


def test_every_result_is_in_the_table(raw_accel) -> None:
    bench = nasbench.load("accel")
    space = AccelSpace()
    results = convert_accel.results(raw_accel)
    assert len(results) == 5138 and bench.info.size == 5125
    seen: dict[str, int] = {}
    for result in results:
        text = convert_accel.arch_string(space, result["architecture"])
        seed = seen.get(text, 0)
        seen[text] = seed + 1
        record = bench.query(text, seed=seed, metrics=["val_top1", "train_seconds", "throughput:a100"])
        assert record["val_top1"] == pytest.approx(result["metrics"]["val_top1"], rel=1e-12)
        assert record["train_seconds"] == pytest.approx(result["metrics"]["train_time"], rel=1e-12)
        a100 = result["platform_perf"]["throughput_a100"]["throughput_mean"]
        assert record["throughput:a100"] == pytest.approx(a100, rel=1e-12)
    assert sum(v == 2 for v in seen.values()) == 13


def test_missing_throughputs_stay_missing() -> None:
    bench = nasbench.load("accel")
    frame = bench.query_many(
        [bench.space.from_str(a) for a in ARCHS_FILE.read_text().split()], metrics=["throughput:tpuv3"]
    )
    assert 30 < int(np.isnan(frame["throughput:tpuv3"]).sum()) <= 44
    assert bench.info.observe == "val_top1" and bench.info.metrics["throughput:a100"].direction == "maximize"


def test_converter_is_deterministic_and_current(raw_accel, tmp_path) -> None:
    convert_accel.convert(raw_accel, tmp_path / "accel.h5", tmp_path / "archs.txt")
    assert sha256_file(tmp_path / "accel.h5") == sha256_file(data_dir() / "accel.h5")
    assert sha256_file(tmp_path / "archs.txt") == sha256_file(ARCHS_FILE)
