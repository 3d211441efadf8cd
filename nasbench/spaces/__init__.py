"""Search spaces by name. Each space lives in its own module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nasbench.errors import UnknownName
from nasbench.spaces.accel import AccelSpace
from nasbench.spaces.base import EnumerableSpace, SearchSpace
from nasbench.spaces.fcnet import fcnet_space
from nasbench.spaces.graph import GraphArch, GraphSpace
from nasbench.spaces.macro import macro_space
from nasbench.spaces.mlp import mlp_space
from nasbench.spaces.nb101 import NB101Arch, NB101Space
from nasbench.spaces.nb201 import NB201Arch, NB201Space
from nasbench.spaces.nlp import NLPArch, NLPSpace
from nasbench.spaces.product import ProductArch, ProductSpace

SPACES: dict[str, Callable[..., SearchSpace[Any]]] = {
    "nb201": NB201Space,
    "macro": macro_space,
    "fcnet": fcnet_space,
    "graph": GraphSpace,
    "nlp": NLPSpace,
    "nb101": NB101Space,
    "accel": AccelSpace,
    "mlp": mlp_space,
}


def get_space(name: str, **options: Any) -> SearchSpace[Any]:
    """A fresh instance of the space called `name` (options: e.g. the layer types a dataset used)."""
    if name not in SPACES:
        raise UnknownName(f"unknown search space {name!r}; available: {', '.join(sorted(SPACES))}")
    return SPACES[name](**options)


__all__ = [
    "SPACES",
    "AccelSpace",
    "EnumerableSpace",
    "GraphArch",
    "GraphSpace",
    "NB101Arch",
    "NB101Space",
    "NB201Arch",
    "NB201Space",
    "NLPArch",
    "NLPSpace",
    "ProductArch",
    "ProductSpace",
    "SearchSpace",
    "get_space",
]
