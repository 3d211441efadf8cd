"""Errors of the live-training path; every one is a `NasbenchError` (one line, CLI exit 2).

Owns the error types only.
"""

from nasbench.errors import NasbenchError


class TorchMissing(NasbenchError):
    """PyTorch is not installed (the `live` extra)."""


class DeviceUnavailable(NasbenchError):
    """A device that is not there, e.g. `--device cuda` on a machine without a GPU."""


class DatasetFilesError(NasbenchError):
    """A dataset folder that is missing or does not hold the expected files."""


class BuildTableError(NasbenchError):
    """An output table that belongs to another build (space, dataset, protocol) or format."""
