"""The supernet: a path with inherited weights is the stand-alone network with those weights, exactly."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.models import build_model, count_params, initialise  # noqa: E402
from nasbench.oneshot.supernet import Supernet, path_state, standalone  # noqa: E402
from nasbench.spaces.nb201 import NB201Arch, NB201Space  # noqa: E402
from nasbench.spaces.nb201_cell import NUM_OPS  # noqa: E402

CELLS = [
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
    "|none~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|",  # a conv fed by a zero node
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|none~0|nor_conv_3x3~1|skip_connect~2|",
]


def _trained_stats(net: Supernet, generator: torch.Generator) -> torch.Tensor:
    """Some training-mode passes so that running statistics differ from their initial values."""
    x = torch.randn(16, 3, 8, 8, generator=generator)
    net.train()
    with torch.no_grad():
        for text in CELLS:
            net.forward_path(x, NB201Space().from_str(text))
    return x


@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("text", CELLS)
def test_a_path_equals_the_standalone_network_with_its_weights(affine: bool, text: str) -> None:
    generator = torch.Generator().manual_seed(3)
    net = Supernet(10, channels=4, cells=2, affine=affine, track=True)
    initialise(net, generator)
    x = _trained_stats(net, generator)
    arch = NB201Space().from_str(text)
    model = standalone(net, arch).eval()
    net.eval()
    with torch.no_grad():
        assert torch.equal(model(x), net.forward_path(x, arch))


def test_the_copy_fills_every_standalone_weight_but_absent_affine_ones() -> None:
    arch = NB201Space().from_str(CELLS[3])
    net = Supernet(10, channels=4, cells=2, affine=True, track=True)
    model = build_model("nb201", arch, 10, channels=4, cells=2)
    assert set(path_state(net, arch)) == set(model.state_dict())
    copied = standalone(net, arch)
    assert count_params(copied) == count_params(model)


def test_one_hot_relaxation_equals_the_path() -> None:
    generator = torch.Generator().manual_seed(0)
    net = Supernet(10, channels=4, cells=1, affine=False, track=False)
    initialise(net, generator)
    arch = NB201Arch((3, 1, 2, 0, 4, 3))
    weights = torch.nn.functional.one_hot(torch.tensor(arch.ops), NUM_OPS).float()
    x = torch.randn(8, 3, 8, 8, generator=generator)
    with torch.no_grad():
        assert torch.equal(net.forward_mixed(x, weights), net.forward_path(x, arch))
        assert torch.equal(net.forward_hard(x, weights, torch.tensor(arch.ops)), net.forward_path(x, arch))


def test_a_path_trains_only_its_own_operations() -> None:
    generator = torch.Generator().manual_seed(0)
    net = Supernet(10, channels=4, cells=1, affine=True, track=True)
    initialise(net, generator)
    arch = NB201Arch((3, 3, 3, 3, 3, 0))
    net.forward_path(torch.randn(4, 3, 8, 8, generator=generator), arch).sum().backward()
    cell = net.cells[0]
    assert cell.edges[0].ops[3][1].weight.grad is not None
    assert cell.edges[0].ops[2][1].weight.grad is None  # the 1x1 convolution was not on the path
