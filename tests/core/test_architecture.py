"""The layering rule: the UI never touches SQL or HTTP; the core never imports Textual."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_PACKAGES = [ROOT / "app" / "tui", ROOT / "widgets"]
CORE_PACKAGES = [
    ROOT / "app" / name
    for name in (
        "core",
        "storage",
        "sources",
        "pipeline",
        "resilience",
        "alerts",
        "security",
        "control",
    )
]
UI_FORBIDDEN = {"aiosqlite", "sqlite3", "httpx"}
CORE_FORBIDDEN = {"textual", "widgets", "app.tui"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def violations(packages: list[Path], forbidden: set[str]) -> list[str]:
    found = []
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            for name in imported_modules(path):
                if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                    found.append(f"{path.relative_to(package.parent)} imports {name}")
    return found


def test_ui_never_imports_sql_or_http() -> None:
    assert violations(UI_PACKAGES, UI_FORBIDDEN) == []


def test_core_never_imports_textual() -> None:
    assert violations(CORE_PACKAGES, CORE_FORBIDDEN) == []


def test_the_check_itself_detects_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlite3\nfrom httpx import AsyncClient\n")
    found = sorted(violations([tmp_path], UI_FORBIDDEN))
    assert found == [
        f"{tmp_path.name}/bad.py imports httpx",
        f"{tmp_path.name}/bad.py imports sqlite3",
    ]


@pytest.mark.skipif(
    shutil.which("lint-imports", path=str(Path(sys.executable).parent)) is None,
    reason="import-linter not installed",
)
def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe is not None
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
