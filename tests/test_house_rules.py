"""Project-wide rules that a grep can check."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GLOBAL_RANDOM = re.compile(
    r"\brandom\.(seed|random|choice|randint|shuffle|sample|uniform)\("
    r"|np\.random\.(?!default_rng|Generator|SeedSequence)\w+\("
)


def test_no_global_random_state() -> None:
    offenders = []
    for folder in ("nasbench", "strategies", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if GLOBAL_RANDOM.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_rule_catches_offenders() -> None:
    assert GLOBAL_RANDOM.search("np.random.seed(0)")
    assert GLOBAL_RANDOM.search("x = random.choice(items)")
    assert not GLOBAL_RANDOM.search("rng = np.random.default_rng(0)")


def test_every_module_says_what_it_owns() -> None:
    for path in (ROOT / "nasbench").rglob("*.py"):
        text = path.read_text().lstrip()
        assert text.startswith('"""'), f"{path.relative_to(ROOT)} has no module docstring"


EXEMPT_FROM_TESTS: dict[str, str] = {}  # module path -> why it needs no test module of its own (none today)


def expected_test_file(path: Path) -> Path:
    """Where a module's tests live: nasbench/<stage>/<m>.py -> tests/<stage>/test_<m>.py.

    strategies/<m>.py -> tests/strategies/test_<m>.py; a private `_m.py` -> test_m.py.
    """
    relative = path.relative_to(ROOT)
    stage = relative.parent.parts[1:] if relative.parts[0] == "nasbench" else relative.parent.parts
    return ROOT.joinpath("tests", *stage, f"test_{path.stem.lstrip('_')}.py")


def test_every_module_has_its_test_module() -> None:
    modules = [*(ROOT / "nasbench").rglob("*.py"), *(ROOT / "strategies").rglob("*.py")]
    missing = [
        f"{path.relative_to(ROOT)} -> {expected_test_file(path).relative_to(ROOT)}"
        for path in sorted(modules)
        if path.name not in ("__init__.py", "__main__.py")
        and str(path.relative_to(ROOT)) not in EXEMPT_FROM_TESTS
        and not expected_test_file(path).is_file()
    ]
    assert missing == []


def test_the_test_module_rule_maps_stages_and_private_modules() -> None:
    assert expected_test_file(ROOT / "nasbench/runner/simulation.py") == ROOT / "tests/runner/test_simulation.py"
    assert expected_test_file(ROOT / "nasbench/errors.py") == ROOT / "tests/test_errors.py"
    assert expected_test_file(ROOT / "nasbench/live/_torch.py") == ROOT / "tests/live/test_torch.py"
    assert expected_test_file(ROOT / "nasbench/live/models/nb201.py") == ROOT / "tests/live/models/test_nb201.py"
    assert expected_test_file(ROOT / "strategies/_mlp.py") == ROOT / "tests/strategies/test_mlp.py"
    assert not expected_test_file(ROOT / "nasbench/report/nowhere.py").is_file()  # a new module without tests is caught
