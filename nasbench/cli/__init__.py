"""The `nasbench` command: thin subcommands that parse, call the library and print.

Nothing in the library imports this package."""

from nasbench.cli.main import main

__all__ = ["main"]
