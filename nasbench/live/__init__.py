"""Live training with PyTorch (the optional `live` extra): model builders per search space,
the trainer, the datasets, the table builder and the surrogate check.

Owns the package's public entry points. It imports torch only when one of them is called,
so `import nasbench.live` works without torch, and the core package never imports it.
"""

from __future__ import annotations

from typing import Any

from nasbench.live._torch import require_torch


def build_model(space_name: str, arch: Any, num_classes: int = 10, **options: Any) -> Any:
    """The network of `arch` (object or standard string) in `space_name`, a plain `torch.nn.Module`.

    See `nasbench.live.models.build_model` for the options (e.g. NAS-Bench-201's `channels`, `cells`).
    """
    require_torch()
    from nasbench.live.models import build_model as build

    return build(space_name, arch, num_classes=num_classes, **options)


__all__ = ["build_model"]
