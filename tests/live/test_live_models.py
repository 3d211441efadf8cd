"""The live model builders: forward passes, parameter and FLOP counts against the published tables,
seeded initialisation, TorchScript export."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import nasbench  # noqa: E402
from nasbench.errors import InvalidArchitecture, NasbenchError, UnknownName  # noqa: E402
from nasbench.live import build_model  # noqa: E402
from nasbench.live.export import export_network  # noqa: E402
from nasbench.live.models import count_flops, count_params  # noqa: E402
from nasbench.tables.format import MEASURED  # noqa: E402

NB201_CLASSES = {"cifar10-valid": 10, "cifar100": 100, "imagenet16-120": 120}


@pytest.mark.parametrize("dataset", sorted(NB201_CLASSES))
def test_nb201_params_match_the_published_table(dataset: str) -> None:
    bench = nasbench.load("nb201", dataset=dataset)
    params = bench.table.metrics["params"]
    rows = np.random.default_rng(7).choice(bench.space.size, 25, replace=False)
    rows = np.concatenate([rows, [0, 15624]])
    for row in rows:
        arch = bench.space.arch(int(row))
        counted = count_params(build_model("nb201", arch, num_classes=NB201_CLASSES[dataset])) / 1e6
        published = params.values[row, 0, 0] if params.values.ndim == 3 else params.values[row]
        measured = params.status[row].ravel() == MEASURED
        assert np.any(np.isclose(params.values[row].ravel()[measured], counted, atol=1e-6)), (arch, published, counted)


def test_nb201_cells_without_operations_have_no_parameters() -> None:
    empty = build_model("nb201", "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    # stem 464 + reductions 14,464 and 57,600 + last BN 128 + classifier 650 (NAS-Bench-201 at C=16, N=5)
    assert count_params(empty) == 464 + 14_464 + 57_600 + 128 + 650


def test_macro_params_and_flops_match_the_published_table() -> None:
    bench = nasbench.load("macro")
    rows = np.concatenate([np.random.default_rng(3).choice(bench.space.size, 30, replace=False), [0, 6560]])
    for row in rows:
        arch = bench.space.arch(int(row))
        model = build_model("macro", arch)
        record = bench.query(arch, metrics=["params", "flops"])
        assert count_params(model) == record["params"], bench.space.to_str(arch)
        assert count_flops(model, (3, 32, 32)) == record["flops"], bench.space.to_str(arch)


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


@pytest.mark.filterwarnings("ignore:`torch.jit.load` is deprecated:DeprecationWarning")  # the user's side of it
def test_export_writes_torchscript_that_computes_the_same_logits(tmp_path) -> None:
    arch = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"
    path = export_network("nb201", arch, tmp_path / "net.pt", num_classes=10, seed=3)
    loaded = torch.jit.load(str(path))
    reference = build_model("nb201", arch, generator=torch.Generator().manual_seed(3)).eval()
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(loaded(x), reference(x), atol=1e-5)
    assert [p.name for p in tmp_path.iterdir()] == ["net.pt"]  # nothing half-written left beside it


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


def test_export_warns_of_nothing_and_refuses_a_too_small_image(tmp_path) -> None:
    arch = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export_network("nb201", arch, tmp_path / "net.pt", channels=4, cells=1)
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]  # torch.jit's is not the user's
    with pytest.raises(NasbenchError, match="--input-size >= 4 for nb201, got 2"):
        export_network("nb201", arch, tmp_path / "small.pt", input_size=2)


def test_export_program_loads_with_torch_export_alone_at_any_batch_size(tmp_path) -> None:
    arch = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2|"
    path = export_network("nb201", arch, tmp_path / "net.pt2", seed=3, channels=4, cells=1)
    loaded = torch.export.load(str(path)).module()
    reference = build_model("nb201", arch, generator=torch.Generator().manual_seed(3), channels=4, cells=1).eval()
    for batch in (1, 3):
        x = torch.randn(batch, 3, 32, 32, generator=torch.Generator().manual_seed(batch))
        with torch.no_grad():
            assert torch.allclose(loaded(x), reference(x), atol=1e-5)
    assert [p.name for p in tmp_path.iterdir()] == ["net.pt2"]
