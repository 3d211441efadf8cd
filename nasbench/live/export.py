"""Exporting a found architecture as TorchScript: `nasbench export`.

Owns turning a built network into a self-contained TorchScript file (traced on one input of
the published image size, in evaluation mode) written atomically; loading it needs only
`torch.jit.load`, not this package.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch

from nasbench.files import atomic_path
from nasbench.live.models import INPUT_SIZE, build_model


def export_torchscript(
    space_name: str,
    arch: Any,
    out: str | os.PathLike[str],
    num_classes: int = 10,
    input_size: int | None = None,
    seed: int = 0,
    **options: Any,
) -> Path:
    """Write the (freshly initialised, seeded) network of `arch` as TorchScript at `out`."""
    generator = torch.Generator().manual_seed(seed)
    model = build_model(space_name, arch, num_classes=num_classes, generator=generator, **options).eval()
    size = input_size or INPUT_SIZE.get(space_name, 32)
    example = torch.zeros(1, 3, size, size)
    with torch.no_grad():
        scripted = torch.jit.trace(model, example, check_trace=False)  # the tests compare outputs themselves
    out = Path(out)
    with atomic_path(out) as tmp:
        scripted.save(str(tmp))
    return out
