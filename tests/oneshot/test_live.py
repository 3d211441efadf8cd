"""One-shot methods inside a real-time comparison: the run files are the black-box runs' schema, the
incumbent is scored as the comparison scores every incumbent, budgets cut the search, and the
dataset's table is named as ground truth only where it was built as the comparison trains."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.benchmark import LiveBenchmark  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.oneshot import METHODS  # noqa: E402
from nasbench.oneshot.live import TableTruth, run_seed, run_table, settings_for, split  # noqa: E402
from nasbench.oneshot.rsps import RSPS  # noqa: E402
from nasbench.runner.simulation import Budget, RunSpec  # noqa: E402
from nasbench.strategies import STRATEGIES  # noqa: E402
from tests.oneshot.conftest import tiny_settings  # noqa: E402


def test_one_shot_names_never_clash_with_strategies() -> None:
    assert not set(METHODS) & set(STRATEGIES)
    assert split(["darts", "re", "rsps", "rs"]) == (["re", "rs"], ["darts", "rsps"])


def test_run_seeds_follow_root_seed_method_and_run() -> None:
    seeds = {run_seed(r, m, i) for r in (0, 1) for m in ("darts", "rsps") for i in (0, 1)}
    assert len(seeds) == 8 and run_seed(0, "darts", 1) == run_seed(0, "darts", 1)
    assert all(0 <= s < 2**63 for s in seeds)


def bench(tiny: ImageData, epochs: int | None = 1, **options: int) -> LiveBenchmark:
    return LiveBenchmark("nb201", tiny, get_protocol(None, "digits", epochs), model_options=options or None)


def test_settings_take_the_comparisons_size_and_epochs_from_an_evaluations_budget(tiny: ImageData) -> None:
    live = bench(tiny, channels=4, cells=1)
    settings = settings_for("darts", {"lr": 0.1}, live, Budget(3, "evals"))
    assert (settings.epochs, settings.channels, settings.cells, settings.lr) == (3, 4, 1, 0.1)
    assert settings_for("darts", {"epochs": 3, "channels": 4}, live, Budget(3, "evals")).epochs == 3  # as recorded
    assert settings_for("darts", {"epochs": 7}, live, Budget(60, "s")).epochs == 7
    with pytest.raises(NasbenchError, match="expected darts.channels equal to the comparison's --channels 4, got 8"):
        settings_for("darts", {"channels": 8}, live, Budget(3, "evals"))
    with pytest.raises(NasbenchError, match="expected darts.epochs equal to the evaluations budget 3"):
        settings_for("darts", {"epochs": 5}, live, Budget(3, "evals"))
    with pytest.raises(NasbenchError, match=r"expected an evaluations budget \(e.g. '10evals'\) for spos"):
        settings_for("spos", {}, live, Budget(60, "s"))


def test_a_fixed_network_takes_no_size_in_a_comparison(tiny: ImageData) -> None:
    live = LiveBenchmark("macro", tiny, get_protocol(None, "digits", 1))
    settings = settings_for("darts", {}, live, Budget(2, "evals"))
    assert (settings.channels, settings.cells, settings.epochs) == (None, None, 2)
    assert settings_for("darts", {"channels": None, "cells": None}, live, Budget(2, "evals")) == settings  # as recorded
    with pytest.raises(NasbenchError, match=r"expected no darts.channels for macro \(its network is fixed\), got 16"):
        settings_for("darts", {"channels": 16}, live, Budget(2, "evals"))


def test_a_time_budget_drops_the_epoch_that_ends_past_it(tiny: ImageData) -> None:
    search = RSPS(tiny, tiny_settings(2, channels=2), 0, select_num=1)
    result = search.search(until=1e-9)
    assert result.epochs == [] and result.arch == ""
    spec = RunSpec(bench_name="c.h5", dataset="digits", strategy="rsps", run=0, budget=Budget(1e-9, "s"))
    table = run_table(spec, bench(tiny, channels=2, cells=1), search, [], result)
    assert table.num_rows == 0 and "incumbent_score" in table.column_names


def test_the_table_is_ground_truth_only_under_its_own_protocol(tiny: ImageData, digits: ImageData) -> None:
    same = TableTruth(bench(digits, None))
    row = same.truth.strings[int(same.truth.class_rows[0])] if same.truth is not None else None
    assert row is not None and same.lookup(row)["status"] == "ok"
    other = TableTruth(bench(digits, 1))
    assert other.truth is None and other.lookup(row)["status"].startswith("no table (its table was built")


@pytest.mark.slow
def test_one_shot_and_black_box_runs_share_one_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nasbench.cli.main import main
    from nasbench.registry import load
    from nasbench.results import ResultsFolder

    out = tmp_path / "cmp"
    argv = ["compare", "--estimator", "live", "--bench", "nb201", "--strategies", "darts,rs", "--runs", "1"]
    argv += ["--budget", "2evals", "--epochs", "1", "--channels", "2", "--cells", "1", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    assert "2 runs done" in capsys.readouterr().out
    schemas = [pq.read_schema(out / "runs" / s / "0000.parquet").remove_metadata() for s in ("darts", "rs")]
    assert schemas[0].equals(schemas[1])
    frame = ResultsFolder(out).load()
    darts = frame[frame["strategy"] == "darts"]
    assert list(darts["eval"]) == [0, 1] and set(darts["estimator"]) == {"live"} and darts["incumbent_held_out"].all()
    assert darts["end"].is_monotonic_increasing and (darts["incumbent"] == darts["arch"]).all()
    cache = load(str(out / "cache.h5"))  # the comparison's table: every incumbent is scored from it
    for arch, score in zip(darts["incumbent"], darts["incumbent_score"], strict=True):
        assert score == pytest.approx(cache.query(arch, 1, metrics=["test_acc"])["test_acc"])
    settings = json.loads((out / "comparison.json").read_text())
    assert settings["strategies"]["darts"]["order"] == 1 and settings["strategies"]["darts"]["channels"] == 2
    record = json.loads((out / "oneshot" / "darts-0000.json").read_text())
    assert [e["arch"] for e in record["epochs"]] == list(darts["arch"])
    assert record["epochs"][0]["table"]["status"].startswith("no table")
    assert main(argv) == 0 and "2/2 runs already done" in capsys.readouterr().out


@pytest.mark.slow
def test_one_shot_methods_search_macro_in_a_live_comparison(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nasbench.cli.main import main
    from nasbench.registry import load
    from nasbench.results import ResultsFolder

    out = tmp_path / "cmp"
    argv = ["compare", "--estimator", "live", "--bench", "macro", "--strategies", "gdas,rs", "--runs", "1"]
    argv += ["--budget", "1evals", "--epochs", "1", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    assert "2 runs done" in capsys.readouterr().out
    frame = ResultsFolder(out).load()
    gdas = frame[frame["strategy"] == "gdas"]
    assert len(gdas) == 1 and len(gdas["incumbent"].iloc[0]) == 8  # one Macro network: a block per layer
    cache = load(str(out / "cache.h5"))  # scored as every incumbent: trained here under the comparison's protocol
    score = cache.query(gdas["incumbent"].iloc[0], 1, metrics=["test_acc"])["test_acc"]
    assert gdas["incumbent_score"].iloc[0] == pytest.approx(score)
    recorded = json.loads((out / "comparison.json").read_text())["strategies"]["gdas"]
    assert (recorded["channels"], recorded["cells"], recorded["epochs"]) == (None, None, 1)  # no size: fixed network
    record = json.loads((out / "oneshot" / "gdas-0000.json").read_text())
    assert record["settings"]["channels"] is None and record["epochs"][0]["table"]["status"].startswith("no table")
    assert main(argv) == 0 and "2/2 runs already done" in capsys.readouterr().out  # the recorded None resumes
