"""`nasbench.live.latency`: the median of timed forward passes, one thread, the caller's thread count restored;
a network with more work measures slower."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from nasbench.live.latency import measure_latency  # noqa: E402


def test_more_work_takes_longer_and_the_thread_count_is_restored() -> None:
    threads = torch.get_num_threads()
    small = torch.nn.Linear(16, 2)
    large = torch.nn.Sequential(*(torch.nn.Linear(16 if i == 0 else 512, 512) for i in range(6)))
    fast, slow = measure_latency(small, (16,)), measure_latency(large, (16,))
    assert 0 < fast < slow  # ~1.5 MFLOPs per row against ~30 multiply-adds: far apart on any machine
    assert torch.get_num_threads() == threads
    assert not large.training  # measured in evaluation mode
