"""The optional libraries the adapters wrap, imported only when an adapter is used.

Owns turning a missing optional library into one line naming the extra to install; it
imports nothing at load time.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from nasbench.errors import NasbenchError


class MissingExtra(NasbenchError):
    """An adapter whose library is not installed."""


def require(module: str, extra: str) -> ModuleType:
    """Import `module`, or raise `MissingExtra` naming the pip extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(
            f"expected the {module.split('.')[0]} package for this adapter, got none installed; "
            f"install it with: pip install 'nasbench[{extra}]'"
        ) from None
