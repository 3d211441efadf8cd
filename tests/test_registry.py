"""Finding and loading shipped benchmarks by name."""

from __future__ import annotations

import pytest

import nasbench
from nasbench.errors import UnknownName


def test_load_defaults_to_the_first_dataset() -> None:
    assert nasbench.load("nb201").info.dataset == "cifar10-valid"


def test_a_table_file_is_taken_as_a_str_or_a_path() -> None:
    from nasbench.registry import data_dir, load_table

    path = data_dir() / "macro.h5"
    by_path, by_text = nasbench.load(path), nasbench.load(str(path))
    assert by_path.query(7) == by_text.query(7) == nasbench.load("macro").query(7)
    assert load_table(path).query(7) == by_path.query(7)


def test_list_benchmarks() -> None:
    listed = {b["name"]: b for b in nasbench.list_benchmarks()}
    assert sorted(listed) == [
        "accel", "fcnet", "graph", "macro", "macro-proxies", "nb101", "nb201", "nb201-digits", "nb201-proxies", "nlp"
    ]  # fmt: skip
    nb201 = listed["nb201"]
    assert nb201["size"] == 15625
    assert list(nb201["datasets"]) == ["cifar10-valid", "cifar100", "imagenet16-120"]


def test_unknown_names() -> None:
    with pytest.raises(
        UnknownName,
        match="unknown benchmark 'x'; available: accel, fcnet, graph, macro, macro-proxies, nb101, nb201, "
        "nb201-digits, nb201-proxies, nlp",
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


def test_load_a_table_by_its_path(tmp_path) -> None:
    import shutil

    from nasbench.registry import data_dir

    copy = tmp_path / "my table.h5"
    shutil.copy(data_dir() / "nb101.h5", copy)
    bench = nasbench.load(str(copy))
    assert (bench.info.name, bench.info.size) == ("nb101", 1000)
    first = bench.table.archs()[0]
    assert nasbench.load(str(copy), dataset="cifar10").query(first) == nasbench.load("nb101").query(first)
    with pytest.raises(nasbench.TableFileError, match="table file not found: .*missing.h5"):
        nasbench.load(str(tmp_path / "missing.h5"))
    with pytest.raises(UnknownName, match="expected a table file ending in .h5 or a benchmark name, got './nb101'"):
        nasbench.load("./nb101")


def test_load_a_surrogate_by_its_path() -> None:
    from nasbench.registry import data_dir

    path = data_dir() / "surrogates" / "nb201-cifar10-valid.json"
    bench = nasbench.load(str(path), estimator="surrogate")
    assert (bench.info.name, bench.info.dataset) == ("nb201", "cifar10-valid")
    with pytest.raises(UnknownName, match="is a surrogate on dataset cifar10-valid, not on cifar100"):
        nasbench.load(str(path), dataset="cifar100", estimator="surrogate")


def test_one_bad_file_hides_no_other(tmp_path, monkeypatch, caplog) -> None:
    import shutil

    from nasbench.registry import data_dir, scan_benchmarks

    for name in ("nb101.h5", "macro.h5"):
        shutil.copy(data_dir() / name, tmp_path / name)
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    monkeypatch.setenv("NASBENCH_DATA", str(tmp_path))
    listed, problems = scan_benchmarks()
    assert [b["name"] for b in listed] == ["macro", "nb101"]
    assert len(problems) == 1 and f"cannot read table file {tmp_path / 'broken.h5'}" in problems[0]
    assert [b["name"] for b in nasbench.list_benchmarks()] == ["macro", "nb101"]
    assert "broken.h5" in caplog.text
