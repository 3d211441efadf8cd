"""The proxy table builder: resumable, deterministic, refuses other settings, loads like any table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nasbench
from nasbench.cli.main import main
from nasbench.proxies.build import ProxyBuildError, ProxySpec, build_proxy_table, cell_order, score_cell
from nasbench.proxies.inputs import BatchSpec, make_batch
from nasbench.tables.format import read_table

TINY = {"channels": 2, "cells": 1}
PROXIES = ("synflow", "naswot", "snip", "params")


def _spec(kind: str = "gaussian", proxies: tuple[str, ...] = PROXIES) -> ProxySpec:
    return ProxySpec("nb201", proxies, BatchSpec(kind, 4, 4), 0, dict(TINY))


def test_the_order_is_a_fixed_shuffle_of_every_row() -> None:
    order = cell_order(15625)
    assert sorted(order) == list(range(15625)) and order[:50] != list(range(50))
    assert cell_order(15625) == order


def test_batches_are_fixed_and_named() -> None:
    for kind in ("gaussian", "digits"):
        spec = BatchSpec(kind, 4, 6)
        (a, y), (b, z) = make_batch(spec), make_batch(spec)
        assert a.shape == (4, 3, 6, 6) and torch_equal(a, b) and torch_equal(y, z)
        assert kind in spec.describe()


def torch_equal(a: object, b: object) -> bool:
    import torch

    assert isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)
    return bool(torch.equal(a, b))


def test_a_cell_scores_the_same_every_time() -> None:
    spec = _spec("digits")
    first, second = score_cell(spec, 1234), score_cell(spec, 1234)
    assert first[1] == second[1]
    assert first[1]["params"] > 0 and np.isfinite(first[1]["synflow"])


@pytest.mark.slow
def test_an_interrupted_build_resumes_to_the_same_table(tmp_path: Path) -> None:
    spec = _spec()
    build_proxy_table(spec, tmp_path / "a.h5", limit=3, quiet=True)
    resumed = build_proxy_table(spec, tmp_path / "a.h5", limit=6, quiet=True)
    assert (resumed.scored_now, resumed.cells) == (3, 6)
    build_proxy_table(spec, tmp_path / "b.h5", limit=6, jobs=2, quiet=True)
    a, b = read_table(tmp_path / "a.h5", "gaussian"), read_table(tmp_path / "b.h5", "gaussian")
    assert a.archs() == b.archs() and len(a.archs()) == 6
    for name in PROXIES:
        assert np.array_equal(a.metrics[name].values, b.metrics[name].values)
        assert a.metrics[name].direction == "maximize"
    assert "gaussian: 4 x 3 x 4 x 4" in a.dataset["notes"] and a.meta["build"]["cells"] == 6


def test_a_table_of_other_settings_is_refused(tmp_path: Path) -> None:
    build_proxy_table(_spec(), tmp_path / "a.h5", limit=1, quiet=True)
    with pytest.raises(ProxyBuildError, match="other settings"):
        build_proxy_table(_spec("digits"), tmp_path / "a.h5", limit=1, quiet=True)


def test_the_table_loads_and_answers_queries(tmp_path: Path) -> None:
    out = tmp_path / "p.h5"
    build_proxy_table(_spec(), out, limit=4, quiet=True)
    bench = nasbench.load(str(out))
    arch = read_table(out, "gaussian").archs()[0]
    record = bench.query(arch)
    assert record["synflow"] > 0 and bench.info.metrics["synflow"].maximize


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--space", "nb201", "--proxies", "synflow,magic"], "expected proxies among"),
        (["--space", "nb101"], "expected a space with a model builder"),
        (["--space", "nb201", "--resolution", "2"], "expected a resolution of at least 4"),
        (["--space", "nb201", "--batch", "cifar"], "expected --batch among"),
        (["--space", "nb201", "--batch-size", "1"], "expected a batch of at least 2"),
        (["--space", "nb201", "--jobs", "0"], "expected --jobs >= 1"),
        (["--space", "nb201", "--limit", "0"], "expected --limit >= 1"),
        (["--space", "nb201", "--batch", "cifar10"], "expected --data-dir"),
        (["--space", "nb201", "--batch", "cifar100", "--data-dir", "/nonexistent"], "expected cifar100 in the"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    out = tmp_path / "p.h5"
    assert main(["proxies", *argv, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_command_builds_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p.h5"
    argv = ["proxies", "--space", "macro", "--proxies", "params,flops,zen", "--batch", "gaussian"]
    assert main([*argv, "--batch-size", "2", "--resolution", "4", "--limit", "2", "--out", str(out), "--quiet"]) == 0
    assert "2/6561 cells" in capsys.readouterr().out


@pytest.mark.slow
def test_a_killed_build_writes_what_it_has_and_says_how_to_resume(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "p.h5"
    argv = ["proxies", "--space", "nb201", "--channels", "2", "--cells", "1", "--proxies", "params,synflow"]
    argv += ["--batch", "gaussian", "--batch-size", "2", "--resolution", "4", "--out", str(out), "--write-every", "0"]
    code = "import sys; from nasbench.cli.main import main; sys.exit(main(sys.argv[1:]))"
    process = subprocess.Popen([sys.executable, "-c", code, *argv, "--quiet"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not out.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130 and "rerun the same command to resume" in err
    cells = len(read_table(out, "gaussian").archs())
    assert 0 < cells < 15625
