"""Reading raw public result files safely, and hashing them for provenance.

Owns what the converters in scripts/ share; nothing at query time uses it.
"""

from __future__ import annotations

import io
import pickle
from pathlib import Path

from nasbench.files import sha256_file

RAW_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "raw"


class _PlainUnpickler(pickle.Unpickler):
    """Unpickle builtins only: the raw dumps hold dicts, lists, strings and numbers."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a raw data file")


def load_plain_pickle(data: bytes) -> object:
    """A pickle of plain Python values, refusing any class."""
    return _PlainUnpickler(io.BytesIO(data)).load()


def hashes(raw: Path, paths: list[Path]) -> dict[str, str]:
    """SHA-256 of each raw file, keyed by its path under the raw root."""
    return {str(p.relative_to(raw)): sha256_file(p) for p in sorted(paths)}
