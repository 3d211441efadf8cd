"""The live model builders: forward passes, parameter and FLOP counts against the published tables,
seeded initialisation, TorchScript export."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import nasbench  # noqa: E402
from nasbench.errors import InvalidArchitecture, NasbenchError, UnknownName  # noqa: E402
from nasbench.live import build_model  # noqa: E402
from nasbench.live.models import count_params  # noqa: E402

NB201_CLASSES = {"cifar10-valid": 10, "cifar100": 100, "imagenet16-120": 120}


@pytest.mark.parametrize(
    ("space", "arch", "size"),
    [
        ("nb201", "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|", 32),
        ("nb201", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", 16),
        ("macro", "01201201", 32),
        ("macro", "00000000", 16),
    ],
)
def test_forward_pass_gives_one_logit_row_per_image(space: str, arch: str, size: int) -> None:
    model = build_model(space, arch, num_classes=7)
    out = model(torch.randn(3, 3, size, size))
    assert out.shape == (3, 7)
    out.sum().backward()
    assert all(p.grad is not None for p in model.classifier.parameters())


def test_architecture_as_object_or_string_gives_the_same_network() -> None:
    space = nasbench.load("nb201").space
    arch = space.arch(1234)
    a = build_model("nb201", arch, generator=torch.Generator().manual_seed(1))
    b = build_model("nb201", space.to_str(arch), generator=torch.Generator().manual_seed(1))
    for (name, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert torch.equal(x, y), name


def test_seeded_initialisation_repeats_and_differs_by_seed() -> None:
    arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|"
    first = build_model("nb201", arch, generator=torch.Generator().manual_seed(0)).stem[0].weight
    again = build_model("nb201", arch, generator=torch.Generator().manual_seed(0)).stem[0].weight
    other = build_model("nb201", arch, generator=torch.Generator().manual_seed(1)).stem[0].weight
    assert torch.equal(first, again)
    assert not torch.equal(first, other)


def test_channels_and_cells_are_configurable() -> None:
    arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|none~2|"
    small = build_model("nb201", arch, channels=8, cells=1)
    assert count_params(small) < count_params(build_model("nb201", arch)) / 10
    assert len(small.cells) == 3 + 2  # one cell per stage and two reduction blocks


@pytest.mark.parametrize(
    ("space", "arch", "error"),
    [
        ("nb201", "|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|", InvalidArchitecture),
        ("macro", "0120120", InvalidArchitecture),
        ("nb101x", "anything", UnknownName),
    ],
)
def test_bad_input_is_refused_by_name(space: str, arch: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        build_model(space, arch)


@pytest.mark.parametrize(
    ("space", "options", "message"),
    [
        ("macro", {"channels": 4}, "options of the macro network among: none; got 'channels'"),
        ("nb201", {"width": 4}, "among: channels, cells; got 'width'"),
        ("nb201", {"channels": 0}, "channels >= 1, got 0"),
        ("nb201", {"cells": -1}, "cells >= 1, got -1"),
    ],
)
def test_model_options_are_checked_by_name_and_size(space: str, options: dict, message: str) -> None:
    arch = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|" if space == "nb201" else "01201201"
    with pytest.raises(NasbenchError, match=message):
        build_model(space, arch, **options)
