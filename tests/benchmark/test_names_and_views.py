"""Names users know (aliases with a note), and the arch column of query_many."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

import nasbench
from nasbench.cli.main import main
from nasbench.errors import UnknownName
from nasbench.registry import _note, canonical_metric, load


@pytest.fixture(autouse=True)
def fresh_notes():
    _note.cache_clear()  # each note is logged once per process
    yield
    _note.cache_clear()


def notes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "nasbench"]


@pytest.mark.parametrize("name", ["nasbench201", "NAS-Bench-201", "NB201", "nas_bench_201"])
def test_benchmark_aliases_resolve_with_one_note(caplog, name: str) -> None:
    with caplog.at_level(logging.WARNING, logger="nasbench"):
        bench = load(name, dataset="ImageNet16-120")
    assert (bench.info.name, bench.info.dataset) == ("nb201", "imagenet16-120")
    assert notes(caplog) == [
        f"benchmark {name!r} is 'nb201' here",
        "dataset 'ImageNet16-120' of nb201 is 'imagenet16-120'",
    ]


def test_cifar10_on_nb201_is_cifar10_valid_and_the_note_says_why(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="nasbench"):
        bench = load("nb201", dataset="cifar10")
    assert bench.info.dataset == "cifar10-valid"
    (note,) = notes(caplog)
    assert note.startswith("dataset 'cifar10' of nb201 is 'cifar10-valid': NAS-Bench-201's table holds CIFAR-10 as")
    assert "\n" not in note
    assert load("nb101", dataset="cifar10").info.dataset == "cifar10"  # a real cifar10 stays itself


def test_canonical_names_pass_silently_and_unknown_ones_still_list_the_choices(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="nasbench"):
        assert load("nb201", dataset="cifar100").info.dataset == "cifar100"
    assert notes(caplog) == []
    with pytest.raises(UnknownName, match="imagenet16-120"):
        load("nb201", dataset="imagenet")
    with pytest.raises(UnknownName, match="unknown benchmark 'nas-bench-301'"):
        load("nas-bench-301")


def test_naslib_metric_names_map_where_they_map_cleanly() -> None:
    nb201, accel = load("nb201").info.metrics, load("accel").info.metrics
    assert canonical_metric(nb201, "val_acc") == "valid_acc"
    assert canonical_metric(nb201, "test_accuracy") == "test_acc"
    assert canonical_metric(nb201, "train_time") == "train_seconds"
    assert canonical_metric(accel, "val_acc") == "val_top1"
    assert canonical_metric(nb201, "val_loss") == "val_loss"  # nb201 has no loss: left for the query to refuse


def test_cli_query_takes_the_aliases_and_notes_them(capsys, caplog) -> None:
    args = ["query", "NAS-Bench-201", "5", "--dataset", "cifar10", "--metric", "val_acc", "--json"]
    with caplog.at_level(logging.WARNING, logger="nasbench"):  # the CLI prints them as `nasbench: note: ...`
        assert main(args) == 0
    record = nasbench.load("nb201", dataset="cifar10-valid").query(5, metrics=["valid_acc"])
    assert json.loads(capsys.readouterr().out)["metrics"] == record
    assert "metric 'val_acc' is 'valid_acc' here" in notes(caplog)


def test_query_many_has_the_architecture_strings(c10) -> None:
    rows = np.array([0, 9930, 15624])
    frame = c10.query_many(rows, metrics=["valid_acc"])
    assert list(frame.columns) == ["valid_acc", "arch"]
    assert frame["arch"].tolist() == [c10.space.to_str(c10.space.arch(int(r))) for r in rows]
    assert frame["valid_acc"].tolist() == [c10.query(int(r))["valid_acc"] for r in rows]


def test_objectives_and_constraints_take_naslib_names(c10, caplog) -> None:
    from nasbench.problem.objectives import parse_problem

    with caplog.at_level(logging.WARNING, logger="nasbench"):
        problem = parse_problem("val_acc,num_params", ["train_time<=2000"], c10.info)
    assert problem.objectives_text() == parse_problem("valid_acc,params", None, c10.info).objectives_text()
    assert problem.constraints_text() == "train_seconds<=2000"
    assert "metric 'val_acc' is 'valid_acc' here" in notes(caplog)
