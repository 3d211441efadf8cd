"""The project's errors: every user-facing error is a NasbenchError (a ValueError), and the CLI prints one line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import nasbench
from nasbench.cli import main
from nasbench.errors import InvalidArchitecture, NasbenchError, TableFileError, UnknownName

ROOT = Path(__file__).resolve().parent.parent


def test_the_errors_are_value_errors() -> None:
    for error in (InvalidArchitecture, UnknownName, TableFileError):
        assert issubclass(error, NasbenchError) and issubclass(error, ValueError)
    with pytest.raises(ValueError, match=r"^unknown benchmark 'nope'"):  # callers catching ValueError keep working
        nasbench.load("nope")
    with pytest.raises(InvalidArchitecture):
        nasbench.load("nb201").space.from_str("|conv~0|")


def error_classes() -> list[tuple[str, str, list[str]]]:
    """(file, class, base names) of every exception class defined in nasbench/ and strategies/."""
    found = []
    for folder in ("nasbench", "strategies"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef):
                    bases = [ast.unparse(b) for b in node.bases]
                    if any(b.endswith(("Error", "Exception", "Warning")) for b in bases) or node.name.endswith("Error"):
                        found.append((str(path.relative_to(ROOT)), node.name, bases))
    return found


def test_every_exception_class_of_the_project_is_a_nasbench_error() -> None:
    classes = error_classes()
    names = {name for _, name, _ in classes} | {"NasbenchError"}
    outside = [f"{file}: {name}({', '.join(bases)})" for file, name, bases in classes if not set(bases) & names]
    assert outside == [("nasbench/errors.py: NasbenchError(ValueError)")]
    assert len(classes) >= 10  # the rule saw them: errors, results, settings, spaces, problem, surrogate, live


def test_the_cli_turns_an_error_into_one_line_and_exit_2(capsys) -> None:
    assert main(["query", "nope", "0"]) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err.count("\n") == 1 and "unknown benchmark 'nope'" in printed.err
    assert "Traceback" not in printed.err
