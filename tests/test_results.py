"""The results folder: settings, finished runs, damaged files, other comparisons."""

from __future__ import annotations

import struct

import pandas as pd
import pyarrow.parquet as pq
import pytest

from nasbench.results import ResultsError, ResultsFolder

SETTINGS = {
    "benchmark": "nb201",
    "dataset": "cifar10-valid",
    "budget": "10evals",
    "workers": 1,
    "root_seed": 0,
    "fidelity": None,
    "overhead_seconds": 0.0,
    "data_sha256": "abc",
    "strategies": {"rs": {}},
    "runs": 2,
    "code_version": "0",
}


def test_prepare_then_merge_more_strategies_and_runs(tmp_path) -> None:
    folder = ResultsFolder(tmp_path / "out")
    folder.prepare(SETTINGS)
    folder.prepare({**SETTINGS, "strategies": {"re": {"population_size": 10}}, "runs": 5})
    settings = folder.read_settings()
    assert settings["strategies"] == {"re": {"population_size": 10}, "rs": {}} and settings["runs"] == 5


@pytest.mark.parametrize(
    ("key", "value"),
    [("budget", "20evals"), ("dataset", "cifar100"), ("root_seed", 1), ("workers", 8), ("data_sha256", "def")],
)
def test_another_comparison_is_refused(tmp_path, key: str, value: object) -> None:
    folder = ResultsFolder(tmp_path)
    folder.prepare(SETTINGS)
    before = folder.settings_path.read_bytes()
    with pytest.raises(ResultsError, match=f"holds another comparison \\({key} is"):
        folder.prepare({**SETTINGS, key: value})
    assert folder.settings_path.read_bytes() == before


def test_other_hyperparameters_are_refused(tmp_path) -> None:
    folder = ResultsFolder(tmp_path)
    folder.prepare({**SETTINGS, "strategies": {"re": {"population_size": 10}}})
    with pytest.raises(ResultsError, match="holds re with other hyperparameters"):
        folder.prepare({**SETTINGS, "strategies": {"re": {"population_size": 20}}})


def test_foreign_folder_is_refused(tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ResultsError, match="is not a nasbench results folder"):
        ResultsFolder(tmp_path).prepare(SETTINGS)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_damaged_settings(tmp_path) -> None:
    (tmp_path / "comparison.json").write_text("{not json")
    with pytest.raises(ResultsError, match="damaged"):
        ResultsFolder(tmp_path).read_settings()
    (tmp_path / "comparison.json").write_text('{"format": "nasbench-results", "format_version": 7}')
    with pytest.raises(ResultsError, match="not nasbench results format 1"):
        ResultsFolder(tmp_path).read_settings()


def test_runs_round_trip_and_damage_is_reported(tmp_path) -> None:
    folder = ResultsFolder(tmp_path)
    folder.prepare(SETTINGS)
    assert not folder.is_done("rs", 0)
    frame = pd.DataFrame({"strategy": ["rs", "rs"], "run": [0, 0], "eval": [0, 1], "observed": [1.0, 2.0]})
    folder.write_run("rs", 0, frame)
    assert folder.is_done("rs", 0)
    pd.testing.assert_frame_equal(folder.load(), frame)
    folder.run_path("rs", 1).write_bytes(b"PAR1 truncated")
    with pytest.raises(ResultsError, match="0001.parquet is damaged"):
        folder.is_done("rs", 1)


def test_a_changed_value_that_still_decodes_is_found_by_the_page_checksum(tmp_path) -> None:
    folder = ResultsFolder(tmp_path)
    folder.prepare(SETTINGS)
    value = 1234.5678901234  # neither the column's minimum nor its maximum: its bytes are in the data page only
    folder.write_run("rs", 0, pd.DataFrame({"eval": [0, 1, 2], "observed": [1.0, value, 2000.0]}))
    path = folder.run_path("rs", 0)
    data = bytearray(path.read_bytes())
    at = data.index(struct.pack("<d", value))  # stored as written: eight incompressible bytes
    data[at] ^= 1  # the last bit of the mantissa: still a valid page, a different number
    path.write_bytes(bytes(data))
    assert pq.read_table(path)["observed"][1].as_py() != value  # without the checksum: read back, silently wrong
    with pytest.raises(ResultsError, match="0000.parquet is damaged"):
        folder.is_done("rs", 0)
    with pytest.raises(ResultsError, match="0000.parquet is damaged"):
        folder.load()


def test_load_of_an_empty_folder(tmp_path) -> None:
    folder = ResultsFolder(tmp_path)
    folder.prepare(SETTINGS)
    with pytest.raises(ResultsError, match="holds no finished run"):
        folder.load()
