"""The layout of a space with a supernet: what a weight-sharing method needs to know of it.

Owns one small object per space (`LAYOUTS`): the number of decisions (NAS-Bench-201: 6 edges;
NAS-Bench-Macro: 8 layers), the options of each (5 operations; 3 blocks), the conversion between
one choice per decision and the space's architecture, and the construction of the supernet. Every
supernet offers the same three forward modes on one (decisions x options) grid: `forward_path(x,
arch)` (one network), `forward_mixed(x, weights)` (the continuous relaxation, DARTS) and
`forward_hard(x, hard, index)` (the hard Gumbel path, GDAS). The methods draw, mutate, relax and
derive over that grid only, so each runs on either space. NAS-Bench-201: Dong & Yang, ICLR 2020,
arXiv:2001.00326; NAS-Bench-Macro: Su et al., "Prioritized Architecture Sampling with Monte-Carlo
Tree Search", CVPR 2021, arXiv:2103.11922, 8 layers x {identity, MBConv k3 e3, MBConv k5 e6}.
It never trains and never reads a table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from torch import nn

from nasbench.errors import NasbenchError, UnknownName
from nasbench.spaces import get_space

DEFAULT_SIZE = {"channels": 16, "cells": 5}  # Settings' defaults: the NB201 supernet's size


@dataclass(frozen=True)
class Layout:
    """One space's decisions (`num_decisions` x `option_names`) and its supernet builder."""

    space: str
    decision: str  # what one decision is ("edge", "layer"): for messages and histograms
    option_names: tuple[str, ...]
    num_decisions: int
    build: Callable[[int, Any], nn.Module]  # (num_classes, resolved Settings) -> supernet
    sized: bool  # whether --channels and --cells size the supernet

    @property
    def num_options(self) -> int:
        return len(self.option_names)

    def from_choices(self, choices: Sequence[int]) -> Any:
        """The space's architecture made by one option index per decision."""
        if len(choices) != self.num_decisions:
            raise NasbenchError(f"expected {self.num_decisions} choices for {self.space}, got {len(choices)}")
        return get_space(self.space).from_decisions([int(c) for c in choices])

    def to_choices(self, arch: Any) -> tuple[int, ...]:
        """The option index of each decision that makes `arch`."""
        return tuple(get_space(self.space).to_decisions(arch))

    def parse(self, text: str) -> Any:
        """The architecture of a standard string."""
        return get_space(self.space).from_str(text)

    def supernet(self, num_classes: int, settings: Any) -> nn.Module:
        """The supernet for `settings` (refusing a size option the space's fixed network does not take)."""
        for name in DEFAULT_SIZE if self.sized else ():
            if getattr(settings, name) is None:
                raise NasbenchError(f"expected --{name} >= 1 for {self.space}, got None")
        if not self.sized:
            for name, default in DEFAULT_SIZE.items():
                if getattr(settings, name) not in (default, None):  # None: as recorded for a fixed network
                    raise NasbenchError(
                        f"expected no --{name} for {self.space} (its network is fixed, as its table's), "
                        f"got {getattr(settings, name)}"
                    )
        return self.build(num_classes, settings)


def _nb201(num_classes: int, cfg: Any) -> nn.Module:
    from nasbench.oneshot.supernet import Supernet

    return Supernet(num_classes, cfg.channels, cfg.cells, affine=cfg.affine, track=cfg.track_bn)


def _macro(num_classes: int, cfg: Any) -> nn.Module:
    from nasbench.oneshot.macro import MacroSupernet

    return MacroSupernet(num_classes, affine=cfg.affine, track=cfg.track_bn)


def _layouts() -> dict[str, Layout]:
    from nasbench.spaces.macro import BLOCKS
    from nasbench.spaces.nb201_cell import NUM_EDGES, OPS

    return {
        "nb201": Layout("nb201", "edge", tuple(OPS), NUM_EDGES, _nb201, sized=True),
        "macro": Layout("macro", "layer", tuple(BLOCKS), len(get_space("macro").decisions()), _macro, sized=False),
    }


LAYOUTS = _layouts()


def get_layout(space: str) -> Layout:
    """The layout of `space`; a space without a supernet is refused."""
    if space not in LAYOUTS:
        raise UnknownName(f"expected a space with a supernet ({', '.join(LAYOUTS)}), got {space!r}")
    return LAYOUTS[space]
