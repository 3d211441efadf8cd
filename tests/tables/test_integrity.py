"""Damaged tables are refused, never served: the shipped manifest, copies of shipped tables, and checksummed tables."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

import nasbench
from nasbench.errors import TableFileError
from nasbench.files import sha256_file
from nasbench.registry import data_dir
from nasbench.tables import integrity
from nasbench.tables.format import read_header, read_table, write_table
from tests.tables.test_format import ARCHS, tiny_dataset

ROOT = Path(__file__).resolve().parents[2]
ROW = 9930  # the README's example: 91.5533 % mean validation accuracy on cifar10-valid


def damage(path: Path, dataset: str = "datasets/cifar10-valid/valid_acc/mean", row: int = ROW) -> None:
    """Overwrite 64 bytes in place, starting at `row` of `dataset`: same size, a plausible-looking file."""
    with h5py.File(path, "r") as h5:
        array = h5[dataset]
        start = array.id.get_offset() if array.chunks is None else array.id.get_chunk_info(0).byte_offset
        offset = start + row * int(np.prod(array.shape[1:])) * array.dtype.itemsize
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(b"\x42" * 64)


@pytest.fixture
def damaged_nb201(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    copy = folder / "nb201.h5"
    shutil.copy(data_dir() / "nb201.h5", copy)
    damage(copy)
    assert copy.stat().st_size == (data_dir() / "nb201.h5").stat().st_size
    return copy


def test_the_manifest_lists_every_shipped_table_with_its_sha256() -> None:
    sums = integrity.read_manifest(data_dir())
    assert sorted(sums) == sorted(p.name for p in data_dir().glob("*.h5"))
    for name, digest in sums.items():
        assert sha256_file(data_dir() / name) == digest, name


def test_a_damaged_copy_of_a_shipped_table_is_refused_anywhere(damaged_nb201, monkeypatch) -> None:
    with pytest.raises(TableFileError, match=f"table file {damaged_nb201} is damaged: expected SHA-256 b129"):
        nasbench.load(str(damaged_nb201))  # by path
    monkeypatch.setenv("NASBENCH_DATA", str(damaged_nb201.parent))
    with pytest.raises(TableFileError, match="it copies the shipped nb201.h5"):
        nasbench.load("nb201")  # by name, from a data folder without a manifest
    shutil.copy(integrity.shipped_dir() / integrity.MANIFEST, damaged_nb201.parent)
    integrity.forget(damaged_nb201)
    with pytest.raises(TableFileError, match=f"listed in {damaged_nb201.parent / integrity.MANIFEST}"):
        nasbench.load("nb201")  # by name, listed in the manifest beside it


def test_the_command_refuses_a_damaged_table_in_one_line(damaged_nb201) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nasbench.cli", "query", str(damaged_nb201), str(ROW)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"table file {damaged_nb201} is damaged" in result.stderr


def test_an_intact_copy_is_served(tmp_path) -> None:
    copy = tmp_path / "mine.h5"
    shutil.copy(data_dir() / "nb201.h5", copy)
    assert nasbench.load(str(copy)).query(ROW)["valid_acc"] == pytest.approx(91.5533, abs=1e-4)


def test_each_file_version_is_hashed_once(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "nb101.h5"
    shutil.copy(data_dir() / "nb101.h5", copy)
    calls: list[Path] = []

    def counted(path):
        calls.append(Path(path))
        return sha256_file(path)

    monkeypatch.setattr(integrity, "sha256_file", counted)
    bench = nasbench.load(str(copy))
    nasbench.load(str(copy))
    read_header(copy)
    assert calls == [copy]
    assert bench.data_sha256 == integrity.read_manifest(data_dir())["nb101.h5"]  # the check's hash, reused
    damage(copy, "datasets/cifar10/valid_acc/values", row=500)  # a new modification time: checked again
    with pytest.raises(TableFileError, match="damaged"):
        nasbench.load(str(copy))
    assert len(calls) == 2


def _tiny(path: Path, checksums: bool = True) -> Path:
    write_table(
        path, {"benchmark": "toy", "space": "toy", "fidelity_unit": "epochs"}, ARCHS, [tiny_dataset()], (), checksums
    )
    return path


def test_written_tables_carry_a_checksum_on_every_array(tmp_path) -> None:
    with h5py.File(_tiny(tmp_path / "toy.h5"), "r") as h5:
        arrays = []
        h5.visititems(lambda name, item: arrays.append(item) if isinstance(item, h5py.Dataset) else None)
        assert {a.name for a in arrays if not a.fletcher32} == {"/archs"}  # strings: covered by the metadata digest
        assert len(h5.attrs[integrity.META_DIGEST]) == 64
    with h5py.File(_tiny(tmp_path / "plain.h5", checksums=False), "r") as h5:
        assert integrity.META_DIGEST not in h5.attrs


def test_a_damaged_array_of_a_written_table_fails_its_fletcher32(tmp_path) -> None:
    path = _tiny(tmp_path / "toy.h5")
    assert read_table(path, "toy").metrics["acc"].values[0, 0, 1] == 80.0
    damage(path, "datasets/toy/acc/values", row=0)
    with pytest.raises(TableFileError, match=f"table file {path} is damaged: an array fails its Fletcher-32 checksum"):
        read_table(path, "toy")


@pytest.mark.parametrize(("old", "new"), [(b'"seeds":[0,1]', b'"seeds":[0,7]'), (b"bravo-0002", b"bravo-0003")])
def test_damaged_metadata_or_rows_of_a_written_table_are_refused(tmp_path, old: bytes, new: bytes) -> None:
    path = tmp_path / "toy.h5"
    archs = ["alpha-0001", "bravo-0002", "charlie-0003"]
    write_table(path, {"benchmark": "toy", "space": "toy", "fidelity_unit": "epochs"}, archs, [tiny_dataset()])
    data = path.read_bytes()
    assert data.count(old) == 1
    path.write_bytes(data.replace(old, new))
    with pytest.raises(TableFileError, match="its metadata or row strings differ from the SHA-256 recorded"):
        read_header(path)


def test_a_table_without_checksums_outside_the_shipped_ones_is_read_as_before(tmp_path) -> None:
    path = _tiny(tmp_path / "plain.h5", checksums=False)
    assert read_table(path, "toy").metrics["acc"].values[0, 0, 1] == 80.0


@pytest.mark.slow
def test_a_wheel_ships_the_manifest_and_tables_that_match_it(tmp_path) -> None:
    source = tmp_path / "src"  # a copy: pip builds in the source tree, and the checkout stays as it is
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source)
    for name in ("nasbench", "strategies", "data"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(source)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("nasbench-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")
    package = tmp_path / "site" / "nasbench" / "data"
    sums = integrity.read_manifest(package)
    assert sorted(sums) == sorted(p.name for p in package.glob("*.h5"))
    assert all(sha256_file(package / name) == digest for name, digest in sums.items())
    script = "import nasbench.registry as r, nasbench; print(r.data_dir()); print(nasbench.load('nb101').info.size)"
    env = {k: v for k, v in os.environ.items() if k != "NASBENCH_DATA"} | {"PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path / "site", env=env, timeout=120
    )
    assert result.stdout.split() == [str(package), "1000"], result.stderr
