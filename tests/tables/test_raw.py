"""Reading raw result files safely (plain pickles only) and hashing them; the converters' shared command line."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from nasbench.tables.raw import load_plain_pickle


def test_raw_pickles_are_read_without_classes() -> None:
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        load_plain_pickle(pickle.dumps(pd.Timestamp(0)))


class _Runs:
    """A class that would run a shell command when unpickled."""

    def __reduce__(self):
        import os

        return (os.system, ("echo pwned",))


def test_plain_values_round_trip_and_numpy_scalars_only_when_allowed() -> None:
    import numpy as np

    plain = {"arch": "|none~0|", "acc": [91.5, None, True], "seeds": (0, 1), "n": 10**20}
    assert load_plain_pickle(pickle.dumps(plain)) == plain
    scalar = pickle.dumps({"acc": np.float64(91.5)})
    with pytest.raises(pickle.UnpicklingError, match=r"^refusing to load numpy.*scalar from a raw data file$"):
        load_plain_pickle(scalar)
    loaded = load_plain_pickle(scalar, allow_numpy_scalars=True)
    assert loaded == {"acc": 91.5} and type(loaded["acc"]) is np.float64
    with pytest.raises(pickle.UnpicklingError, match="refusing to load posix.system"):
        load_plain_pickle(pickle.dumps(_Runs()), allow_numpy_scalars=True)


def test_hashes_are_keyed_by_the_path_under_the_raw_root(tmp_path) -> None:
    from nasbench.tables.raw import hashes

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.pkl").write_bytes(b"abc")
    (tmp_path / "a.pkl").write_bytes(b"")
    found = hashes(tmp_path, [tmp_path / "sub" / "b.pkl", tmp_path / "a.pkl"])
    assert list(found) == ["a.pkl", "sub/b.pkl"]
    # FIPS 180-2, appendix B.1, and the SHA-256 of nothing
    assert found["sub/b.pkl"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert found["a.pkl"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_the_converter_command_line(tmp_path, capsys) -> None:
    from nasbench.tables.raw import run_converter

    calls = []

    def convert(raw, out) -> None:
        calls.append((raw, out))
        out.write_bytes(b"x" * 1_500_000)

    raw, out = tmp_path / "raw", tmp_path / "t.h5"
    assert run_converter(["--raw", str(raw), "--out", str(out)], "Convert.\n", raw, out, convert) == 2
    assert capsys.readouterr().err.endswith(f": raw folder not found: {raw}\n") and calls == [] and not out.exists()
    raw.mkdir()
    assert run_converter([], "Convert.\n", raw, out, convert) == 0  # the defaults
    assert calls == [(raw, out)] and capsys.readouterr().out == f"wrote {out} (1.5 MB)\n"
