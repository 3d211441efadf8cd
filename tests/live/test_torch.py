"""The one import of PyTorch and device resolution: clear errors for a missing torch or device."""

from __future__ import annotations

import logging

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
