"""The validation behind ``load_settings``: pydantic-settings over the section dataclasses.

Kept apart from ``app.core.config`` so that only a process that loads settings imports
pydantic and builds the model; the sections themselves stay plain dataclasses.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, ValidationError, create_model
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from app.core.config import ENV_PREFIX, Settings, section_classes
from app.core.errors import ConfigurationError


class _SettingsSources(BaseSettings):
    # No JSON decoding of a value from the environment: list settings take a,b as well
    # as a JSON list (``config.split_list``), and every other value is a scalar.
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="ignore",
        hide_input_in_errors=True,
        validate_default=True,
        enable_decoding=False,
    )

    # Set by validated_settings() for the duration of one construction.
    toml_source_path: ClassVar[Path | None] = None
    dotenv_source_path: ClassVar[Path | None] = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if cls.dotenv_source_path is not None:
            sources.append(
                DotEnvSettingsSource(
                    settings_cls,
                    env_file=cls.dotenv_source_path,
                    env_prefix=ENV_PREFIX,
                    env_nested_delimiter="__",
                )
            )
        if cls.toml_source_path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=cls.toml_source_path))
        return tuple(sources)


@cache
def settings_model(settings_cls: type[Settings] = Settings) -> type[_SettingsSources]:
    """The pydantic-settings model with one field per section of ``settings_cls``."""
    sections: dict[str, Any] = {
        name: (cls, Field(default_factory=cls))
        for name, cls in section_classes(settings_cls).items()
    }
    return create_model("SettingsModel", __base__=_SettingsSources, **sections)


def describe_validation_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, its environment name and what is accepted."""
    first = exc.errors(include_input=False)[0]
    loc = [str(part) for part in first["loc"]]
    dotted = ".".join(loc)
    # A list item's index is in the dotted name only: the variable is the whole list's.
    names = [str(part) for part in first["loc"] if not isinstance(part, int)]
    env_name = ENV_PREFIX + "__".join(part.upper() for part in names)
    more = len(exc.errors()) - 1
    extra = f" (and {more} more)" if more > 0 else ""
    # A validator's own ValueError text is the message; pydantic prefixes it "Value error, ".
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"invalid setting {dotted} ({env_name}): {message}{extra}"


def validated_settings(
    toml_path: Path | None, dotenv_path: Path | None, overrides: dict[str, Any]
) -> Settings:
    """The settings from every source, validated; a bad value is one ConfigurationError."""
    model = settings_model()
    model.toml_source_path = toml_path
    model.dotenv_source_path = dotenv_path
    try:
        loaded = model(**overrides)
    except ValidationError as exc:
        raise ConfigurationError(
            describe_validation_error(exc),
            hint="See .env.example for accepted values.",
        ) from None
    except SettingsError as exc:
        # A value the settings source could not even parse (its text names the field only).
        raise ConfigurationError(
            f"invalid setting: {str(exc).splitlines()[0]}",
            hint="Lists are a,b (comma-separated) or a JSON list; see .env.example.",
        ) from None
    finally:
        model.toml_source_path = None
        model.dotenv_source_path = None
    return Settings(**{section.name: getattr(loaded, section.name) for section in fields(Settings)})
