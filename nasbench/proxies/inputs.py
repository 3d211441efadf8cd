"""The one mini-batch the data-dependent proxies see: a fixed Gaussian batch or a digits batch.

Owns the batches and their names (stored in a proxy table's metadata, since a proxy's value
depends on its input). `gaussian`: images drawn from N(0, 1) and labels uniform over the
classes, from a seeded `torch.Generator`. `digits`: the first images of scikit-learn's digits
training split (`nasbench.live.data.load_digits`, normalised), resized bilinearly from 8x8 to
the network's input. `cifar10` / `cifar100`: the first training images of a local copy
(`nasbench.live.data.load_dataset`, normalised; nothing is downloaded), resized where the
resolution is not 32. The published proxy figures used CIFAR batches of 32x32 images.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch.nn import functional as F

from nasbench.errors import NasbenchError, UnknownName

BATCHES = ("gaussian", "digits", "cifar10", "cifar100")
CLASSES = {"gaussian": 10, "digits": 10, "cifar10": 10, "cifar100": 100}


@dataclass(frozen=True)
class BatchSpec:
    """Which batch: its kind, size, image resolution, label count and seed."""

    kind: str
    size: int
    resolution: int
    classes: int = 10
    seed: int = 0
    data_dir: str | None = field(default=None, compare=False)  # where CIFAR lives: not part of the batch's identity

    def describe(self) -> str:
        """The batch in words (for a table's metadata and the card)."""
        what = {
            "gaussian": "N(0, 1) images, uniform labels",
            "digits": "scikit-learn digits (training split, first images), bilinearly resized from 8x8",
            "cifar10": "CIFAR-10 training images (the first ones), bilinearly resized from 32x32 where needed",
            "cifar100": "CIFAR-100 training images (the first ones), bilinearly resized from 32x32 where needed",
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
    if spec.classes < CLASSES[spec.kind]:
        raise NasbenchError(
            f"expected a network of at least {CLASSES[spec.kind]} classes for {spec.kind}, got {spec.classes}"
        )
    if spec.kind.startswith("cifar") and spec.data_dir is None:
        raise NasbenchError(
            f"expected --data-dir (a folder holding the {spec.kind} python files) for --batch {spec.kind}, got none"
        )


def make_batch(spec: BatchSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """(images, labels) of `spec`: the same tensors every call."""
    check_batch(spec)
    generator = torch.Generator().manual_seed(spec.seed)
    shape = (spec.size, 3, spec.resolution, spec.resolution)
    if spec.kind == "gaussian":
        images = torch.randn(shape, generator=generator)
        labels = torch.randint(0, spec.classes, (spec.size,), generator=generator)
        return images, labels
    from nasbench.live.data import load_dataset

    x, y = load_dataset(spec.kind, spec.data_dir).train
    if spec.size > len(x):
        raise NasbenchError(f"expected a {spec.kind} batch of at most {len(x)} images, got {spec.size}")
    images = x[: spec.size]
    if images.shape[-1] != spec.resolution:
        images = F.interpolate(images, size=(spec.resolution, spec.resolution), mode="bilinear")
    return images.contiguous(), y[: spec.size].clone()
