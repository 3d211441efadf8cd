"""Export of live networks: TorchScript and torch.export programs, refusals of bad suffixes and places."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from nasbench.errors import NasbenchError  # noqa: E402
from nasbench.live import build_model  # noqa: E402
from nasbench.live.export import export_network  # noqa: E402
from nasbench.spaces import get_space  # noqa: E402
from tests.cli.test_main import EXAMPLE, nasbench  # noqa: E402

TINY = ["--channels", "4", "--cells", "1"]


def unwritable_places(tmp_path: Path) -> list[Path]:
    """Places no user (root included) can create a file in: below a file, and in /proc."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return [blocker / "net.pt", blocker / "deeper" / "net.pt", Path("/proc/nasbench-net.pt")]


def test_export_refuses_unknown_suffixes(tmp_path) -> None:
    out = tmp_path / "net.onnx"
    result = nasbench("export", "nb201", EXAMPLE, "--out", str(out))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "expected an output file ending in .pt (TorchScript), .pt2 (a torch.export program)" in result.stderr
    assert not out.exists()
    for name in ("net.onnx", "net", "net.pt.tmp", "net.PT"):
        with pytest.raises(NasbenchError, match=f"expected an output file ending in .*, got '.*{name}'"):
            export_network("nb201", get_space("nb201").parse(EXAMPLE), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_export_into_an_unwritable_place_is_one_line(tmp_path) -> None:
    place = unwritable_places(tmp_path)[-1]
    result = nasbench("export", "nb201", EXAMPLE, "--out", str(place), *TINY)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"expected a writable place for --out, got {place}" in result.stderr


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


def test_a_trained_network_saved_both_ways_gives_the_same_outputs(tmp_path: Path) -> None:
    from nasbench.live.export import save_network
    from nasbench.live.tasks import Rescaled

    model = Rescaled(build_model("mlp", "1111", num_classes=1, features=3), 5.0, 2.0)  # a regression head
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    exported = torch.export.load(str(save_network(model, x[:2], tmp_path / "net.pt2"))).module()
    scripted = torch.jit.load(str(save_network(model, x[:2], tmp_path / "net.pt")))
    with torch.no_grad():
        expected = model.eval()(x)
        torch.testing.assert_close(exported(x), expected)
        torch.testing.assert_close(scripted(x), expected)
    with pytest.raises(NasbenchError, match="expected an output file ending in"):
        save_network(model, x[:2], tmp_path / "net.onnx")
