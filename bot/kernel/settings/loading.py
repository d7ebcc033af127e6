"""Reading the settings: the TOML file, then FEEDBOT_SECTION__KEY environment variables; errors name the key."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, get_origin

from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource, TomlConfigSettingsSource

from bot.kernel.settings.model import Settings


class ConfigError(Exception):
    """A setting is wrong; the message names the key and what is allowed."""


def find_config_file(explicit: str | None) -> Path | None:
    """--config PATH, else $FEEDBOT_CONFIG, else ./feedbot.toml if present."""
    chosen = explicit or os.environ.get("FEEDBOT_CONFIG")
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise ConfigError(f"config file {path} {'is a directory' if path.is_dir() else 'does not exist'}")
        return path
    default = Path("feedbot.toml")
    return default if default.is_file() else None


class PlainListEnv(EnvSettingsSource):
    """Environment variables: a list may be written plainly (`FEEDBOT_ORG__ADMINS=a@x.com,b@x.com`) as well as in
    JSON; a value that is not JSON is left for validation to name, never a traceback."""

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        try:
            return super().decode_complex_value(field_name, field, value)
        except (ValueError, RecursionError):
            if isinstance(value, str) and field is not None and get_origin(field.annotation) is list \
                    and not value.lstrip().startswith("["):
                return [item.strip() for item in value.split(",") if item.strip()]
            return value


class TomlFile(TomlConfigSettingsSource):
    """The file's settings. `[log]` is another name for `[logging]` (model.py): both in one file is a mistake."""

    def __call__(self) -> dict[str, Any]:
        data = super().__call__()
        if "log" in data and "logging" in data:
            raise ConfigError(f"{self.toml_file_path}: [log] and [logging] are the same section: keep one")
        return data


def read_config_file(path: Path) -> None:
    """Refuse, in one line, what tomllib would answer with a traceback: bytes that are not UTF-8, absurd nesting."""
    data = path.read_bytes()
    try:
        tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): save it "
                          f"as UTF-8") from None
    except RecursionError:
        raise ConfigError(f"{path}: arrays or tables nested too deeply to read: flatten them") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def load_settings(config_path: str | None = None, model: type[Settings] = Settings, **overrides: object) -> Settings:
    """The settings as `model` (a subclass may add sections the composition root reads, such as organisations)."""
    path = find_config_file(config_path)
    if path is not None:
        read_config_file(path)

    class FileAndEnvSettings(model):  # type: ignore[valid-type,misc]
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,  # noqa: ANN001
                                       file_secret_settings):  # noqa: ANN001
            sources = [init_settings, PlainListEnv(settings_cls)]
            if path is not None:
                sources.append(TomlFile(settings_cls, toml_file=path))
            return tuple(sources)

    try:
        loaded = FileAndEnvSettings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, path)) from None
    return loaded


def describe_validation_error(exc: ValidationError, path: Path | None) -> str:
    where = f" in {path}" if path else ""
    lines = [f"invalid configuration{where}:"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        env = "FEEDBOT_" + "__".join(str(p).upper() for p in error["loc"][:2])
        message = "unknown setting" if error["type"] == "extra_forbidden" else error["msg"]
        message = message.removeprefix("Value error, ")
        lines.append(f"  {key} (env {env}): {message}")
    return "\n".join(lines)
