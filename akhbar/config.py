"""Settings: each declared once (name, default, help); loaded as defaults < akhbar.toml < AKHBAR_*.

`akhbar.toml` is read from the current directory (or the path in AKHBAR_CONFIG). Environment
variables are the setting name upper-cased with the AKHBAR_ prefix: `db` ← AKHBAR_DB.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from akhbar.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "./data/akhbar.db", "Path of the SQLite store."),
    Setting(
        "default_timezone", "UTC", "Zone for dates printed without one, when a source has none."
    ),
    Setting(
        "allow_private_addresses",
        False,
        "Allow fetching from loopback/private/link-local addresses (SSRF guard off; tests only).",
    ),
    Setting("admin_token", "", "Token that admin pages and write API endpoints require."),
    Setting("fetch_concurrency", 16, "Requests in flight at once, over all hosts."),
    Setting("fetch_per_host_concurrency", 2, "Requests in flight at once to one host."),
    Setting("fetch_per_host_delay", 1.0, "Seconds between two request starts to one host."),
    Setting("fetch_max_body_bytes", 10 * 1024 * 1024, "Largest response body accepted."),
    Setting("host", "127.0.0.1", "Address the web reader listens on."),
    Setting("port", 8000, "Port the web reader listens on."),
)


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    default_timezone: str
    allow_private_addresses: bool
    admin_token: str
    fetch_concurrency: int
    fetch_per_host_concurrency: int
    fetch_per_host_delay: float
    fetch_max_body_bytes: int
    host: str
    port: int


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Turn a TOML or environment value into the type of the setting's default."""
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: cannot use {value!r}") from exc


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Defaults < akhbar.toml < AKHBAR_* environment < explicit overrides (CLI options)."""
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    defaults = dict(values)
    config_path = Path(os.environ.get("AKHBAR_CONFIG", "akhbar.toml"))
    if config_path.is_file():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_path}: {exc}") from exc
        for key, value in data.items():
            if key not in values:
                raise ConfigError(f"{config_path}: unknown setting {key!r}")
            values[key] = _coerce(key, value, defaults[key])
    for name in values:
        env = os.environ.get(f"AKHBAR_{name.upper()}")
        if env is not None:
            values[name] = _coerce(name, env, defaults[name])
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _coerce(key, value, defaults[key])
    assert {f.name for f in fields(Settings)} == set(values)
    return Settings(**values)
