"""`nasbench compare --config FILE` and plug-ins on the command line: replay, overrides, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasbench.cli.main import main

PLUGIN = "examples.my_strategy:MyStrategy"
FLAGS = ["--bench", "nb201", "--dataset", "cifar10-valid", "--budget", "20000s", "--workers", "2", "--quiet"]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def nasbench(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("first")
    args = [*FLAGS, "--strategies", f"re,{PLUGIN}", "--set", "MyStrategy.temperature=0.3", "--runs", "2"]
    assert main(["compare", *args, "--out", str(out)]) == 0
    return out


def test_comparison_json_replays_byte_identically(tmp_path, first, capsys) -> None:
    config = str(first / "comparison.json")
    code, _, err = nasbench(capsys, "compare", "--config", config, "--out", str(tmp_path), "--quiet")
    assert (code, err) == (0, "")
    assert files(tmp_path) == files(first)


def test_a_yaml_file_with_flags_on_top_gives_the_same_run(tmp_path, first, capsys) -> None:
    config = tmp_path / "nb201.yaml"
    config.write_text(
        "benchmark: nb201\ndataset: cifar10-valid\nbudget: 20000s\nworkers: 2\nruns: 1\n"
        f"strategies:\n  re: {{}}\n  {PLUGIN}: {{temperature: 0.9}}\n"
    )
    out = tmp_path / "out"
    argv = ["--config", str(config), "--runs", "2", "--set", "my-strategy.temperature=0.3", "--quiet"]
    code, _, err = nasbench(capsys, "compare", *argv, "--out", str(out))
    assert (code, err) == (0, "")
    assert files(out) == files(first)  # --runs and --set won over the file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("benchmark: nb201\nbudgett: 20s\n", r"unknown key 'budgett' in .*; valid keys: benchmark, dataset, estima"),
        ("benchmark: nb201\nbudget: [20s\n", r"expected YAML in .*, got a syntax error"),
        ("- nb201\n", r"expected a mapping of settings in .*, got list"),
        ("benchmark: nb201\nbudget: 20000s\nruns: ten\nstrategies: [rs]\n", r"expected runs as an integer, got 'ten'"),
        ("benchmark: nb201\nbudget: 20000s\n", r"expected --strategies or a --config file with 'strategies'"),
        (
            "benchmark: nb201\nbudget: 20000s\nstrategies: [my-strategy]\n"
            f"plugins:\n  my-strategy: {{path: '{PLUGIN}', version: '0.0'}}\n",
            r"expected examples.my_strategy:MyStrategy version 0.0 \(recorded for my-strategy\), got 0.1 installed",
        ),
        (
            "benchmark: nb201\nbudget: 20000s\nstrategies: [rs]\ndata_sha256: abc\n",
            r"expected the table recorded in the config \(sha256 abc...\), got .*: the data changed",
        ),
    ],
)
def test_a_bad_config_is_refused_in_one_line_and_writes_nothing(tmp_path, capsys, text: str, message: str) -> None:
    config, out = tmp_path / "bad.yaml", tmp_path / "out"
    config.write_text(text)
    code, _, err = nasbench(capsys, "compare", "--config", str(config), "--out", str(out))
    assert code == 2
    assert err.startswith("nasbench: error: ") and err.count("\n") == 1
    assert __import__("re").search(message, err), err
    assert not out.exists()


def test_a_bad_plugin_on_the_command_line_is_one_line(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    argv = [*FLAGS, "--strategies", "re,my_pkg.search:MyStrategy", "--out", str(out)]
    code, _, err = nasbench(capsys, "compare", *argv)
    assert code == 2
    assert err == (
        "nasbench: error: cannot import strategy 'my_pkg.search:MyStrategy': "
        "ModuleNotFoundError: No module named 'my_pkg'\n"
    )
    assert not out.exists()


def test_a_json_config_takes_the_same_keys(tmp_path, first, capsys) -> None:
    record = json.loads((first / "comparison.json").read_text())
    config = tmp_path / "c.json"
    config.write_text(json.dumps({key: record[key] for key in ("benchmark", "budget", "strategies", "plugins")}))
    argv = ["--config", str(config), "--runs", "1", "--quiet", "--out", str(tmp_path / "o")]
    code, _, err = nasbench(capsys, "compare", *argv)
    assert (code, err) == (0, "")
    again = json.loads((tmp_path / "o" / "comparison.json").read_text())
    assert again["strategies"] == record["strategies"] and again["plugins"] == record["plugins"]


@pytest.mark.parametrize(
    "settings",
    [
        {"strategies": ["mo-rs"], "objectives": "valid_acc,latency:raspi4", "constraints": ["params<=1.0"]},
        {
            "strategies": ["hyperband", "rs"],
            "fidelity": 12,
            "pin_fidelity": True,
            "transfer_to": ["cifar100"],
            "overhead_seconds": 1.5,
            "root_seed": 3,
        },
    ],
)
def test_every_setting_replays_from_comparison_json(tmp_path, capsys, settings: dict) -> None:
    from nasbench.runner.compare import compare

    first, again = tmp_path / "first", tmp_path / "again"
    compare(out=str(first), bench="nb201", runs=1, budget="20000s", quiet=True, **settings)
    code, _, err = nasbench(
        capsys, "compare", "--config", str(first / "comparison.json"), "--out", str(again), "--quiet"
    )
    assert (code, err) == (0, "")
    assert files(again) == files(first)


def test_a_mistyped_set_on_a_plugin_is_refused(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    argv = [*FLAGS, "--strategies", PLUGIN, "--set", "MyStrategy.temperature=hot", "--out", str(out)]
    code, _, err = nasbench(capsys, "compare", *argv)
    assert (code, err) == (2, "nasbench: error: hyperparameter temperature of my-strategy expects float, got 'hot'\n")
    assert not out.exists()
