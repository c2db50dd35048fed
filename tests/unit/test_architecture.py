"""The shape of the house, checked: import contracts, no cycles, one place per service.

lint-imports checks the contracts in pyproject.toml (the core never imports the UI,
service packages are independent, layers run one way). What import-linter cannot say
from static configuration is checked here with grimp, the graph it is built on:
- no import cycle between modules, counting imports inside functions and under
  TYPE_CHECKING (grimp sees every import statement);
- services listed in the registry are independent in the UI too, and generic modules
  reach a service only through the registry, so a new service needs no new contract.
"""

from __future__ import annotations

import subprocess
import sys
from itertools import permutations
from pathlib import Path

import grimp
import pytest

from console.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("console", "screens", "widgets", "themes")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles(graph):
    modules = set(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & modules for m in modules}
    assert cycles(edges) == []


def test_import_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def service_packages() -> list[str]:
    return [f"{root}.{name}" for root in ("console.services", "screens") for name in SERVICES]


def test_every_registered_service_has_its_two_packages(graph):
    for package in service_packages():
        assert package in graph.modules, f"{package} is missing"


@pytest.mark.parametrize("root", ["console.services", "screens"])
def test_services_do_not_import_each_other(graph, root):
    for one, other in permutations(SERVICES, 2):
        chain = graph.find_shortest_chain(f"{root}.{one}", f"{root}.{other}", as_packages=True)
        assert chain is None, f"{root}.{one} imports {root}.{other}: {' -> '.join(chain)}"


def test_generic_modules_reach_services_only_through_the_registry(graph):
    packages = service_packages()

    def in_a_service(module: str) -> bool:
        return any(module == p or module.startswith(p + ".") for p in packages)

    offenders = [
        f"{module} -> {imported}"
        for module in sorted(graph.modules) if not in_a_service(module)
        for imported in graph.find_modules_directly_imported_by(module) if in_a_service(imported)
    ]
    assert offenders == []


def test_pyflakes_finds_nothing():
    """Undefined names, unused imports and variables (ruff's F rules, configured in
    pyproject.toml): a merge that leaves a removed name behind fails here, not in a demo."""
    result = subprocess.run([str(Path(sys.executable).with_name("ruff")), "check", "--no-cache", *PACKAGES, "tests"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
