"""The trainer: real training on digits, determinism, protocols, batch-norm recalibration, devices."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import UnknownName  # noqa: E402
from nasbench.live.data import ImageData, load_digits  # noqa: E402
from nasbench.live.models import build_model  # noqa: E402
from nasbench.live.train import PROTOCOLS, _Run, _setup, cosine_lr, get_protocol, recalibrate_bn, train  # noqa: E402

CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
EMPTY = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
SMALL = {"channels": 8, "cells": 1}


@pytest.fixture(scope="module")
def digits() -> ImageData:
    return load_digits()


@pytest.fixture(autouse=True)
def one_thread() -> object:
    """One thread, as the table builder runs: repeatable, and fair to the other tests on the machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _tiny(data: ImageData, n: int = 64) -> ImageData:
    cut = lambda pair: (pair[0][:n], pair[1][:n])  # noqa: E731
    return ImageData(data.name, data.num_classes, cut(data.train), cut(data.valid), cut(data.test), False, "tiny")


def test_one_epoch_on_a_tiny_subset_records_every_metric(digits: ImageData) -> None:
    result = train("nb201", CONV, _tiny(digits), get_protocol(None, "digits", 1), seed=0, **SMALL)
    assert set(result.curves) == {
        "train_loss",
        "train_acc",
        "valid_loss",
        "valid_acc",
        "epoch_seconds",
        "train_seconds",
    }
    assert all(len(v) == 1 for v in result.curves.values())
    final = result.final()
    assert 0 <= final["valid_acc"] <= 100 and math.isfinite(final["test_loss"]) and final["epoch_seconds"] > 0
    assert result.params == sum(p.numel() for p in build_model("nb201", CONV, **SMALL).parameters())
    assert result.flops > 0 and result.arch == CONV and result.device == "cpu"


@pytest.mark.slow
def test_training_learns_and_the_architecture_matters(digits: ImageData) -> None:
    protocol = get_protocol(None, "digits", 6)
    good = train("nb201", CONV, digits, protocol, seed=0, **SMALL).final()
    empty = train("nb201", EMPTY, digits, protocol, seed=0, **SMALL).final()
    assert good["valid_acc"] > 85 and good["test_acc"] > 85
    assert empty["valid_acc"] < 25  # no operation in any cell: the classifier sees a constant
    assert good["train_loss"] < 0.5


def test_a_fixed_seed_repeats_exactly_and_another_seed_differs(digits: ImageData) -> None:
    protocol = get_protocol(None, "digits", 2)
    data = _tiny(digits, 128)
    runs = [train("nb201", CONV, data, protocol, seed=s, **SMALL) for s in (3, 3, 4)]
    timeless = [{k: v for k, v in r.final().items() if "seconds" not in k} for r in runs]
    assert timeless[0] == timeless[1]
    assert timeless[0] != timeless[2]


def test_protocols_are_the_published_presets() -> None:
    # D-X-Y/AutoDL-Projects f46486e configs/nas-benchmark/hyper-opts/{12E,200E}.config: SGD Nesterov 0.9,
    # LR 0.1 cosine to 0, decay 5e-4, batch 256.
    assert PROTOCOLS["nb201-12"].epochs == 12 and PROTOCOLS["nb201-200"].epochs == 200
    for name in ("nb201-12", "nb201-200"):
        p = PROTOCOLS[name]
        assert (p.batch_size, p.lr, p.momentum, p.nesterov, p.weight_decay) == (256, 0.1, 0.9, True, 5e-4)
    assert get_protocol(None, "digits").name == "digits-12"
    assert get_protocol("nb201-12", "cifar10", epochs=3).epochs == 3
    with pytest.raises(UnknownName, match="nb201-12, nb201-200, digits-12"):
        get_protocol("nb201-7", "cifar10")
    with pytest.raises(UnknownName, match="--epochs >= 1"):
        get_protocol(None, "digits", 0)


def test_cosine_schedule_runs_from_lr_to_eta_min() -> None:
    p = replace(PROTOCOLS["nb201-12"], eta_min=0.001)
    assert cosine_lr(p, 0, 100) == pytest.approx(0.1)
    assert cosine_lr(p, 50, 100) == pytest.approx((0.1 + 0.001) / 2)
    assert cosine_lr(p, 100, 100) == pytest.approx(0.001)


def test_recalibration_sets_batch_norm_to_the_training_set_statistics(digits: ImageData) -> None:
    model = build_model("nb201", CONV, generator=torch.Generator().manual_seed(0), **SMALL)
    run: _Run = _setup(model, PROTOCOLS["digits-12"], torch.device("cpu"), False, False, 10)
    recalibrate_bn(run, digits.train, 512)
    stem_conv, stem_bn = model.stem[0], model.stem[1]
    with torch.no_grad():
        features = stem_conv(digits.train[0])
    assert torch.allclose(stem_bn.running_mean, features.mean(dim=(0, 2, 3)), atol=1e-5)
    assert stem_bn.momentum == 0.1  # restored
