"""The one mini-batch the data-dependent proxies see: a fixed Gaussian batch or a digits batch.

Owns the batches and their names (stored in a proxy table's metadata, since a proxy's value
depends on its input). `gaussian`: images drawn from N(0, 1) and labels uniform over the
classes, from a seeded `torch.Generator`. `digits`: the first images of scikit-learn's digits
training split (`nasbench.live.data.load_digits`, normalised), resized bilinearly from 8x8 to
the network's input. The published proxy figures used CIFAR batches; neither of these is one.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

from nasbench.errors import NasbenchError, UnknownName

BATCHES = ("gaussian", "digits")


@dataclass(frozen=True)
class BatchSpec:
    """Which batch: its kind, size, image resolution, label count and seed."""

    kind: str
    size: int
    resolution: int
    classes: int = 10
    seed: int = 0

    def describe(self) -> str:
        """The batch in words (for a table's metadata and the card)."""
        what = {
            "gaussian": "N(0, 1) images, uniform labels",
            "digits": "scikit-learn digits (training split, first images), bilinearly resized from 8x8",
        }[self.kind]
        return f"{self.kind}: {self.size} x 3 x {self.resolution} x {self.resolution}, {what}, seed {self.seed}"


def check_batch(spec: BatchSpec, min_resolution: int = 1) -> None:
    """Refuse an unknown kind, a size below 2 or a resolution the network cannot take."""
    if spec.kind not in BATCHES:
        raise UnknownName(f"expected --batch among {', '.join(BATCHES)}, got {spec.kind!r}")
    if spec.size < 2:
        raise NasbenchError(f"expected a batch of at least 2 images, got {spec.size}")
    if spec.resolution < min_resolution:
        raise NasbenchError(f"expected a resolution of at least {min_resolution} pixels, got {spec.resolution}")
    if spec.kind == "digits" and spec.classes < 10:
        raise NasbenchError(f"expected a network of at least 10 classes for digits, got {spec.classes}")


def make_batch(spec: BatchSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """(images, labels) of `spec`: the same tensors every call."""
    check_batch(spec)
    generator = torch.Generator().manual_seed(spec.seed)
    shape = (spec.size, 3, spec.resolution, spec.resolution)
    if spec.kind == "gaussian":
        images = torch.randn(shape, generator=generator)
        labels = torch.randint(0, spec.classes, (spec.size,), generator=generator)
        return images, labels
    from nasbench.live.data import load_digits

    x, y = load_digits().train
    if spec.size > len(x):
        raise NasbenchError(f"expected a digits batch of at most {len(x)} images, got {spec.size}")
    images = F.interpolate(x[: spec.size], size=(spec.resolution, spec.resolution), mode="bilinear")
    return images.contiguous(), y[: spec.size].clone()
