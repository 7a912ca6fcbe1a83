"""The layer rules hold, and each would catch a violation.

``lint-imports`` (import-linter, contracts in pyproject.toml) follows indirect imports
too, so these tests run it for real: on the tree as it is, and on a copy of the tree
with one forbidden import added per contract, which must fail naming that contract.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))

CONTRACTS = [
    str(contract["name"])
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
]
(LAYERS,) = [name for name in CONTRACTS if name.startswith("Layers:")]
NON_UI = "Non-UI packages never import Textual or the UI"
DOMAIN = "The domain imports only the standard library and pydantic"
UI_DATA = "The UI reaches only read models, DeskData, ControlActions, domain and core"

pytestmark = pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter not installed")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    assert LINT_IMPORTS is not None
    # The tree's own folder comes first on sys.path, so a copy is analysed, not the install.
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)},
    )


def broken_contracts(output: str) -> set[str]:
    """The names of the contracts reported BROKEN (the report wraps long names)."""
    text = " ".join(output.split())
    return {name for name in CONTRACTS if f"{' '.join(name.split())} BROKEN" in text}


def test_every_contract_is_strict_and_known() -> None:
    # Indirect imports are how a UI module reaches SQL through a helper: never allowed.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lenient = [
        c["name"]
        for c in config["tool"]["importlinter"]["contracts"]
        if c.get("allow_indirect_imports")
    ]
    assert lenient == []
    assert {LAYERS, NON_UI, DOMAIN, UI_DATA} == set(CONTRACTS)


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine copy of the project tree import-linter reads (app, widgets, pyproject)."""
    base = tmp_path_factory.mktemp("tree")
    for name in ("app", "widgets"):
        shutil.copytree(ROOT / name, base / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", base / "pyproject.toml")
    return base


def test_the_contracts_hold_on_the_tree() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_unmodified_copy_passes(tree_copy: Path) -> None:
    result = lint_imports(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr


@dataclass(frozen=True)
class Violation:
    module: str  # file, relative to the tree
    line: str  # the forbidden import added at its end
    contracts: frozenset[str]  # what must be reported broken


VIOLATIONS = {
    "storage imports a source": Violation(
        "app/storage/games.py",
        "from app.sources.odds_api import OddsClient",
        frozenset({LAYERS}),
    ),
    "storage imports the CLI (and so Textual)": Violation(
        "app/storage/mode.py", "import app.cli.desk", frozenset({LAYERS, NON_UI})
    ),
    "a widget opens SQLite": Violation(
        "widgets/quiet_static.py", "import sqlite3", frozenset({UI_DATA})
    ),
    "a TUI module calls an upstream client": Violation(
        "app/tui/banner.py", "from app.sources.odds_api import OddsClient", frozenset({UI_DATA})
    ),
    "a screen opens the database": Violation(
        "app/tui/screens/help.py", "import app.storage.database", frozenset({UI_DATA})
    ),
    "a widget reads through a loader (and so aiosqlite)": Violation(
        "widgets/keyed_table.py", "import app.storage.read.games", frozenset({UI_DATA})
    ),
    "the desk builds the control service": Violation(
        "app/tui/commands.py", "import app.control.service", frozenset({UI_DATA})
    ),
    "the pipeline imports a Textual widget": Violation(
        "app/pipeline/health.py", "import textual.widgets", frozenset({NON_UI})
    ),
    "the domain imports httpx": Violation(
        # The UI imports the domain, so it would reach httpx through it too.
        "app/domain/status.py",
        "import httpx",
        frozenset({DOMAIN, UI_DATA}),
    ),
    "the domain imports storage": Violation(
        "app/domain/records.py",
        "import app.storage.runs",
        frozenset({LAYERS, DOMAIN, UI_DATA}),
    ),
}


@pytest.mark.parametrize("violation", list(VIOLATIONS.values()), ids=list(VIOLATIONS))
def test_a_forbidden_import_breaks_its_contract(
    violation: Violation, tree_copy: Path, tmp_path: Path
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(tree_copy, tree)
    target = tree / violation.module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{violation.line}  # noqa\n")

    result = lint_imports(tree)

    assert result.returncode != 0, result.stdout
    assert broken_contracts(result.stdout) == violation.contracts, result.stdout
