"""The project's exceptions: every user-facing error is a `NasbenchError`.

Owns the error types only. Each is a `ValueError` so that callers who catch
`ValueError` keep working; the CLI turns any `NasbenchError` into a one-line
message and a non-zero exit, never a traceback.
"""


class NasbenchError(ValueError):
    """Base class of every error caused by the user's input or files."""


class InvalidArchitecture(NasbenchError):
    """An architecture (string, index or object) that the space does not hold."""


class UnknownName(NasbenchError):
    """A benchmark, dataset, metric, fidelity, seed or device that does not exist."""


class TableFileError(NasbenchError):
    """A table file that is missing, truncated, not HDF5, or of another format."""
