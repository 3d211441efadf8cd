"""The judge: ground truth from the digits table, ranking statistics, the op histogram."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.live.data import ImageData  # noqa: E402
from nasbench.live.models import initialise  # noqa: E402
from nasbench.oneshot.ranking import (  # noqa: E402
    NOT_IN_TABLE,
    GroundTruth,
    op_histogram,
    open_table,
    rank_supernet,
    ranking_quality,
)
from nasbench.oneshot.supernet import Supernet  # noqa: E402
from nasbench.registry import load_table  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch, NB201Space  # noqa: E402


@pytest.fixture(scope="module")
def truth() -> GroundTruth:
    table = open_table("digits")
    assert table is not None
    return GroundTruth(table)


def test_ranking_statistics_of_known_orders() -> None:
    truth = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert ranking_quality(truth * 10, truth, 2) == pytest.approx((1.0, 1.0, 1.0))
    assert ranking_quality(-truth, truth, 2) == pytest.approx((-1.0, -1.0, 0.0))
    tau, _, overlap = ranking_quality(np.array([2.0, 1.0, 3.0, 4.0, 5.0]), truth, 2)
    assert tau == pytest.approx(0.8)  # one discordant pair of ten
    assert overlap == 1.0


def test_a_table_cell_gets_its_score_and_rank(truth: GroundTruth) -> None:
    table = load_table("nb201-digits")
    text = table.table.archs()[int(truth.class_rows[0])]
    found = truth.lookup(NB201Space().from_str(text))
    expected = table.query(text, 12, metrics=["test_acc"])["test_acc"]
    assert found["status"] == "ok" and found["score"] == pytest.approx(expected)
    space = NB201Space()
    classes = {space.canonical(space.from_str(a)) for a in table.table.archs()}  # the shipped subset's classes
    assert found["classes"] == len(classes)
    best = int(truth.class_rows[np.argmax(truth.scores[truth.class_rows])])
    assert truth.lookup(NB201Space().from_str(table.table.archs()[best]))["rank"] == 1


def test_a_cell_outside_the_table_says_so(truth: GroundTruth) -> None:
    outside = next(a for a in (NB201Arch((3,) * 6), NB201Arch((2,) * 6), NB201Arch((4,) * 6)) if truth.row(a) is None)
    assert truth.lookup(outside)["status"] == NOT_IN_TABLE
    assert truth.lookup(outside)["rank"] is None


def test_a_dataset_without_table_has_no_ground_truth() -> None:
    assert open_table("svhn") is None
    assert open_table("digits", {"digits": ("no-such-table", "digits")}) is None


def test_sampled_cells_are_distinct_classes_of_the_table(truth: GroundTruth) -> None:
    cells = truth.sample(10_000, torch.Generator().manual_seed(0))  # more than the table holds: one per class
    space = NB201Space()
    classes = len({space.canonical(space.from_str(a)) for a in load_table("nb201-digits").table.archs()})
    assert len(cells) == classes and len({space.canonical(a) for a, _ in cells}) == classes
    assert cells == truth.sample(500, torch.Generator().manual_seed(0))


def test_op_histogram_counts_the_edges() -> None:
    counts = op_histogram(
        NB201Space().from_str("|skip_connect~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|")
    )
    assert counts == {"none": 2, "skip_connect": 2, "nor_conv_1x1": 0, "nor_conv_3x3": 1, "avg_pool_3x3": 1}


def test_ranking_a_supernet_scores_every_cell(tiny: ImageData, truth: GroundTruth) -> None:
    net = Supernet(10, channels=4, cells=1, affine=False, track=True)
    initialise(net, torch.Generator().manual_seed(0))
    cells = truth.sample(6, torch.Generator().manual_seed(0))
    point, inherited = rank_supernet(net, cells, tiny, epoch=3, top_k=2)
    assert point.n == 6 and point.epoch == 3 and len(inherited) == 6
    assert -1.0 <= point.kendall_tau <= 1.0 and 0.0 <= point.top_k_overlap <= 1.0


def test_a_cell_outside_the_table_can_be_trained_as_the_table_was(digits: ImageData) -> None:
    from nasbench.oneshot.run import train_truth

    own = GroundTruth(open_table("digits"))  # type: ignore[arg-type]
    meta = own.table.table.meta
    spec = meta["build"]["spec"]
    small = {**spec, "protocol": {**spec["protocol"], "epochs": 1}, "model_options": {"channels": 2, "cells": 1}}
    own.table.table.meta = {**meta, "build": {**meta["build"], "spec": small}}  # a 1-epoch, tiny build of it
    outside = next(a for a in (NB201Arch((3,) * 6), NB201Arch((2,) * 6)) if own.row(a) is None)
    found = train_truth(str(outside), own, digits, 1, torch.device("cpu"))
    assert found["status"] == "not in the table: trained here" and found["protocol"] == "digits-12"
    assert found["rank"] == own.rank(found["score"]) and len(found["seed_scores"]) == 1


def test_cifar10_ground_truth_uses_the_score_the_table_holds_at_its_last_fidelity() -> None:
    # NB201's cifar10-valid has no 200-epoch test accuracy: the judge scores by its fallback, valid_acc
    table = open_table("cifar10")
    assert table is not None
    truth = GroundTruth(table)
    assert truth.metric == table.info.score_metric(200) == "valid_acc"
    assert len(truth.class_rows) == 6466  # every isomorphism class of the space has a 200-epoch score
    text = table.table.archs()[int(truth.class_rows[0])]
    found = truth.lookup(NB201Space().from_str(text))
    assert found["score"] == pytest.approx(table.query(text, 200, metrics=["valid_acc"])["valid_acc"])
