"""The built wheel works on its own: installed (not editable) in a fresh venv, run from outside the checkout.

No network: the wheel is built with this environment's setuptools (`--no-build-isolation`),
installed with `--no-deps --no-index`, and the fresh venv sees this environment's
dependencies through a `.pth` line (never its editable nasbench, whose finder that line
does not run). The source is copied first, so a stale `build/` in the checkout cannot leak in.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

import nasbench

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "nasbench", "strategies", "data")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a clean copy of the sources."""
    pytest.importorskip("setuptools", minversion="77", reason="building the wheel offline needs setuptools>=77")
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(path, src / name)
    out = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    build = [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(src)]
    subprocess.run(build, check=True, capture_output=True, text=True, timeout=300)
    (path,) = out.glob("nasbench-*.whl")
    return path


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel, with this environment's dependencies visible; returns its bin folder."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    where = [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    purelib = Path(subprocess.run(where, check=True, capture_output=True, text=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    (purelib / "_nasbench_test_deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q"]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True, text=True, timeout=300)
    return root / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NASBENCH_DATA", "PYTHONHOME")}
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_the_wheel_ships_tables_surrogates_and_strategies_but_no_tests(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in (ROOT / "data").glob("*.h5"):
        assert f"nasbench/data/{table.name}" in names
    for surrogate in (ROOT / "data" / "surrogates").glob("*.json"):
        assert f"nasbench/data/surrogates/{surrogate.name}" in names
    assert {"nasbench/py.typed", "nasbench/strategies/random_search.py", "nasbench/cli/main.py"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    tops = {n.split("/")[0] for n in names}
    assert tops == {"nasbench", wheel.name.split("-py3")[0] + ".dist-info"}, tops  # no tests/, strategies/, ...


@pytest.mark.slow
def test_the_installed_wheel_lists_queries_and_compares_from_outside_the_checkout(
    venv: Path, tmp_path: Path
) -> None:
    where = _run(venv, tmp_path, str(venv / "python"), "-c", "import nasbench.registry as r; print(r.data_dir())")
    assert Path(where.strip()).is_relative_to(venv.parent) and not Path(where.strip()).is_relative_to(ROOT)
    listing = _run(venv, tmp_path, str(venv / "nasbench"), "list")
    assert "nb201:" in listing and "architectures: 15625" in listing
    record = json.loads(_run(venv, tmp_path, str(venv / "nasbench"), "query", "nb201", "17", "--json"))
    expected = nasbench.load("nb201", dataset=record["dataset"]).query(17)
    assert record["metrics"] == pytest.approx(expected, rel=0, abs=0)
    compare = ["compare", "--bench", "nb201", "--strategies", "rs,bananas", "--runs", "1", "--budget", "12evals"]
    _run(venv, tmp_path, str(venv / "nasbench"), *compare, "--out", str(tmp_path / "cmp"), "--quiet")
    assert sorted(p.name for p in (tmp_path / "cmp" / "runs").iterdir()) == ["bananas", "rs"]


@pytest.mark.slow
def test_strategies_is_no_top_level_package_of_the_wheel(venv: Path, tmp_path: Path) -> None:
    probe = "import importlib.util as u, nasbench.strategies as s; print(u.find_spec('strategies'), s.__file__)"
    spec, path = _run(venv, tmp_path, str(venv / "python"), "-c", probe).split()
    assert spec == "None" and Path(path).is_relative_to(venv.parent)
