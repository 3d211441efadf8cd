"""Finding and loading shipped benchmarks by name."""

from __future__ import annotations

import pytest

import nasbench
from nasbench.errors import UnknownName


def test_load_defaults_to_the_first_dataset() -> None:
    assert nasbench.load("nb201").info.dataset == "cifar10-valid"


def test_list_benchmarks() -> None:
    listed = {b["name"]: b for b in nasbench.list_benchmarks()}
    assert sorted(listed) == ["accel", "fcnet", "graph", "macro", "nb101", "nb201", "nb201-digits", "nlp"]
    nb201 = listed["nb201"]
    assert nb201["size"] == 15625
    assert list(nb201["datasets"]) == ["cifar10-valid", "cifar100", "imagenet16-120"]


def test_unknown_names() -> None:
    with pytest.raises(
        UnknownName,
        match="unknown benchmark 'x'; available: accel, fcnet, graph, macro, nb101, nb201, nb201-digits, nlp",
    ):
        nasbench.load("x")
    with pytest.raises(UnknownName, match="unknown dataset 'mnist'"):
        nasbench.load("nb201", dataset="mnist")
    with pytest.raises(UnknownName, match="unknown estimator 'oracle'; available: table"):
        nasbench.load("nb201", estimator="oracle")


def test_errors_are_value_errors() -> None:
    with pytest.raises(ValueError):
        nasbench.load("x")


def test_data_dir_override(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NASBENCH_DATA", str(tmp_path))
    assert nasbench.list_benchmarks() == []
    with pytest.raises(UnknownName, match="available: none"):
        nasbench.load("nb201")


def test_load_a_surrogate_by_estimator() -> None:
    bench = nasbench.load("nb201", dataset="cifar10-valid", estimator="surrogate")
    assert bench.info.name == "nb201" and bench.data_sha256 != nasbench.load("nb201").data_sha256
    assert nasbench.load("nb201", estimator="surrogate").info.dataset == "cifar10-valid"  # the table's first
