"""The xarray view of a table (`TableBenchmark.to_xarray`): what query answers, named axes, the missing extra."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from nasbench.errors import NasbenchError
from nasbench.registry import load


def test_to_xarray_holds_what_query_answers(c10) -> None:
    pytest.importorskip("xarray")
    array = c10.to_xarray()
    assert array.dims == ("architecture", "seed", "fidelity", "metric")
    assert array.shape == (15625, 4, 2, 5)
    assert list(array.seed.values) == [0, 1, 2, "mean"] and list(array.fidelity.values) == [12, 200]
    rng = np.random.default_rng(0)
    checked = 0
    for row in rng.integers(15625, size=40).tolist():
        arch = c10.space.to_str(c10.space.arch(row))
        for fidelity, seed in [(200, None), (200, 0), (200, 1), (12, None)]:
            record = c10.query(row, fidelity=fidelity, seed=seed) if seed is None or row % 7 else None
            if record is None:
                continue
            for metric, value in record.items():
                got = float(
                    array.sel(
                        architecture=arch, seed="mean" if seed is None else seed, fidelity=fidelity, metric=metric
                    )
                )
                assert got == value or (np.isnan(got) and np.isnan(value))
                checked += 1
    assert checked > 400
    assert array.sel(metric="valid_acc").attrs == {} or array.attrs["benchmark"] == "nb201"
    assert list(array.unit.values) == [c10.info.metrics[m].unit for m in array.metric.values]


def test_to_xarray_of_a_table_without_seeds_and_without_xarray(monkeypatch) -> None:
    pytest.importorskip("xarray")
    nb101 = load("nb101")
    array = nb101.to_xarray(metrics=["valid_acc"])
    assert list(array.seed.values) == ["mean"] and array.shape == (1000, 1, 4, 1)
    text = nb101.table.archs()[7]
    value = nb101.query(nb101.space.from_str(text), fidelity=36)["valid_acc"]
    assert float(array.sel(architecture=text, seed="mean", fidelity=36, metric="valid_acc")) == value
    monkeypatch.setitem(sys.modules, "xarray", None)  # as where the extra is not installed
    with pytest.raises(NasbenchError, match=r"needs xarray: pip install 'nasbench\[xarray\]'"):
        nb101.to_xarray()
