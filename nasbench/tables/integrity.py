"""Damage detection for table files: a damaged table is refused, never served.

Owns the checks that a table file's bytes are the bytes that were written, and the per-process
memory of the files already checked (keyed by path, size and modification time, so each file is
checked once per process and again whenever it changes). Three ways, by what the file carries:

* a table listed in a `SHA256SUMS` manifest beside it (the shipped tables: `sha256sum -c` reads the
  same file) must have that SHA-256;
* a table written with checksums (`write_table`'s default) carries Fletcher-32 on every array, which
  HDF5 verifies on each read, and the SHA-256 of its metadata and row strings, verified here;
* a copy of a shipped table elsewhere (same metadata as a listed one) must have the listed SHA-256.

A table that carries none of these (built by an older nasbench) is served as it is. This module
must not read value arrays or know search spaces.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import h5py

from nasbench.errors import TableFileError
from nasbench.files import atomic_path, sha256_file

MANIFEST = "SHA256SUMS"
META_DIGEST = "meta_sha256"  # root attribute: SHA-256 of every metadata attribute and row string
_VERIFIED: dict[tuple[str, int, int], str | None] = {}  # file key -> its SHA-256 where it was hashed
_SHIPPED_META: dict[str, tuple[str, str]] = {}  # root meta of a shipped table -> (its SHA-256, its name)


def shipped_dir() -> Path:
    """The folder of the tables shipped with nasbench: the installed package's data, else the checkout's."""
    package = _package()
    installed = package / "data"  # a wheel maps the repository's data/ to nasbench/data/
    return installed if installed.is_dir() else package.parent / "data"


@cache  # resolving the path reads every folder up to the root: ~50 µs, asked once or twice per run
def _package() -> Path:
    return Path(__file__).resolve().parent.parent


def read_manifest(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 from `folder/SHA256SUMS` (empty where there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    sums = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise TableFileError(f"expected '<sha256>  <file>' on line {number} of {path}, got {line!r}")
        sums[name.lstrip("*")] = digest
    return sums


def write_manifest(folder: Path, names: Iterable[str]) -> Path:
    """Write `folder/SHA256SUMS` for the named files (sorted, `sha256sum` format)."""
    lines = [f"{sha256_file(folder / name)}  {name}\n" for name in sorted(names)]
    with atomic_path(folder / MANIFEST) as tmp:
        tmp.write_text("".join(lines))
    return folder / MANIFEST


def _key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def known_sha256(path: Path) -> str | None:
    """The SHA-256 computed when `path` was checked, if it was hashed and has not changed since."""
    try:
        return _VERIFIED.get(_key(path))
    except OSError:
        return None


def check(path: Path, h5: h5py.File) -> None:
    """Refuse a damaged table file (once per process and file version); `h5` is the open file."""
    key = _key(path)
    if key in _VERIFIED:
        return
    digest: str | None = None
    if META_DIGEST in h5.attrs:
        _check_meta_digest(path, h5)  # the arrays' Fletcher-32 is HDF5's to check, on every read
    else:
        expected, source = _expected_sha256(path, str(h5.attrs.get("meta", "")))
        if expected is not None:
            digest = sha256_file(path)
            if digest != expected:
                raise TableFileError(
                    f"table file {path} is damaged: expected SHA-256 {expected[:16]}… {source}, got {digest[:16]}…"
                )
    _VERIFIED[key] = digest


def _expected_sha256(path: Path, meta: str) -> tuple[str | None, str]:
    """The SHA-256 the file must have, and where that is recorded; None where nothing records one."""
    listed = read_manifest(path.parent).get(path.name)
    if listed is not None:
        return listed, f"(listed in {path.parent / MANIFEST}; reinstall nasbench or `git checkout` the file)"
    shipped = _shipped_meta().get(meta)
    if shipped is not None:
        return shipped[0], f"(it copies the shipped {shipped[1]}; copy {shipped_dir() / shipped[1]} again)"
    return None, ""


def _shipped_meta() -> dict[str, tuple[str, str]]:
    """Root metadata of each shipped table -> its listed SHA-256 and name (read once per process)."""
    if not _SHIPPED_META:
        folder = shipped_dir()
        for name, digest in read_manifest(folder).items():
            try:
                with h5py.File(folder / name, "r") as h5:
                    _SHIPPED_META[str(h5.attrs.get("meta", ""))] = (digest, name)
            except OSError:
                continue  # a shipped file that does not open is refused when it is itself read
    return _SHIPPED_META


def metadata_digest(h5: h5py.File) -> str:
    """SHA-256 over every `meta` attribute (with its group's path) and the row strings, in a fixed order."""
    digest = hashlib.sha256()
    groups: dict[str, h5py.Group] = {"/": h5}

    def collect(name: str, item: object) -> None:
        if isinstance(item, h5py.Group):
            groups[name] = item

    h5.visititems(collect)
    for name in sorted(groups):
        digest.update(f"{name}\0{groups[name].attrs.get('meta', '')}\0".encode())
    for text in h5["archs"][()]:
        digest.update(text + b"\0")
    return digest.hexdigest()


def _check_meta_digest(path: Path, h5: h5py.File) -> None:
    if metadata_digest(h5) != h5.attrs[META_DIGEST]:
        raise TableFileError(
            f"table file {path} is damaged: its metadata or row strings differ from the SHA-256 recorded "
            "when it was written; rebuild or restore it"
        )


def forget(path: str | os.PathLike[str]) -> None:
    """Drop what this process remembers of `path` (a test that damages a file in place calls this)."""
    resolved = str(Path(path).resolve())
    for key in [k for k in _VERIFIED if k[0] == resolved]:
        del _VERIFIED[key]
