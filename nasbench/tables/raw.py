"""Reading raw public result files safely, and hashing them for provenance.

Owns what the converters in scripts/ share; nothing at query time uses it.
"""

from __future__ import annotations

import argparse
import io
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from nasbench.files import sha256_file

RAW_ROOT = Path(__file__).resolve().parents[3] / "shared" / "raw"


# numpy scalars are pickled by these two callables; nothing else is ever allowed.
NUMPY_SCALARS = {("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"), ("numpy", "dtype")}


class _PlainUnpickler(pickle.Unpickler):
    """Unpickle builtins (and, when allowed, numpy scalars): the raw dumps hold plain values."""

    def __init__(self, data: bytes, allow_numpy_scalars: bool) -> None:
        super().__init__(io.BytesIO(data))
        self.allow_numpy_scalars = allow_numpy_scalars

    def find_class(self, module: str, name: str) -> type:
        if self.allow_numpy_scalars and (module, name) in NUMPY_SCALARS:
            return super().find_class(module.replace("numpy.core", "numpy._core"), name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a raw data file")


def load_plain_pickle(data: bytes, allow_numpy_scalars: bool = False) -> object:
    """A pickle of plain Python values (optionally numpy scalars), refusing any other class."""
    return _PlainUnpickler(data, allow_numpy_scalars).load()


def hashes(raw: Path, paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each raw file, keyed by its path under the raw root."""
    return {str(p.relative_to(raw)): sha256_file(p) for p in sorted(paths)}


def run_converter(
    argv: Sequence[str] | None, doc: str, raw: Path, out: Path, convert: Callable[[Path, Path], None]
) -> int:
    """The command line every converter shares: --raw and --out, one-line error if the raw folder is absent."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=raw, help="the raw folder (default: ../shared/raw/...)")
    parser.add_argument("--out", type=Path, default=out, help="the table to write")
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        print(f"{parser.prog}: raw folder not found: {args.raw}", file=sys.stderr)
        return 2
    convert(args.raw, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0
