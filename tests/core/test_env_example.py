"""`.env.example` documents every setting, holds no secret, and loads as-is when uncommented."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from app.core.config import Settings, is_secret_key_name, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def env_names() -> list[str]:
    names = []
    for section, field in Settings.model_fields.items():
        model = field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        for key in model.model_fields:
            names.append(f"PRESSBOX_{section.upper()}__{key.upper()}")
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
