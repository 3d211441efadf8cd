"""Search spaces by name. Each space lives in its own module."""

from __future__ import annotations

from typing import Any

from nasbench.errors import UnknownName
from nasbench.spaces.base import EnumerableSpace, SearchSpace
from nasbench.spaces.nb201 import NB201Arch, NB201Space

SPACES: dict[str, type[SearchSpace[Any]]] = {"nb201": NB201Space}


def get_space(name: str) -> SearchSpace[Any]:
    """A fresh instance of the space called `name`."""
    if name not in SPACES:
        raise UnknownName(f"unknown search space {name!r}; available: {', '.join(sorted(SPACES))}")
    return SPACES[name]()


__all__ = ["SPACES", "EnumerableSpace", "NB201Arch", "NB201Space", "SearchSpace", "get_space"]
