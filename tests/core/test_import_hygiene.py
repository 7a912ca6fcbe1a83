"""No non-UI package loads Textual, even indirectly (after harlequin's test_import_hygiene).

Each package, with every module in it, is imported in a fresh interpreter: a module
imported once by an earlier test would otherwise hide the import from ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

NON_UI_PACKAGES = [
    "app.domain",
    "app.core",
    "app.security",
    "app.storage",
    "app.sources",
    "app.resilience",
    "app.pipeline",
    "app.alerts",
    "app.control",
    "app.runtime",
]

PROBE = """
import importlib, json, pkgutil, sys
package = importlib.import_module(sys.argv[1])
names = [sys.argv[1]]
if hasattr(package, "__path__"):
    for info in pkgutil.walk_packages(package.__path__, sys.argv[1] + "."):
        importlib.import_module(info.name)
        names.append(info.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "widgets")
                or m.startswith(("app.tui", "app.cli")))
print(json.dumps({"imported": names, "ui": loaded}))
"""


def probe(package: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, package], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr

    loaded: dict[str, list[str]] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize("package", NON_UI_PACKAGES)
def test_importing_a_non_ui_package_never_loads_textual(package: str) -> None:
    found = probe(package)
    assert package in found["imported"]
    assert found["ui"] == []


def test_the_probe_sees_textual_when_the_ui_is_imported() -> None:
    # The check is only worth something if it notices the import it looks for.
    found = probe("app.tui.app")
    assert "textual" in found["ui"]
