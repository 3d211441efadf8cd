"""A plug-in strategy in a comparison: the same bytes on every backend, replayed and resumed from comparison.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nasbench.results import ResultsError
from nasbench.runner.compare import compare, run_comparison
from nasbench.runner.settings import Comparison

SMALL = {
    "bench": "nb201",
    "dataset": "cifar10-valid",
    "strategies": ["re", "examples.my_strategy:MyStrategy"],
    "hyperparameters": {"MyStrategy": {"temperature": 0.3}},
    "runs": 2,
    "budget": "30000s",
    "workers": 2,
    "quiet": True,
}


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("reference")
    compare(out=str(out), jobs=1, **SMALL)
    return files(out)


def test_comparison_json_records_path_version_and_hyperparameters(reference) -> None:
    settings = json.loads(reference["comparison.json"])
    assert settings["plugins"] == {"my-strategy": {"path": "examples.my_strategy:MyStrategy", "version": "0.1"}}
    assert settings["strategies"]["my-strategy"] == {"initial_samples": 10, "temperature": 0.3}
    assert {name for name in reference if name.startswith("runs/my-strategy/")} == {
        "runs/my-strategy/0000.parquet",
        "runs/my-strategy/0001.parquet",
    }


def test_two_processes_give_the_same_bytes(tmp_path, reference) -> None:
    compare(out=str(tmp_path), jobs=2, **SMALL)
    assert files(tmp_path) == reference


@pytest.mark.slow
def test_a_local_dask_cluster_imports_the_plugin_itself(tmp_path, reference) -> None:
    pytest.importorskip("distributed")
    compare(out=str(tmp_path), jobs=2, backend="dask", **SMALL)  # spawned workers: no registry of ours
    assert files(tmp_path) == reference


def test_replayed_and_resumed_from_comparison_json(tmp_path, reference) -> None:
    record = json.loads(reference["comparison.json"])
    replay = Comparison.from_record(record)
    half = tmp_path / "half"
    run_comparison(Comparison.from_record({**record, "runs": 1}), out=str(half), quiet=True)
    outcome = run_comparison(replay, out=str(half), quiet=True)
    assert (outcome.ran, outcome.reused) == (2, 2)
    assert files(half) == reference


@pytest.mark.slow
def test_a_local_ray_cluster_imports_the_plugin_itself(tmp_path, reference) -> None:
    pytest.importorskip("ray")
    compare(out=str(tmp_path), jobs=2, backend="ray", **SMALL)  # Ray's workers start with this sys.path
    assert files(tmp_path) == reference


def test_a_folder_of_another_plugin_version_is_not_resumed(tmp_path, reference) -> None:
    for name, content in reference.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    settings = json.loads(reference["comparison.json"])
    settings["plugins"]["my-strategy"]["version"] = "0.0"
    (tmp_path / "comparison.json").write_text(json.dumps(settings))
    with pytest.raises(ResultsError, match=r"holds my-strategy as \{'path': 'examples.my_strategy:MyStrategy', "):
        compare(out=str(tmp_path), **SMALL)
    assert json.loads((tmp_path / "comparison.json").read_text()) == settings  # left as it was
