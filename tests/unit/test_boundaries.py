"""Architecture rules that keep console/ testable: checked, not just written down."""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import console

ROOT = Path(__file__).resolve().parents[2]
UI_ROOTS = ("textual", "screens", "widgets", "themes")
COMPOSITION_ROOTS = {"console.app", "console.cli"}


def core_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.walk_packages(console.__path__, prefix="console.")
        if info.name not in COMPOSITION_ROOTS
    ]
    assert "console.polling" in names and "console.demo.process" in names
    return names


def test_console_core_never_imports_the_ui():
    code = (
        "import importlib, json, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UI_ROOTS!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


FORBIDDEN_CALLS = {
    ("time", "time"),
    ("time", "sleep"),
    ("asyncio", "sleep"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
}
# The clock module is where real time lives; the demo server is a separate process that
# simulates a live estate in real time, not part of the console.
ALLOWED_FILES = {Path("console/clock.py")}
ALLOWED_DIRS = (Path("console/demo"),)


def clock_violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if (owner_name, node.func.attr) in FORBIDDEN_CALLS:
                found.append(f"{path}:{node.lineno}: {owner_name}.{node.func.attr}()")
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "asyncio"):
            for alias in node.names:
                if alias.name in ("time", "sleep"):
                    found.append(f"{path}:{node.lineno}: from {node.module} import {alias.name}")
    return found


def test_console_reads_time_only_from_the_injected_clock():
    violations = []
    for path in sorted((ROOT / "console").rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative in ALLOWED_FILES or any(relative.is_relative_to(d) for d in ALLOWED_DIRS):
            continue
        violations += clock_violations(path)
    assert violations == []


def test_the_clock_rule_catches_a_direct_call(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("import asyncio, datetime\nasync def f():\n    await asyncio.sleep(1)\n    datetime.datetime.now()\n")
    assert len(clock_violations(sample)) == 2
