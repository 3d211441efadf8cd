"""The Macro supernet: a path with inherited weights is the stand-alone network with those weights, exactly."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.models import build_model, count_params, initialise  # noqa: E402
from nasbench.oneshot.macro import NUM_CHOICES, MacroSupernet, macro_path_state, macro_standalone  # noqa: E402
from nasbench.spaces import get_space  # noqa: E402

ARCHS = ["00000000", "12121212", "20100201", "22222222"]  # every block at a stride-2 layer, identity included


def _supernet(generator: torch.Generator) -> tuple[MacroSupernet, torch.Tensor]:
    """A supernet whose running statistics moved away from their initial values (training-mode passes)."""
    net = MacroSupernet(10)
    initialise(net, generator)
    x = torch.randn(4, 3, 8, 8, generator=generator)
    net.train()
    with torch.no_grad():
        for text in ARCHS:
            net.forward_path(x, get_space("macro").from_str(text))
    return net, x


@pytest.fixture(scope="module")
def trained() -> tuple[MacroSupernet, torch.Tensor]:
    return _supernet(torch.Generator().manual_seed(1))


@pytest.mark.parametrize("text", ARCHS)
def test_a_path_equals_the_standalone_network_with_its_weights(trained: tuple, text: str) -> None:
    net, x = trained
    arch = get_space("macro").from_str(text)
    model = macro_standalone(net, arch).eval()
    net.eval()
    with torch.no_grad():
        assert torch.equal(model(x), net.forward_path(x, arch))
    assert count_params(model) == count_params(build_model("macro", arch, 10))


def test_the_copy_holds_exactly_the_standalone_names(trained: tuple) -> None:
    arch = get_space("macro").from_str(ARCHS[2])
    assert set(macro_path_state(trained[0], arch)) == set(build_model("macro", arch, 10).state_dict())


def test_one_hot_relaxation_and_hard_path_equal_the_path(trained: tuple) -> None:
    net, x = trained
    arch = get_space("macro").from_str(ARCHS[2])
    weights = torch.nn.functional.one_hot(torch.tensor(arch.choices), NUM_CHOICES).float()
    net.eval()
    with torch.no_grad():
        path = net.forward_path(x, arch)
        assert torch.equal(net.forward_mixed(x, weights), path)  # 0 * block adds exact zeros
        assert torch.equal(net.forward_hard(x, weights, torch.tensor(arch.choices)), path)


def test_a_search_supernet_without_affine_or_running_statistics_copies_into_the_standalone() -> None:
    generator = torch.Generator().manual_seed(2)
    net = MacroSupernet(10, affine=False, track=False)
    initialise(net, generator)
    arch = get_space("macro").from_str(ARCHS[2])
    model = macro_standalone(net, arch)
    x = torch.randn(4, 3, 8, 8, generator=generator)
    net.train(), model.train()  # batch statistics in both; the stand-alone's affine stays at 1 and 0
    with torch.no_grad():
        assert torch.allclose(model(x), net.forward_path(x, arch), atol=1e-6)
