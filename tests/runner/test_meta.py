"""The meta-learning task protocol: source tasks resolved and checked, only their data handed over, reproducible."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from nasbench.benchmark.meta import MetaInfo
from nasbench.errors import NasbenchError, UnknownName
from nasbench.registry import opened
from nasbench.runner.compare import compare
from nasbench.runner.meta import ALL_OTHERS, MetaError, check_same_space, meta_info, source_datasets
from nasbench.runner.settings import Comparison, SettingsError
from nasbench.runner.simulation import Budget, RunSpec, Simulation

GRAPH = ["cora", "citeseer", "pubmed", "cs", "physics", "photo", "computers", "arxiv", "proteins"]


def test_all_others_is_every_other_dataset_of_the_table() -> None:
    assert source_datasets("graph", "cora", [ALL_OTHERS]) == tuple(GRAPH[1:])
    assert source_datasets("nb201", "cifar100", [ALL_OTHERS]) == ("cifar10-valid", "imagenet16-120")
    assert source_datasets("graph", "cora", ["pubmed", "cs"]) == ("pubmed", "cs")


@pytest.mark.parametrize(
    ("meta_from", "error", "message"),
    [
        (["cora"], MetaError, "expected source tasks other than the target, got 'cora'"),
        (["pubmed", "mnist"], UnknownName, "unknown source task 'mnist' of graph; available: cora, citeseer"),
        ([ALL_OTHERS, "pubmed"], MetaError, "expected ALL_OTHERS alone or dataset names, got ALL_OTHERS,pubmed"),
    ],
)
def test_bad_source_tasks_are_refused(meta_from: list[str], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        source_datasets("graph", "cora", meta_from)


def test_a_source_over_another_space_is_refused() -> None:
    check_same_space(opened("graph", "cora"), opened("graph", "pubmed"))
    with pytest.raises(
        MetaError, match="expected source tasks over the target's space graph, got 'cifar100' over nb201"
    ):
        check_same_space(opened("graph", "cora"), opened("nb201", "cifar100"))


def test_settings_refuse_the_target_and_an_unknown_setting() -> None:
    with pytest.raises(SettingsError, match="expected source tasks other than the target, got 'cora'"):
        Comparison(bench="graph", dataset="cora", strategies=("re",), budget="10evals", meta_from=("cora",))
    with pytest.raises(SettingsError, match="expected --meta-data one of history, tables, got 'logs'"):
        Comparison(bench="graph", strategies=("re",), budget="10evals", meta_from=("cs",), meta_data="logs")


def test_a_transfer_strategy_needs_source_tasks(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="expected --meta-from for the transfer strategy re-warm, got none"):
        compare(bench="graph", dataset="cora", strategies=("re", "re-warm"), budget="10evals", out=str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def spec(strategy: str, setting: str, run: int = 0, target: str = "cora") -> RunSpec:
    sources = source_datasets("graph", target, [ALL_OTHERS])
    return RunSpec(
        bench_name="graph", dataset=target, strategy=strategy, run=run, budget=Budget(12, "evals"),
        meta_from=sources, meta_data=setting,
    )  # fmt: skip


def test_tables_hold_the_sources_whole_tables_and_nothing_of_the_target() -> None:
    meta = meta_info(spec("re-warm", "tables"))
    assert meta is not None and meta.datasets == tuple(GRAPH[1:]) and meta.target == "cora"
    citeseer = opened("graph", "citeseer")
    values = citeseer.query_many(np.arange(citeseer.info.size), metrics=["valid_perf"])["valid_perf"].to_numpy()
    np.testing.assert_array_equal(meta.sources[0].utilities, values)
    cora = opened("graph", "cora").query_many(np.arange(citeseer.info.size), metrics=["valid_perf"])["valid_perf"]
    assert not any(np.array_equal(s.utilities, cora.to_numpy()) for s in meta.sources)


def test_history_is_an_earlier_search_per_source_and_run() -> None:
    first, again, other = (meta_info(spec("re-warm", "history", run)) for run in (0, 0, 1))
    assert first is not None and again is not None and other is not None
    assert [len(s.archs) for s in first.sources] == [100] * 8
    assert first.sources[0].archs == again.sources[0].archs  # deterministic
    assert first.sources[0].archs != other.sources[0].archs  # each run learns from a different past
    assert first.sources[0].archs != first.sources[1].archs


def _reachable(root: Any) -> list[Any]:
    """Every object reachable from `root` through attributes, containers and dataclass fields (modules aside)."""
    seen: dict[int, Any] = {}
    stack = [root]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type | str | bytes | int | float | np.ndarray) or item is None:
            continue
        if type(item).__module__ in ("builtins",) and callable(item):
            continue
        seen[id(item)] = item
        if isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple | set | frozenset):
            stack += list(item)
        elif hasattr(item, "__dict__") and not isinstance(item, np.random.Generator):
            stack += list(vars(item).values())
        elif hasattr(item, "__dataclass_fields__"):
            stack += [getattr(item, f) for f in item.__dataclass_fields__]
    return list(seen.values())


def _learners() -> list[str]:
    from nasbench.strategies import STRATEGIES

    return [name for name, cls in STRATEGIES.items() if cls.meta_learning]


def test_the_leakage_test_covers_every_transfer_strategy() -> None:
    assert {"re-warm", "re-prior", "reinforce-prior", "rgpe", "bananas-transfer"} <= set(_learners())


@pytest.mark.parametrize("strategy", _learners())
def test_the_targets_table_is_unreachable_from_a_strategy(strategy: str) -> None:
    from nasbench.benchmark.table import TableBenchmark
    from nasbench.tables.format import TableData

    run = spec(strategy, "tables")
    simulation = Simulation(run, opened("graph", "cora"), meta=meta_info(run))
    simulation.run()
    found = _reachable(simulation.strategy)
    assert not [x for x in found if isinstance(x, TableBenchmark | TableData)]
    assert not [x for x in found if hasattr(x, "query") or hasattr(x, "query_many")]  # no benchmark of any kind
    metas = [x for x in found if isinstance(x, MetaInfo)]
    assert len(metas) == 1 and "cora" not in metas[0].datasets


def test_comparison_records_its_source_tasks(tmp_path: Path) -> None:
    out = tmp_path / "m"
    compare(
        bench="graph", dataset="pubmed", strategies=("re", "re-warm"), budget="10evals", runs=2,
        meta_from=(ALL_OTHERS,), meta_data="tables", out=str(out), quiet=True,
    )  # fmt: skip
    saved = json.loads((out / "comparison.json").read_text())
    assert saved["meta_from"] == [d for d in GRAPH if d != "pubmed"] and saved["meta_data"] == "tables"
    assert Comparison.from_record(saved).meta_from == tuple(saved["meta_from"])


def _frames(folder: Path) -> pd.DataFrame:
    from nasbench.results import ResultsFolder

    frame = ResultsFolder(folder).load()
    return frame.sort_values(["strategy", "run", "eval"]).reset_index(drop=True)


def test_identical_whatever_the_number_of_processes(tmp_path: Path) -> None:
    settings = {
        "bench": "nb201", "dataset": "cifar100", "strategies": ("re-warm", "re-prior", "rgpe"),
        "budget": "12evals", "runs": 2, "meta_from": (ALL_OTHERS,), "quiet": True,
    }  # fmt: skip
    compare(out=str(tmp_path / "one"), jobs=1, **settings)
    compare(out=str(tmp_path / "two"), jobs=2, **settings)
    pd.testing.assert_frame_equal(_frames(tmp_path / "one"), _frames(tmp_path / "two"))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nasbench.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--meta-from", "cora"], "expected source tasks other than the target, got 'cora'"),
        (["--meta-from", "pubmed,mnist"], "unknown source task 'mnist' of graph"),
    ],
)
def test_cli_refuses_bad_sources_in_one_line(tmp_path: Path, flags: list[str], message: str) -> None:
    out = tmp_path / "x"
    base = ["compare", "--bench", "graph", "--dataset", "cora", "--strategies", "re,re-warm", "--budget", "5evals"]
    result = cli(*base, *flags, "--out", str(out))
    assert result.returncode == 2 and not out.exists()
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_leave_one_out_writes_a_comparison_per_target_and_the_report_compares_across_them(tmp_path: Path) -> None:
    from nasbench.report.analysis import across_tasks, analyses
    from nasbench.report.meta import expand, meta_markdown, versus_twins
    from nasbench.report.writer import _statistics, load_results
    from nasbench.runner.meta import leave_one_out

    out = tmp_path / "loo"
    leave_one_out(bench="nb201", strategies=["re", "re-warm"], budget="8evals", runs=3, out=str(out), quiet=True)
    index = json.loads((out / "meta.json").read_text())
    assert index["targets"] == ["cifar10-valid", "cifar100", "imagenet16-120"]
    for target in index["targets"]:
        saved = json.loads((out / target / "comparison.json").read_text())
        assert saved["dataset"] == target and target not in saved["meta_from"] and len(saved["meta_from"]) == 2
        assert saved["twins"] == {"re-warm": "re"}
    frame, settings = load_results(expand([out]))
    maximize = dict.fromkeys(index["targets"], True)
    table = versus_twins(frame, settings, maximize)
    assert list(table["task"]) == index["targets"] and set(table["outcome"]) <= {"win", "tie", "loss"}
    assert across_tasks(analyses(frame, maximize)[0], "mean", "nemenyi") is not None  # ranks across the 3 tasks
    figures: dict[str, Any] = {}
    _statistics(analyses(frame, maximize)[0], tmp_path, "mean", figures)
    assert {"critical_difference", "critical_difference_wilcoxon"} <= set(figures)  # drawn from 3 tasks on
    text = "\n".join(meta_markdown(table, tasks=3))
    assert "| re-warm | re |" in text and "not meaningful" not in text
    assert "across fewer than 3 tasks is not meaningful" in "\n".join(meta_markdown(table.iloc[:2], tasks=2))


@pytest.mark.slow
def test_the_report_says_why_it_draws_no_cd_diagram_across_2_tasks(tmp_path: Path) -> None:
    """From 3 tasks on, `across_tasks` gives the test the diagram is drawn from (the leave-one-out test above)."""
    from nasbench.report.writer import write_report
    from nasbench.runner.meta import leave_one_out

    out = tmp_path / "loo"
    leave_one_out(bench="nb201", strategies=["re", "re-warm"], budget="6evals", runs=2, out=str(out), quiet=True)
    write_report([out / "cifar100", out / "imagenet16-120"], tmp_path / "two")
    assert not list((tmp_path / "two").glob("critical_difference*"))
    index = (tmp_path / "two" / "index.md").read_text()
    assert "only 2 tasks: a critical-difference diagram across fewer than 3 tasks is not meaningful" in index
    assert "Only 2 task(s): a critical-difference diagram across fewer than 3 tasks is not meaningful, so none" in index


def test_leave_one_out_refuses_a_bad_strategy_before_any_work(tmp_path: Path) -> None:
    from nasbench.runner.meta import leave_one_out

    with pytest.raises(UnknownName, match="unknown strategy 'sgd'"):
        leave_one_out(bench="nb201", strategies=["re", "sgd"], budget="8evals", runs=1, out=str(tmp_path / "x"))
    with pytest.raises(NasbenchError, match="expected jobs of at least 1, got 0"):
        leave_one_out(bench="nb201", strategies=["re"], budget="8evals", runs=1, out=str(tmp_path / "x"), jobs=0)
    assert not (tmp_path / "x").exists()
