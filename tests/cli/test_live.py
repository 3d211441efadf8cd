"""The live commands (train, build-table, validate, export): refusals before any work, in one line, and threads."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from nasbench.cli import main  # noqa: E402
from nasbench.cli.live import output_file  # noqa: E402
from nasbench.errors import NasbenchError  # noqa: E402
from tests.cli.test_main import EXAMPLE, nasbench  # noqa: E402

TINY = ["--channels", "4", "--cells", "1"]


def unwritable_places(tmp_path: Path) -> list[Path]:
    """Places no user (root included) can create a file in: below a file, and in /proc."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return [blocker / "net.pt", blocker / "deeper" / "net.pt", Path("/proc/nasbench-net.pt")]


def test_output_file_refuses_what_cannot_be_written_and_creates_nothing(tmp_path) -> None:
    for place in unwritable_places(tmp_path):
        with pytest.raises(NasbenchError, match=f"expected a writable place for --out, got {place}: cannot create"):
            output_file(str(place))
    with pytest.raises(NasbenchError, match="expected a file for --out, got the folder"):
        output_file(str(tmp_path))
    output_file(str(tmp_path / "new" / "folders" / "net.pt"))  # missing folders are fine: they can be made
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_build_table_with_an_empty_archs_file_is_one_line(tmp_path) -> None:
    archs = tmp_path / "archs.txt"
    archs.write_text("# nothing yet\n\n")
    out = tmp_path / "t.h5"
    result = nasbench("build-table", "--archs", str(archs), "--out", str(out), "--epochs", "1", *TINY)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"expected at least one architecture string in --archs {archs}, got none" in result.stderr
    assert not out.exists()


def test_train_and_surrogate_fit_refuse_an_unwritable_out_before_the_work(tmp_path) -> None:
    place = unwritable_places(tmp_path)[0]
    start = time.perf_counter()
    train = nasbench("train", "nb201", EXAMPLE, "--epochs", "50", "--out", str(place.with_suffix(".json")))
    fit = nasbench("surrogate", "fit", "nb201", "--out", str(place.with_suffix(".json")))  # a fit and card: minutes
    assert time.perf_counter() - start < 60
    for result in (train, fit):
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "expected a writable place for --out" in result.stderr and "epoch" not in result.stderr


def test_train_uses_one_thread_unless_asked(tmp_path, capsys) -> None:
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        args = ["train", "nb201", EXAMPLE, "--epochs", "1", *TINY, "--quiet", "--json"]
        assert main(args) == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert "default 1: never oversubscribes" in nasbench("train", "--help").stdout
