"""The live path's errors: each a NasbenchError, so the CLI prints one line and exits 2."""

from __future__ import annotations

import pytest

from nasbench.errors import NasbenchError
from nasbench.live.errors import BuildTableError, DatasetFilesError, DeviceUnavailable, TorchMissing

torch = pytest.importorskip("torch")

from nasbench.cli import main  # noqa: E402
from tests.cli.test_main import EXAMPLE  # noqa: E402


def test_every_live_error_is_a_nasbench_error() -> None:
    for error in (TorchMissing, DeviceUnavailable, DatasetFilesError, BuildTableError):
        assert issubclass(error, NasbenchError) and issubclass(error, ValueError)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--device", "tpu"], "expected a device among auto, cpu, cuda, mps (or cuda:N), got 'tpu'"),
        (["--dataset", "cifar10", "--data-dir", "/nonexistent"], "/nonexistent"),
    ],
)
def test_the_cli_prints_a_live_error_as_one_line(tmp_path, capsys, args: list[str], message: str) -> None:
    out = tmp_path / "run.json"
    assert main(["train", "nb201", EXAMPLE, "--epochs", "1", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err and not out.exists()
