"""The package version, in one place (read by the CLI, results and surrogate files)."""

__version__ = "0.1.0"
