"""The bench is generic over the service registry: it imports no service's package (its
sources and panels come from console.services and screens.registry). AWS operations
appear only as data (tests/bench/estate.py MINIMUMS)."""

from __future__ import annotations

import ast
from pathlib import Path

from console.services import SERVICES

BENCH = Path(__file__).parent


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_bench_imports_no_service_package():
    services = [f"{root}.{name}" for root in ("console.services", "screens") for name in SERVICES]
    offenders = [
        f"{path.name}: {module}"
        for path in sorted(BENCH.glob("*.py")) if not path.name.startswith("test_")
        for module in sorted(imported_modules(path))
        if any(module == s or module.startswith(s + ".") for s in services)
    ]
    assert offenders == []
