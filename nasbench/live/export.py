"""Exporting a found architecture as a file that loads without this package: `nasbench export`.

Owns turning a built network (freshly initialised, seeded, in evaluation mode) into a
self-contained file, written atomically: TorchScript (traced on one input of the published
image size; `torch.jit.load`, from Python or C++) or a `torch.export` program (a `.pt2` file;
`torch.export.load(path).module()`, any batch size, the image size it was exported at).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nasbench.errors import NasbenchError
from nasbench.files import atomic_path
from nasbench.live.models import INPUT_SIZE, MIN_INPUT_SIZE, build_model


def _network(
    space_name: str, arch: Any, num_classes: int, input_size: int | None, seed: int, options: dict[str, Any]
) -> tuple[nn.Module, torch.Tensor]:
    """The seeded network in evaluation mode and an example batch of the image size."""
    generator = torch.Generator().manual_seed(seed)
    model = build_model(space_name, arch, num_classes=num_classes, generator=generator, **options).eval()
    size = INPUT_SIZE[space_name] if input_size is None else input_size
    if size < MIN_INPUT_SIZE[space_name]:
        raise NasbenchError(f"expected --input-size >= {MIN_INPUT_SIZE[space_name]} for {space_name}, got {size}")
    return model, torch.zeros(2, 3, size, size)  # a batch of 2: torch.export would fix a batch of 1


SUFFIXES = {".pt": "TorchScript", ".pt2": "a torch.export program"}


def check_suffix(out: str | os.PathLike[str]) -> None:
    """Refuse a file name whose suffix is not a format written here (e.g. `.onnx`: ONNX export is not offered)."""
    suffix = Path(out).suffix
    if suffix not in SUFFIXES:
        known = ", ".join(f"{s} ({what})" for s, what in SUFFIXES.items())
        raise NasbenchError(f"expected an output file ending in {known}, got {str(out)!r}")


def export_network(
    space_name: str,
    arch: Any,
    out: str | os.PathLike[str],
    num_classes: int = 10,
    input_size: int | None = None,
    seed: int = 0,
    **options: Any,
) -> Path:
    """Write the (freshly initialised, seeded) network of `arch` at `out`: a `torch.export` program for a
    `.pt2` file, TorchScript for a `.pt` file; any other suffix is refused."""
    check_suffix(out)
    model, example = _network(space_name, arch, num_classes, input_size, seed, options)
    return save_network(model, example, out)


def save_network(model: nn.Module, example: torch.Tensor, out: str | os.PathLike[str]) -> Path:
    """Write `model` (e.g. a trained network) by `out`'s suffix: `.pt2` a torch.export program, `.pt` TorchScript."""
    check_suffix(out)
    return save_exported(model, example, out) if Path(out).suffix == ".pt2" else save_torchscript(model, example, out)


def save_exported(model: nn.Module, example: torch.Tensor, out: str | os.PathLike[str]) -> Path:
    """Export `model` in evaluation mode with `torch.export` (any batch size; `example`'s other dimensions) and
    write the program atomically (`torch.export.load(path).module()` runs it)."""
    out = Path(out)
    model = model.eval()
    with torch.no_grad():
        program = torch.export.export(model, (example,), dynamic_shapes=({0: torch.export.Dim("batch")},))
    with atomic_path(out) as tmp, open(tmp, "wb") as handle:  # a handle: torch.export wants paths to end in .pt2
        torch.export.save(program, handle)
    return out


def save_torchscript(model: nn.Module, example: torch.Tensor, out: str | os.PathLike[str]) -> Path:
    """Trace `model` (e.g. a trained network, in evaluation mode) on `example` and write TorchScript atomically."""
    out = Path(out)
    model = model.eval()
    with torch.no_grad(), warnings.catch_warnings():
        # torch.jit warns that it is deprecated, yet TorchScript is still the one format that both Python and
        # C++ load without this package; the warning is not the user's to act on (`.pt2` takes torch.export).
        warnings.filterwarnings("ignore", message="`torch.jit.trace", category=DeprecationWarning)
        scripted = torch.jit.trace(model, example, check_trace=False)  # the tests compare outputs themselves
    with atomic_path(out) as tmp:
        scripted.save(str(tmp))
    return out
