"""Latency of a network measured on the machine that searches: the `latency` objective of a live search.

Owns one measurement rule: the network (untrained weights: latency does not depend on them) in
evaluation mode, no gradients, on the search's device, fed one batch of `BATCH` inputs of the data's
shape; `WARMUP` forward passes first (allocations, kernel selection), then the median wall time of
`REPEATS` timed passes (CUDA synchronised around each), in milliseconds per batch. On the CPU the
measurement runs with one thread (`torch.set_num_threads(1)`, restored after), as the search's workers
train. It is a property of this machine and its load at the time: a cache table keeps the latencies it
measured, so a search resumed elsewhere reuses them. It trains nothing and touches no cache.
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

BATCH, WARMUP, REPEATS = 32, 3, 15


@torch.no_grad()
def measure_latency(model: nn.Module, input_shape: tuple[int, ...], device: str | torch.device = "cpu") -> float:
    """Median milliseconds of one forward pass of a batch of `BATCH` inputs (see the module docstring)."""
    device = torch.device(device)
    model = model.to(device).eval()
    x = torch.zeros((BATCH, *input_shape), device=device)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _ in range(WARMUP):
            model(x)
        times = []
        for _ in range(REPEATS):
            _sync(device)
            start = time.perf_counter()
            model(x)
            _sync(device)
            times.append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return 1000.0 * statistics.median(times)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
