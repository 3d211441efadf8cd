"""The `nasbench` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

EXAMPLE = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"


def nasbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nasbench.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_list() -> None:
    result = nasbench("list")
    assert result.returncode == 0, result.stderr
    for text in [
        "nb201",
        "cifar10-valid",
        "cifar100",
        "imagenet16-120",
        "valid_acc",
        "maximize",
        "12, 200 epochs",
        "MIT",
        "architectures: 15625",
        "raspi4",
    ]:
        assert text in result.stdout
    listed = {b["name"]: b for b in json.loads(nasbench("list", "--json").stdout)}
    assert listed["nb201"]["size"] == 15625 and listed["macro"]["size"] == 6561 and listed["fcnet"]["size"] == 62208
    assert listed["nb201"]["rows"] == 15625 and listed["nb201-digits"]["rows"] < 15625


def test_list_says_how_much_of_the_space_a_partial_table_holds(tmp_path) -> None:
    from nasbench.registry import table_path

    # A frozen copy: a build-table may extend data/nb201-digits.h5 between the two commands (it rewrites the table
    # after each architecture), and the text and JSON would then list different row counts.
    env = _with_table(tmp_path, None)
    shutil.copy(table_path("nb201-digits"), tmp_path / "data" / "nb201-digits.h5")
    rows = json.loads(nasbench("list", "--json", env=env).stdout)[0]["rows"]
    assert 0 < rows < 15625
    assert f"architectures: {rows} of the space's 15,625" in nasbench("list", env=env).stdout


def test_query_table() -> None:
    result = nasbench("query", "nb201", EXAMPLE, "--dataset", "cifar10-valid")
    assert result.returncode == 0, result.stderr
    assert "valid_acc" in result.stdout and "91.5533" in result.stdout and "mean over seeds" in result.stdout


def test_query_columns_fit_the_longest_unit() -> None:
    arch = "|skip_connect~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"  # a built row
    result = nasbench("query", "nb201-digits", arch)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^flops +[0-9.]+ +MFLOPs +minimize$", result.stdout, re.M), result.stdout


def test_query_json_by_index() -> None:
    result = nasbench("query", "nb201", "1234", "--dataset", "cifar100", "--fidelity", "12", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["index"] == 1234 and payload["fidelity"] == 12 and payload["dataset"] == "cifar100"
    assert set(payload["metrics"]) == {"valid_acc", "test_acc", "train_seconds", "params", "latency"}


def test_query_all_and_metric() -> None:
    every = json.loads(nasbench("query", "nb201", "7", "--all", "--json").stdout)
    assert len(every["metrics"]) == 4 + 27
    one = json.loads(nasbench("query", "nb201", "7", "--metric", "latency:pixel3", "--json").stdout)
    assert list(one["metrics"]) == ["latency:pixel3"]


COMPARE = ["compare", "--bench", "nb201", "--runs", "1", "--budget", "5evals", "--out", "/nonexistent/never-written"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "nb201", ""], "expected a NAS-Bench-201 string"),
        (["query", "nb201", "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"], "unknown operation 'conv'"),
        (["query", "nb201", "|none~0|+|none~0|none~1|"], "expected 3 nodes"),
        (["query", "nb201", "|none~0|,|none~0|none~1|,|none~0|none~1|none~2|"], "expected 3 nodes"),
        (["query", "nb201", "15625"], "expected an index in 0..15624"),
        (
            ["query", "nb999", "1"],
            "unknown benchmark 'nb999'; available: accel, fcnet, graph, macro, macro-proxies, nb101, nb201",
        ),
        (["query", "nb201", "1", "--dataset", "cifar11"], "unknown dataset 'cifar11'"),  # cifar10: an alias
        (["query", "nb201", "1", "--fidelity", "50"], "fidelity 50 not in nb201/cifar10-valid"),
        (["query", "nb201", "1", "--train-seed", "7"], "seed 7 not in"),
        (["query", "nb201", "1", "--seed", "0"], "expected --train-seed 0 for a training seed"),
        (["list", "nb201", "nb101", "--rows"], "expected one benchmark name with --rows, got 2"),
        (["query", "/nonexistent/table.h5", "1"], "table file not found: /nonexistent/table.h5"),
        (["query", "nb201", "1", "--metric", "test_acc"], "has values at fidelity 12, not at 200"),
        ([*COMPARE, "--strategies", "nsga2", "--objectives", "valid_acc,latency:pixle3"], "available: valid_acc"),
        ([*COMPARE, "--strategies", "rs", "--constraint", "latency:raspi4<=0.001"], "no architecture of nb201"),
        ([*COMPARE, "--strategies", "rs", "--constraint", "latency:raspi4 =< 10"], "expected a constraint like"),
        ([*COMPARE, "--strategies", "rs", "--objectives", "valid_acc,pixel3"], "expected a multi-objective strategy"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    result = nasbench(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr


def _with_table(tmp_path, content: bytes | None) -> dict[str, str]:
    folder = tmp_path / "data"
    folder.mkdir()
    if content is not None:
        (folder / "nb201.h5").write_bytes(content)
    return {"NASBENCH_DATA": str(folder)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "unknown benchmark 'nb201'; available: none"),
        (b"not hdf5 at all", "truncated or not HDF5"),
        ("truncated", "truncated or not HDF5"),
    ],
)
def test_bad_data_files(tmp_path, content, message: str) -> None:
    from nasbench.registry import table_path

    if content == "truncated":
        content = table_path("nb201").read_bytes()[:100_000]
    result = nasbench("query", "nb201", "1", env=_with_table(tmp_path, content))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_other_format_version(tmp_path) -> None:
    import h5py

    from nasbench.registry import table_path

    env = _with_table(tmp_path, None)
    copy = tmp_path / "data" / "nb201.h5"
    shutil.copy(table_path("nb201"), copy)
    with h5py.File(copy, "a") as h5:
        h5.attrs["format_version"] = 99
    result = nasbench("query", "nb201", "1", env=env)
    assert result.returncode == 2 and "format version 99; this nasbench reads version 1" in result.stderr


def test_usage_errors_exit_non_zero() -> None:
    assert nasbench().returncode == 2
    assert nasbench("query").returncode == 2
    assert nasbench("query", "nb201", "1", "--fidelity", "twelve").returncode == 2


def test_list_names_a_bad_file_and_lists_the_others(tmp_path) -> None:
    from nasbench.registry import table_path

    env = _with_table(tmp_path, b"not hdf5 at all")
    shutil.copy(table_path("nb101"), tmp_path / "data" / "nb101.h5")
    result = nasbench("list", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stdout.startswith("nb101: NAS-Bench-101")
    assert result.stderr.count("\n") == 1
    bad = tmp_path / "data" / "nb201.h5"
    assert f"left out 1 unreadable table file(s): cannot read table file {bad}" in result.stderr
    assert [b["name"] for b in json.loads(nasbench("list", "--json", env=env).stdout)] == ["nb101"]


def test_list_says_none_for_tables_without_seeds() -> None:
    result = nasbench("list", "graph")
    assert result.returncode == 0, result.stderr
    assert "seeds none; observe valid_perf" in result.stdout and "seeds ;" not in result.stdout


def test_list_rows_of_a_partial_table_and_query_one() -> None:
    rows = nasbench("list", "nb101", "--rows").stdout.splitlines()
    assert len(rows) == 1000 and len(set(rows)) == 1000
    assert json.loads(nasbench("list", "nb101", "--rows", "--json").stdout) == rows
    result = nasbench("query", "nb101", rows[0], "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["arch"] == rows[0]


def test_query_a_table_file_by_path(tmp_path) -> None:
    from nasbench.registry import table_path

    copy = tmp_path / "mine.h5"
    shutil.copy(table_path("nb201"), copy)
    by_path = nasbench("query", str(copy), EXAMPLE, "--json")
    assert by_path.returncode == 0, by_path.stderr
    assert json.loads(by_path.stdout) == json.loads(nasbench("query", "nb201", EXAMPLE, "--json").stdout)


def test_query_one_training_seed() -> None:
    result = json.loads(nasbench("query", "nb201", "9930", "--train-seed", "1", "--json").stdout)
    assert result["seed"] == 1 and result["metrics"]["valid_acc"] == pytest.approx(91.476, abs=1e-3)
    assert "--train-seed" in nasbench("query", "--help").stdout
