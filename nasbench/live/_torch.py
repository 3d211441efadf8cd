"""The one place that imports PyTorch for the live path, with a clear error when it is absent.

Owns the lazy import and device resolution. The core package never imports this
module: tables, spaces and the runner work without torch installed.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any

from nasbench.live.errors import DeviceUnavailable, TorchMissing

log = logging.getLogger(__name__)
DEVICES = ("auto", "cpu", "cuda", "mps")


def require_torch() -> ModuleType:
    """The `torch` module, or a one-line error saying how to install it."""
    try:
        import torch
    except ImportError:
        raise TorchMissing('live training needs PyTorch: pip install -e ".[live]"') from None
    return torch


def resolve_device(name: str) -> Any:
    """A `torch.device` for `name` (auto, cpu, cuda, cuda:N, mps); `auto` falls back to CPU and says so."""
    torch = require_torch()
    base, _, suffix = name.partition(":")
    if base not in DEVICES or (suffix and not (base == "cuda" and suffix.isdigit())):
        raise DeviceUnavailable(f"expected a device among {', '.join(DEVICES)} (or cuda:N), got {name!r}")
    if base == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        log.warning("no CUDA GPU found: --device auto trains on the CPU")
        return torch.device("cpu")
    if base == "cuda":
        if not torch.cuda.is_available():
            raise DeviceUnavailable(f"expected a CUDA GPU for --device {name}, got none on this machine (try auto)")
        index = int(suffix or 0)
        if index >= torch.cuda.device_count():
            raise DeviceUnavailable(f"expected cuda:0..cuda:{torch.cuda.device_count() - 1}, got {name!r}")
    if base == "mps" and not torch.backends.mps.is_available():
        raise DeviceUnavailable("expected an Apple MPS device for --device mps, got none on this machine")
    return torch.device(name)
