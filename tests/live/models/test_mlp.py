"""The mlp network: its layers and output shape, its parameter count by hand, the features option."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live.models import build_model, count_params  # noqa: E402
from nasbench.live.models.mlp import MLPNetwork  # noqa: E402
from nasbench.spaces.mlp import mlp_space  # noqa: E402


def test_the_layers_follow_the_architecture_and_give_one_logit_row_per_input() -> None:
    model = MLPNetwork(mlp_space().from_str("5201"), num_classes=3, features=7)
    kinds = [type(m) for m in model]
    assert kinds == [nn.Linear, nn.ReLU, nn.Linear, nn.Tanh, nn.Linear]
    shapes = [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)]
    assert shapes == [(7, 512), (512, 64), (64, 3)]
    assert model(torch.zeros(5, 7)).shape == (5, 3)


@pytest.mark.parametrize(
    ("arch", "features", "classes", "params"),
    [
        ("0000", 64, 10, (64 * 16 + 16) + (16 * 16 + 16) + (16 * 10 + 10)),
        ("5511", 4, 2, (4 * 512 + 512) + (512 * 512 + 512) + (512 * 2 + 2)),
        ("1300", 13, 3, (13 * 32 + 32) + (32 * 128 + 128) + (128 * 3 + 3)),
    ],
)
def test_the_parameter_count_matches_a_count_by_hand(arch: str, features: int, classes: int, params: int) -> None:
    model = build_model("mlp", arch, classes, features=features)
    assert count_params(model) == params


def test_a_seeded_build_repeats_and_a_bad_option_is_refused() -> None:
    first = build_model("mlp", "1300", 3, torch.Generator().manual_seed(1), features=13)
    second = build_model("mlp", "1300", 3, torch.Generator().manual_seed(1), features=13)
    assert all(torch.equal(a, b) for a, b in zip(first.parameters(), second.parameters(), strict=True))
    with pytest.raises(NasbenchError, match="expected features >= 1, got 0"):
        build_model("mlp", "1300", 3, features=0)
