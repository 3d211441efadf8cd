"""The one import of PyTorch and device resolution: clear errors for a missing torch or device."""

from __future__ import annotations

import logging
import sys

import pytest

torch = pytest.importorskip("torch")

from nasbench.live._torch import resolve_device  # noqa: E402
from nasbench.live.errors import DeviceUnavailable  # noqa: E402


def test_devices(caplog: pytest.LogCaptureFixture) -> None:
    assert resolve_device("cpu").type == "cpu"
    with pytest.raises(DeviceUnavailable, match="auto, cpu, cuda, mps"):
        resolve_device("tpu")
    with pytest.raises(DeviceUnavailable):
        resolve_device("cuda:x")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceUnavailable, match="expected a CUDA GPU for --device cuda, got none"):
            resolve_device("cuda")
        with caplog.at_level(logging.WARNING):
            assert resolve_device("auto").type == "cpu"
        assert "trains on the CPU" in caplog.text


def test_a_missing_torch_is_one_line_saying_how_to_install_it(monkeypatch) -> None:
    from nasbench.live._torch import require_torch
    from nasbench.live.errors import TorchMissing

    assert require_torch() is torch
    monkeypatch.setitem(sys.modules, "torch", None)  # what `import torch` meets where it is not installed
    with pytest.raises(TorchMissing, match=r'^live training needs PyTorch: pip install -e "\.\[live\]"$'):
        require_torch()
    with pytest.raises(TorchMissing):
        resolve_device("cpu")  # every live entry point goes through it


def test_device_names_are_checked_before_any_hardware() -> None:
    for bad in ("cpu:0", "mps:1", "cuda:x1", "CUDA", ""):
        with pytest.raises(
            DeviceUnavailable, match=rf"^expected a device among auto, cpu, cuda, mps \(or cuda:N\), got '{bad}'$"
        ):
            resolve_device(bad)
    if not torch.cuda.is_available():
        with pytest.raises(DeviceUnavailable, match="expected a CUDA GPU for --device cuda:3, got none"):
            resolve_device("cuda:3")
