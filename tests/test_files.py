"""Atomic writes and hashing."""

from __future__ import annotations

import hashlib

import pytest

from nasbench.files import atomic_path, sha256_file


def test_atomic_path_publishes_on_success(tmp_path) -> None:
    final = tmp_path / "sub" / "out.txt"
    with atomic_path(final) as tmp:
        tmp.write_text("done")
        assert not final.exists()
    assert final.read_text() == "done"
    assert [p.name for p in final.parent.iterdir()] == ["out.txt"]


def test_atomic_path_leaves_nothing_on_failure(tmp_path) -> None:
    final = tmp_path / "out.txt"
    final.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(final) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert final.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_sha256(tmp_path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"abc" * 1000)
    assert sha256_file(path) == hashlib.sha256(b"abc" * 1000).hexdigest()
