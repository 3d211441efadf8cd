"""One search end to end in the results layout: the folder, the run file's columns and rows, the record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError, UnknownName  # noqa: E402
from nasbench.live.data import ImageData  # noqa: E402
from nasbench.oneshot.rsps import RSPS  # noqa: E402
from nasbench.oneshot.run import COLUMNS, build_method, check, run_oneshot  # noqa: E402
from nasbench.results import ResultsFolder  # noqa: E402
from nasbench.runner.simulation import COLUMNS as RUNNER_COLUMNS  # noqa: E402
from nasbench.spaces.nb201 import NB201Space  # noqa: E402
from tests.oneshot.conftest import tiny_settings  # noqa: E402


def test_the_run_columns_are_the_runners() -> None:
    assert tuple(RUNNER_COLUMNS) == COLUMNS


def test_a_tiny_search_writes_the_results_layout(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    settings = tiny_settings(2, channels=2, batch_size=256)
    summary = run_oneshot("rsps", "digits", settings, 3, out, rank=4, rank_every=1, options={"select_num": 2})
    assert (out / "comparison.json").is_file()
    frame = ResultsFolder(out).load()
    assert list(frame.columns[-len(COLUMNS) :]) == list(COLUMNS)
    assert list(frame["eval"]) == [1, 2] and set(frame["run"]) == {3} and set(frame["strategy"]) == {"rsps"}
    assert (frame["end"] - frame["start"]).round(9).tolist() == frame["cost"].round(9).tolist()
    assert frame["end"].is_monotonic_increasing and frame["incumbent"].iloc[-1] == summary["arch"]
    assert set(frame["estimator"]) == {"oneshot"} and set(frame["observe_metric"]) == {"inherited valid_acc"}
    assert json.loads(frame["hyperparameters"].iloc[0]) == {"select_num": 2}
    NB201Space().from_str(summary["arch"])
    assert summary["epochs"] == 2 and [p["epoch"] for p in summary["ranking"]] == [1, 2]
    assert summary["ground_truth"]["status"] in ("ok", "not in the table")
    record = json.loads((out / "oneshot" / "rsps-0003.json").read_text())
    assert record["arch"] == summary["arch"] and len(record["ranking_cells"]) == 4
    assert [e["arch"] for e in record["record"]["epochs"]] == list(frame["arch"])
    with pytest.raises(NasbenchError, match="expected a results folder without rsps seed 3"):
        run_oneshot("rsps", "digits", settings, 3, out, options={"select_num": 2})


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("nb101", "darts", 1, 0, None), UnknownName, r"with a supernet \(nb201, macro\), got 'nb101'"),
        (("nb201", "bogus", 1, 0, None), UnknownName, "expected a one-shot method among .*, got 'bogus'"),
        (("nb201", "darts", 0, 0, None), NasbenchError, "expected --epochs >= 1, got 0"),
        (("nb201", "darts", 1, -1, None), NasbenchError, r"expected --rank >= 0 \(0: no ranking\), got -1"),
        (("nb201", "darts", 1, 5, 0), NasbenchError, "expected --rank-every >= 1, got 0"),
    ],
)
def test_check_refuses_bad_settings(args: tuple, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        check(*args)


def test_build_method_takes_only_the_methods_options(tiny: ImageData) -> None:
    method = build_method("rsps", tiny, tiny_settings(1), 0, torch.device("cpu"), select_num=3)
    assert isinstance(method, RSPS) and method.select_num == 3
    build_method("spos", tiny, tiny_settings(1), 0, torch.device("cpu"), population=4)  # an evolution option
    with pytest.raises(NasbenchError, match="expected options of darts, got 'select_num'"):
        build_method("darts", tiny, tiny_settings(1), 0, torch.device("cpu"), select_num=3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dataset": "digits"}, r"expected --rank 0 for macro on digits \(its only table is cifar10's"),
        ({"dataset": "cifar100"}, r"expected --rank 0 for macro on cifar100"),
        ({"dataset": "digits", "train_missing": 1}, r"expected --train-missing 0 for macro .*, got 1"),
    ],
)
def test_check_refuses_what_the_macro_table_cannot_judge(kwargs: dict, message: str) -> None:
    rank = 0 if "train_missing" in kwargs else 20
    with pytest.raises(NasbenchError, match=message):
        check("macro", "rsps", 1, rank, None, **kwargs)
    check("macro", "rsps", 1, 20, None, dataset="cifar10")  # the table's own data: a ranking is fair


def test_macro_ground_truth_is_the_cifar10_table_and_says_so() -> None:
    from nasbench.oneshot.ranking import space_table

    table, note = space_table("macro", "digits")
    if table is None:
        pytest.skip("data/macro.h5 is absent")
    assert (table.info.name, table.info.size) == ("macro", 6561)
    assert note is not None and "cifar10 table" in note and "digits" in note
    assert space_table("macro", "cifar10")[1] is None
    assert space_table("nb201", "digits")[1] is None
