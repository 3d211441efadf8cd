"""Imports flow one way, down the stages, and no module imports itself back at load time.

Every import of every module of the package counts, function-level ones included (a lazy
import is still a dependency, only a later one). `ALLOWED` is the architecture written
down: the stages each stage may import, besides itself. A stage absent from a row must
not be imported by it; a new stage must be given a row. The floors this gives today,
bottom to top (a stage's floor is one above the highest it imports):

    1  errors, files, _version     what everything may use
    2  spaces, tables, results     search spaces, the table file format, the results store
    3  benchmark                   the Benchmark protocol, the table benchmark
    4  surrogate, problem          the XGBoost model and its benchmark; objectives and fronts over any Benchmark
    5  registry, strategies        the loader and its one cache; ask/tell over a space and a public description
    6  runner, report              simulation and comparison (simulated or real time); plots from results
    7  fidelity, live, adapters    surrogate cards (they run the runner); live training and search; ConfigSpace,
                                   objective, optuna, syne-tune, Ray Tune, external results (the runner's Scorer)
    8  oneshot, proxies            supernets and weight-sharing methods; zero-cost proxies (on live's models)
    9  nasbench                    the lazy package facade
   10  cli                         thin commands
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE = {"errors", "files", "_version"}
ALLOWED: dict[str, set[str]] = {
    "_version": set(),
    "errors": set(),
    "files": {"errors"},
    "spaces": {"errors"},
    "tables": {"errors", "files"},
    "results": BASE,
    "benchmark": BASE | {"spaces", "tables"},
    "surrogate": BASE | {"spaces", "tables", "benchmark"},
    "problem": BASE | {"spaces", "benchmark"},
    "registry": BASE | {"spaces", "tables", "benchmark", "surrogate"},
    "strategies": BASE | {"spaces", "benchmark", "problem"},
    "runner": BASE | {"spaces", "results", "benchmark", "problem", "registry", "strategies"},
    "report": BASE | {"spaces", "results", "benchmark", "problem", "registry"},
    "live": BASE
    | {"spaces", "tables", "results", "benchmark", "surrogate", "problem", "registry", "strategies", "runner"},
    "fidelity": BASE | {"spaces", "tables", "results", "benchmark", "surrogate", "problem", "registry", "runner"},
    "adapters": BASE | {"spaces", "results", "benchmark", "registry", "runner"},
    "oneshot": BASE | {"spaces", "tables", "results", "benchmark", "registry", "runner", "live"},
    "proxies": BASE | {"spaces", "tables", "benchmark", "registry", "live"},
}
ALLOWED["cli"] = set(ALLOWED) | {"nasbench"}
ALLOWED["nasbench"] = set(ALLOWED) - {"cli"}  # the facade: anything but the commands
TORCH = {"live", "oneshot", "proxies"}  # the only stages that may import torch


def module_name(path: Path) -> str:
    """`nasbench/runner/compare.py` -> `nasbench.runner.compare`; `strategies/` installs as `nasbench.strategies`."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    parts = ("nasbench", *parts) if parts[0] == "strategies" else parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by name."""
    paths = [*(ROOT / "nasbench").rglob("*.py"), *(ROOT / "strategies").rglob("*.py")]
    return {module_name(p): p for p in sorted(paths)}


def imported(name: str, path: Path, top_level_only: bool = False) -> Iterator[tuple[str, int]]:
    """(module or package imported, line) for each import; top-level only: what runs at load time."""
    tree = ast.parse(path.read_text())
    nodes = _load_time(tree.body) if top_level_only else ast.walk(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            yield base, node.lineno
            yield from ((f"{base}.{alias.name}", node.lineno) for alias in node.names)  # a submodule, maybe


def _load_time(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements a module runs when imported: its body, minus functions, classes and `if TYPE_CHECKING:`."""
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _load_time(node.orelse)
        elif isinstance(node, ast.If | ast.Try | ast.With):
            yield from _load_time([*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])])
            yield from (s for h in getattr(node, "handlers", []) for s in _load_time(h.body))
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node


def stage(module: str) -> str:
    """The stage a module of the package belongs to: `nasbench.runner.compare` -> `runner`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def violations(edges: dict[str, list[tuple[str, int]]]) -> list[str]:
    """Each import that runs against `ALLOWED` (or brings torch outside `TORCH`), as 'where: what'."""
    found = []
    for module, targets in edges.items():
        own = stage(module)
        for target, line in targets:
            top = target.split(".")[0]
            if top == "torch" and own not in TORCH:
                found.append(f"{module}:{line}: {own} imports torch")
            elif top == "nasbench" and (other := stage(target)) != own and other not in ALLOWED[own]:
                found.append(f"{module}:{line}: {own} imports {other}")
    return sorted(set(found))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of `graph` (module -> modules it imports), each once, by depth-first search."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def load_time_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports at load time (itself and unknown names left out)."""
    known = modules()
    return {
        name: {t for t, _ in imported(name, path, top_level_only=True) if t in known and t != name}
        for name, path in known.items()
    }


def test_every_stage_has_a_row() -> None:
    assert {stage(m) for m in modules()} <= set(ALLOWED)


def test_imports_flow_downward_only() -> None:
    edges = {name: list(imported(name, path)) for name, path in modules().items()}
    assert violations(edges) == []


def test_no_import_cycle_at_load_time() -> None:
    assert cycles(load_time_graph()) == []


def test_the_table_states_the_architecture() -> None:
    assert not {"tables", "runner", "registry", "surrogate"} & ALLOWED["strategies"]
    assert "runner" not in ALLOWED["report"]
    assert all("cli" not in allowed for name, allowed in ALLOWED.items() if name != "cli")
    assert not {"registry", "surrogate", "tables"} & ALLOWED["problem"]  # fronts ask the Benchmark
    for name, allowed in ALLOWED.items():  # one way: no two stages may import each other
        assert not [other for other in allowed if other != name and name in ALLOWED.get(other, set())]


@pytest.mark.parametrize(
    ("module", "target", "message"),
    [
        ("nasbench.strategies.x", "nasbench.tables.format", "strategies imports tables"),
        ("nasbench.strategies.x", "nasbench.registry", "strategies imports registry"),
        ("nasbench.report.x", "nasbench.runner.simulation", "report imports runner"),
        ("nasbench.runner.x", "nasbench.cli.main", "runner imports cli"),
        ("nasbench.problem.front", "nasbench.registry", "problem imports registry"),
        ("nasbench.tables.format", "torch.nn", "tables imports torch"),
    ],
)
def test_the_check_catches_an_import_up(module: str, target: str, message: str) -> None:
    assert violations({module: [(target, 7), (f"{target}.name", 7)]}) == [f"{module}:7: {message}"]


def test_the_check_lets_imports_down_and_within_a_stage_pass() -> None:
    edges = {"nasbench.runner.compare": [("nasbench.runner.simulation", 1), ("nasbench.registry", 2), ("numpy", 3)]}
    assert violations(edges) == []


def test_the_cycle_check_finds_a_cycle_and_only_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "d": {"a", "c"}}) == []


def test_load_time_imports_leave_out_lazy_and_type_only_ones(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(
        "from typing import TYPE_CHECKING\nimport a\nif TYPE_CHECKING:\n    import b\n"
        "def f():\n    import c\ntry:\n    import d\nexcept ImportError:\n    import e\n"
    )
    assert {t for t, _ in imported("m", path, top_level_only=True)} == {"typing", "typing.TYPE_CHECKING", "a", "d", "e"}
    assert {"b", "c"} <= {t for t, _ in imported("m", path)}
