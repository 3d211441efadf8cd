"""The NAS-Bench-201 network (Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible
Neural Architecture Search", ICLR 2020) as a plain `torch.nn.Module`.

Owns the network's layout only: a 3x3 stem (C channels + BN), three stages of N cells, a
residual reduction block between stages (doubling the channels, halving the resolution),
BN + ReLU, global average pooling and a linear classifier. A cell is the 4-node DAG of
`nasbench.spaces.nb201`; each edge carries one operation, and a node sums its incoming
edges. Every layer exists exactly as in the benchmark (including edges fed by a node that
is always zero: their batch norm still adds a learnt bias), so parameter counts equal the
published ones.
"""

from __future__ import annotations

import torch
from torch import nn

from nasbench.spaces.nb201 import EDGES, NB201Arch


class ReLUConvBN(nn.Sequential):
    """ReLU, convolution without bias, batch norm with affine parameters."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=False),
            nn.BatchNorm2d(c_out),
        )


def _operation(name: str, channels: int) -> nn.Module | None:
    """One edge's operation (stride 1, channels kept); None for `none` (no edge at all)."""
    if name == "none":
        return None
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise AssertionError(f"unhandled operation {name}")


class Cell(nn.Module):
    """One NAS-Bench-201 cell: node j = sum over i < j of op_ij(node i); the output is node 3."""

    def __init__(self, arch: NB201Arch, channels: int) -> None:
        super().__init__()
        self.ops = nn.ModuleList()
        self.wiring: list[tuple[int, int]] = []  # (source node, target node) of each module in `ops`
        for (source, target), name in zip(EDGES, arch.op_names, strict=True):
            op = _operation(name, channels)
            if op is not None:
                self.ops.append(op)
                self.wiring.append((source, target))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes: list[torch.Tensor | None] = [x, None, None, None]
        for op, (source, target) in zip(self.ops, self.wiring, strict=True):
            value = nodes[source]
            if value is None:  # a node with no incoming edge is zero
                value = torch.zeros_like(x)
            out = op(value)
            current = nodes[target]
            nodes[target] = out if current is None else current + out
        result = nodes[3]
        return torch.zeros_like(x) if result is None else result


class ResidualReduction(nn.Module):
    """NAS-Bench-201's reduction block: two 3x3 ReLUConvBN (the first with stride 2) plus a
    shortcut of 2x2 average pooling and a 1x1 convolution."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1)
        self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride=2), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.conv_b(self.conv_a(x))


class NB201Network(nn.Module):
    """The NAS-Bench-201 macro skeleton around one cell (defaults as published: C=16, N=5)."""

    def __init__(self, arch: NB201Arch, num_classes: int, channels: int = 16, cells: int = 5) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False), nn.BatchNorm2d(channels))
        layers: list[nn.Module] = []
        width = channels
        for stage in range(3):
            if stage > 0:
                layers.append(ResidualReduction(width, width * 2))
                width *= 2
            layers.extend(Cell(arch, width) for _ in range(cells))
        self.cells = nn.Sequential(*layers)
        self.lastact = nn.Sequential(nn.BatchNorm2d(width), nn.ReLU(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.lastact(self.cells(self.stem(x)))
        return self.classifier(torch.flatten(self.pool(x), 1))
