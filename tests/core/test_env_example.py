"""`.env.example` documents every setting, holds no secret, and loads as-is when uncommented.

It is generated from the settings' docstrings by scripts/gen-env-example, so it cannot drift.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from app.core.config import (
    Settings,
    SettingsSection,
    is_secret_key_name,
    load_settings,
    section_classes,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
GENERATOR = ROOT / "scripts" / "gen-env-example"


def generator() -> ModuleType:
    loader = SourceFileLoader("gen_env_example", str(GENERATOR))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def section_models() -> Iterator[tuple[str, type[Any]]]:
    yield from section_classes(Settings).items()


def env_names() -> list[str]:
    names = []
    for section, model in section_models():
        for key in fields(model):
            names.append(f"PRESSBOX_{section.upper()}__{key.name.upper()}")
    return names


def test_every_non_secret_setting_is_documented() -> None:
    text = EXAMPLE.read_text()
    missing = [n for n in env_names() if f"# {n}=" not in text and not is_secret_key_name(n)]
    assert missing == []


def test_example_has_no_secret_named_keys() -> None:
    for line in EXAMPLE.read_text().splitlines():
        if "=" in line and line.startswith("# PRESSBOX_"):
            assert not is_secret_key_name(line[2:].split("=", 1)[0]), line


def test_uncommented_example_loads(tmp_path: Path) -> None:
    lines = [
        line[2:]
        for line in EXAMPLE.read_text().splitlines()
        if line.startswith("# PRESSBOX_") and "~" not in line
    ]
    dotenv = tmp_path / ".env"
    dotenv.write_text("\n".join(lines) + "\n")
    settings = load_settings(dotenv_path=dotenv)
    assert settings.odds_api.markets == ["h2h", "spreads", "totals"]
    assert settings.pipeline.interval_s == 300


def test_example_is_what_the_generator_writes() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") == generator().render()


def test_every_setting_has_a_docstring() -> None:
    undocumented = [
        f"{section}.{key}"
        for section, model in section_models()
        for key, description in generator().descriptions(model).items()
        if not description
    ]
    assert undocumented == []


@dataclass
class _UndocumentedSection(SettingsSection):
    limit: int = 3


@dataclass
class _SettingsWithAnUndocumentedField(Settings):
    extra: _UndocumentedSection = field(default_factory=_UndocumentedSection)


def test_generator_names_a_setting_without_a_docstring() -> None:
    with pytest.raises(ValueError, match="PRESSBOX_EXTRA__LIMIT; add one under each field"):
        generator().render(_SettingsWithAnUndocumentedField)


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), "--check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_passes_on_the_example_and_fails_on_a_stale_copy(tmp_path: Path) -> None:
    assert _check(EXAMPLE).returncode == 0
    stale = tmp_path / ".env.example"
    stale.write_text(EXAMPLE.read_text(encoding="utf-8").replace("=300.0", "=60.0", 1))
    result = _check(stale)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"gen-env-example: {stale} is out of date with app/core/config.py; "
        "regenerate it with `.venv/bin/python scripts/gen-env-example`"
    ]
