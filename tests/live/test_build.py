"""The table builder: selection, the written table, resume after an interruption, refusals, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from nasbench.cli import main  # noqa: E402
from nasbench.errors import InvalidArchitecture, NasbenchError, TableFileError  # noqa: E402
from nasbench.live.build import BuildSpec, build_table, select_archs, spec_of_table  # noqa: E402
from nasbench.live.errors import BuildTableError  # noqa: E402
from nasbench.live.train import get_protocol  # noqa: E402
from nasbench.registry import load  # noqa: E402
from nasbench.spaces import get_space  # noqa: E402
from nasbench.tables.format import MEASURED, MISSING, Dataset, Metric, read_table, write_table  # noqa: E402

TINY = {"channels": 4, "cells": 1}
SIBLINGS = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"  # a class of many cells
PERFORMANCE = ("valid_acc", "valid_loss", "train_acc", "train_loss", "test_acc", "test_loss")


def _spec(epochs: int = 2, seeds: tuple[int, ...] = (0, 1)) -> BuildSpec:
    return BuildSpec("nb201", "digits", get_protocol(None, "digits", epochs), seeds, dict(TINY))


@pytest.fixture(scope="module")
def five() -> list[str]:
    return [*select_archs("nb201", "random:4"), SIBLINGS]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory, five: list[str]) -> Path:
    out = tmp_path_factory.mktemp("full") / "tiny.h5"
    build_table(_spec(), five, out, quiet=True)
    return out


def test_selection_modes(tmp_path: Path) -> None:
    space = get_space("nb201")
    unique = select_archs("nb201", "unique")
    assert len(unique) == 6466 and len({space.canonical(space.parse(a)) for a in unique}) == 6466
    assert select_archs("nb201", "random:7")[:3] == select_archs("nb201", "random:3")  # a larger N extends
    assert select_archs("nb201", "random:3", sample_seed=1) != select_archs("nb201", "random:3")
    assert len(select_archs("nb201", "all")) == 15625
    listed = tmp_path / "archs.txt"
    listed.write_text(f"# two archs, one twice\n{unique[5]}\n\n{unique[9]}\n{unique[5]}\n")
    assert select_archs("nb201", str(listed)) == [unique[5], unique[9]]
    for bad in ("random:0", "random:x", "random:7000", str(tmp_path / "none.txt")):
        with pytest.raises(BuildTableError, match="expected --archs"):
            select_archs("nb201", bad)


def test_the_table_lists_the_trained_classes_with_full_curves(uninterrupted: Path, five: list[str]) -> None:
    table = read_table(uninterrupted, "digits")
    assert table.dataset["fidelities"] == [1, 2] and table.dataset["seeds"] == [0, 1]
    assert table.meta["row_order"] == "listed"  # a partial build: only trained classes have rows
    space = get_space("nb201")
    listed = [space.parse(a) for a in table.archs()]
    assert [space.index(a) for a in listed] == sorted(space.index(a) for a in listed)
    assert {space.canonical(a) for a in listed} == {space.canonical(space.parse(a)) for a in five}
    members = sum(1 for a in space.all() if space.canonical(a) == space.canonical(space.parse(SIBLINGS)))
    assert len(listed) == 4 + members  # isomorphic cells share their class's results
    assert (table.metrics["valid_acc"].status == MEASURED).all()
    test = table.metrics["test_acc"]
    assert (test.status[:, :, -1] == MEASURED).all() and (test.status[:, :, 0] == MISSING).all()
    assert np.isfinite(table.metrics["params"].values).all() and np.isfinite(table.metrics["flops"].values).all()
    row = table.archs().index(five[0])
    twin = next(i for i, a in enumerate(listed) if space.canonical(a) == space.canonical(space.parse(SIBLINGS)))
    assert not np.array_equal(table.metrics["valid_acc"].values[row], table.metrics["valid_acc"].values[twin])
    assert spec_of_table(uninterrupted) == _spec()


def test_an_interrupted_build_resumes_to_the_uninterrupted_table(
    tmp_path: Path, five: list[str], uninterrupted: Path
) -> None:
    out = tmp_path / "tiny.h5"
    written: list[str] = []

    def stop_after_two(arch: str) -> None:
        written.append(arch)
        if len(written) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_table(_spec(), five, out, quiet=True, on_written=stop_after_two)
    partial = read_table(out, "digits")  # a valid table holding the two finished architectures
    assert len(partial.meta["build"]["trained"]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.h5"]
    summary = build_table(_spec(), five, out, quiet=True)
    assert (summary.trained_now, summary.finished) == (3, 5)
    resumed, fresh = read_table(out, "digits"), read_table(uninterrupted, "digits")
    for name in (*PERFORMANCE, "params", "flops"):
        assert np.array_equal(resumed.metrics[name].values, fresh.metrics[name].values, equal_nan=True), name
        assert np.array_equal(resumed.metrics[name].status, fresh.metrics[name].status), name


def test_other_builds_and_foreign_files_are_refused(tmp_path: Path, five: list[str], uninterrupted: Path) -> None:
    with pytest.raises(BuildTableError, match="another seeds: expected \\[0\\], got \\[0, 1\\]"):
        build_table(_spec(seeds=(0,)), five, uninterrupted, quiet=True)
    with pytest.raises(BuildTableError, match="another protocol: expected {'epochs': 3}, got {'epochs': 2} "):
        build_table(_spec(epochs=3), five, uninterrupted, quiet=True)  # only the field that differs
    with pytest.raises(NasbenchError, match="channels >= 1, got 0"):  # refused before any training
        build_table(
            BuildSpec("nb201", "digits", get_protocol(None, "digits", 1), (0,), {"channels": 0}),
            five,
            tmp_path / "x.h5",
        )
    foreign = tmp_path / "foreign.h5"
    metric = Metric("acc", "%", "maximize", "accuracy", ("arch",), np.ones(2))
    write_table(
        foreign, {"title": "someone else's"}, ["a", "b"], [Dataset("digits", [1], [], "acc", "acc", "acc", [metric])]
    )
    with pytest.raises(BuildTableError, match="expected a table written by nasbench build-table"):
        build_table(_spec(), five, foreign, quiet=True)
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"not hdf5")
    with pytest.raises(TableFileError):
        build_table(_spec(), five, garbage, quiet=True)


def test_a_macro_table_names_its_own_paper(tmp_path: Path) -> None:
    spec = BuildSpec("macro", "digits", get_protocol(None, "digits", 1), (0,))
    build_table(spec, ["01201201"], tmp_path / "macro.h5", quiet=True)
    meta = read_table(tmp_path / "macro.h5", "digits").meta
    assert meta["title"].startswith("NAS-Bench-Macro") and meta["reference"].startswith("Su et al.")


def test_the_built_table_is_a_benchmark(uninterrupted: Path, five: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NASBENCH_DATA", str(uninterrupted.parent))
    bench = load("tiny")
    assert bench.info.observe == "valid_acc" and bench.info.fidelities == (1, 2) and bench.info.cost == "train_seconds"
    with pytest.raises(InvalidArchitecture, match="not among the .* this table holds"):
        bench.query(select_archs("nb201", "random:6")[5])  # a class that was not trained
    record = bench.query(five[0], fidelity=1)
    assert 0 <= record["valid_acc"] <= 100 and record["train_seconds"] > 0
    assert (
        bench.query(five[0], fidelity=2, seed=1)["train_seconds"]
        > bench.query(five[0], fidelity=1, seed=1)["train_seconds"]
    )


@pytest.mark.slow
def test_two_workers_give_the_same_table(tmp_path: Path, five: list[str], uninterrupted: Path) -> None:
    out = tmp_path / "parallel.h5"
    build_table(_spec(), five[:3], out, jobs=2, quiet=True)
    parallel, serial = read_table(out, "digits"), read_table(uninterrupted, "digits")
    for arch in five[:3]:
        p, s = parallel.archs().index(arch), serial.archs().index(arch)
        for name in PERFORMANCE:
            assert np.array_equal(parallel.metrics[name].values[p], serial.metrics[name].values[s], equal_nan=True)


def test_cli_build_train_export_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.h5"
    args = ["build-table", "--archs", "random:2", "--seeds", "1", "--epochs", "1", "--channels", "4", "--cells", "1"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    assert "2/2 architectures x 1 seeds done (2 trained now" in capsys.readouterr().out
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    assert "(0 trained now" in capsys.readouterr().out
    assert "--archs random:2 --sample-seed 0 " in read_table(out, "digits").meta["build"]["command"]
    arch = select_archs("nb201", "random:1")[0]
    assert main(["train", "nb201", arch, "--epochs", "1", "--channels", "4", "--cells", "1", "--device", "cpu"]) == 0
    assert "valid acc" in capsys.readouterr().out
    assert main(["export", "nb201", arch, "--out", str(tmp_path / "net.pt")]) == 0
    assert (tmp_path / "net.pt").stat().st_size > 0
    assert main(["export", "nb201", arch, "--out", str(tmp_path / "net.pt2"), "--channels", "4", "--cells", "1"]) == 0
    assert "torch.export program" in capsys.readouterr().out
    for bad in (
        ["train", "nb201", "not-an-arch"],
        ["train", "nb201", arch, "--channels", "0"],
        ["train", "macro", "01201201", "--cells", "2"],
        ["train", "nb201", arch, "--threads", "0"],
        ["train", "nb201", arch, "--out", str(tmp_path)],
        ["export", "nb201", arch, "--out", str(tmp_path / "tiny.pt"), "--input-size", "1"],
        ["export", "nb201", arch, "--out", str(tmp_path)],
        ["train", "nb201", arch, "--dataset", "cifar10", "--data-dir", str(tmp_path / "absent")],
        ["train", "nb201", arch, "--dataset", "svhn"],
        ["build-table", "--out", str(tmp_path / "x.txt")],
        [*args, "--out", str(out), "--seeds", "2"],
    ):
        assert main(bad) == 2
        assert capsys.readouterr().err.count("\n") == 1  # one line, no traceback
    if not torch.cuda.is_available():
        assert main(["train", "nb201", arch, "--device", "cuda"]) == 2
        assert "expected a CUDA GPU" in capsys.readouterr().err


def test_without_torch_the_core_works_and_live_commands_say_how_to_install() -> None:
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from nasbench.cli import main\n"
        "assert main(['query', 'nb201', '0']) == 0\n"
        "assert main(['train', 'nb201', '0']) == 2\n"
        "assert 'torch' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert 'live training needs PyTorch: pip install -e ".[live]"' in done.stderr
