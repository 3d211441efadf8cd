"""The NAS-Bench-201 supernet: every operation on every edge, weights shared by all 15,625 cells.

Owns the supernet's layout and its three forward modes: one path (a cell's operations only: RSPS,
SPOS, ENAS), the continuous relaxation (a weighted sum of every operation: DARTS, Liu et al. 2019,
arXiv:1806.09055) and the hard Gumbel path (GDAS, Dong & Yang 2019, arXiv:1910.04465), plus the copy
of a sub-network's inherited weights into the stand-alone network. Stem, stages, reduction blocks,
classifier and each operation's layers are those of `nasbench.live.models.nb201` (NAS-Bench-201,
Dong & Yang 2020), module for module, so a path's forward pass with inherited weights equals the
stand-alone network's with those weights copied in. As in NAS-Bench-201's search models
(AutoDL-Projects, `xautodl/models/cell_searchs`), the cells' batch norms may drop their affine
parameters (`affine=False`); the stem and reduction blocks keep theirs. It never trains.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from nasbench.live.models.nb201 import NB201Network, ResidualReduction
from nasbench.spaces.nb201 import EDGES, OPS, NB201Arch

EdgeFn = Callable[[int, "MixedEdge", torch.Tensor], torch.Tensor]


class Zero(nn.Module):
    """`none`: the edge carries nothing (zeros, so that gradients of its weight still flow)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


def _op(name: str, channels: int, affine: bool, track: bool) -> nn.Module:
    """One candidate operation, laid out as the stand-alone builder's (ReLU, conv, BN in a Sequential)."""
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    kernel = {"nor_conv_1x1": 1, "nor_conv_3x3": 3}[name]
    return nn.Sequential(
        nn.ReLU(inplace=False),
        nn.Conv2d(channels, channels, kernel, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(channels, affine=affine, track_running_stats=track),
    )


class MixedEdge(nn.Module):
    """One edge holding all five operations, in the order of `OPS`."""

    def __init__(self, channels: int, affine: bool, track: bool) -> None:
        super().__init__()
        self.ops = nn.ModuleList(_op(name, channels, affine, track) for name in OPS)


class SearchCell(nn.Module):
    """A NAS-Bench-201 cell over mixed edges: node j sums `edge_fn` over its incoming edges i < j."""

    def __init__(self, channels: int, affine: bool, track: bool) -> None:
        super().__init__()
        self.edges = nn.ModuleList(MixedEdge(channels, affine, track) for _ in EDGES)

    def forward(self, x: torch.Tensor, edge_fn: EdgeFn) -> torch.Tensor:
        nodes = [x]
        for target in (1, 2, 3):
            total: torch.Tensor | None = None
            for e, (source, end) in enumerate(EDGES):  # edge order: sources ascending, as the stand-alone cell
                if end == target:
                    out = edge_fn(e, self.edges[e], nodes[source])  # type: ignore[arg-type]
                    total = out if total is None else total + out
            assert total is not None
            nodes.append(total)
        return nodes[3]


class Supernet(nn.Module):
    """The NAS-Bench-201 skeleton (3x3 stem, three stages of N cells, residual reductions) over search cells."""

    def __init__(
        self, num_classes: int, channels: int = 16, cells: int = 5, affine: bool = True, track: bool = True
    ) -> None:
        super().__init__()
        self.options = {"channels": channels, "cells": cells}
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
        layers: list[nn.Module] = []
        width = channels
        for stage in range(3):
            if stage > 0:
                layers.append(ResidualReduction(width, width * 2))
                width *= 2
            layers.extend(SearchCell(width, affine, track) for _ in range(cells))
        self.cells = nn.ModuleList(layers)
        self.lastact = nn.Sequential(nn.BatchNorm2d(width), nn.ReLU(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(width, num_classes)

    def _run(self, x: torch.Tensor, edge_fn: EdgeFn) -> torch.Tensor:
        x = self.stem(x)
        for layer in self.cells:
            x = layer(x, edge_fn) if isinstance(layer, SearchCell) else layer(x)
        x = self.lastact(x)
        return self.classifier(torch.flatten(self.pool(x), 1))

    def forward(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """The continuous relaxation (`forward_mixed`), the mode `torch.func.functional_call` needs."""
        return self.forward_mixed(x, weights)

    def forward_path(self, x: torch.Tensor, arch: NB201Arch) -> torch.Tensor:
        """One sub-network: each edge runs only its chosen operation."""
        return self._run(x, lambda e, edge, h: edge.ops[arch.ops[e]](h))

    def forward_mixed(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """DARTS' continuous relaxation: each edge is sum_k weights[e, k] * op_k (weights: 6 x 5).

        The `none` term (its weight times zeros) is left out, not computed: adding it changes no
        value of the sum, and the gradient it gives its weight is zero either way.
        """
        return self._run(
            x,
            lambda e, edge, h: sum(
                w * op(h) for w, op in zip(weights[e], edge.ops, strict=True) if not isinstance(op, Zero)
            ),
        )  # type: ignore[return-value]

    def forward_hard(self, x: torch.Tensor, hard: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
        """GDAS: only the sampled operation runs; the others add their (zero) one-hot weight for its gradient."""

        def edge_fn(e: int, edge: MixedEdge, h: torch.Tensor) -> torch.Tensor:
            chosen = int(index[e])
            terms = [hard[e, k] * op(h) if k == chosen else hard[e, k] for k, op in enumerate(edge.ops)]
            return sum(terms)  # type: ignore[return-value]

        return self._run(x, edge_fn)


def path_state(supernet: Supernet, arch: NB201Arch) -> dict[str, torch.Tensor]:
    """The inherited weights of `arch` under the stand-alone network's parameter names.

    Stand-alone cells hold only their non-`none` operations, numbered in edge order; affine
    parameters a supernet without them lacks are left out (the stand-alone's stay at 1 and 0).
    """
    source = supernet.state_dict()
    state: dict[str, torch.Tensor] = {}
    for name, value in source.items():
        parts = name.split(".")
        if parts[0] != "cells" or not isinstance(supernet.cells[int(parts[1])], SearchCell):
            state[name] = value
            continue
        edge, op = int(parts[3]), int(parts[5])
        if arch.ops[edge] != op or OPS[op] == "none":
            continue
        position = sum(1 for e in range(edge) if OPS[arch.ops[e]] != "none")
        state[".".join(["cells", parts[1], "ops", str(position), *parts[6:]])] = value
    return state


def standalone(supernet: Supernet, arch: NB201Arch) -> NB201Network:
    """The stand-alone NAS-Bench-201 network of `arch` holding the supernet's inherited weights."""
    model = NB201Network(arch, supernet.classifier.out_features, **supernet.options)
    state = path_state(supernet, arch)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(".ops." in k for k in missing), (unexpected, missing)  # affine-free cells only
    return model.to(next(supernet.parameters()).device)
