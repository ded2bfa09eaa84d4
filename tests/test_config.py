from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.config import SETTINGS, load_settings
from akhbar.errors import ConfigError


def test_defaults_then_toml_then_environment_then_overrides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AKHBAR_DB", raising=False)
    assert load_settings().db == "./data/akhbar.db"
    (tmp_path / "akhbar.toml").write_text('db = "from-toml.db"\nport = 9000\n', encoding="utf-8")
    assert load_settings().db == "from-toml.db"
    monkeypatch.setenv("AKHBAR_DB", "from-env.db")
    monkeypatch.setenv("AKHBAR_ALLOW_PRIVATE_ADDRESSES", "1")
    settings = load_settings()
    assert (settings.db, settings.port, settings.allow_private_addresses) == (
        "from-env.db",
        9000,
        True,
    )
    assert load_settings({"db": "cli.db"}).db == "cli.db"


def test_bad_setting_value_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AKHBAR_PORT", "eighty")
    with pytest.raises(ConfigError, match="port"):
        load_settings()


def test_unknown_setting_in_toml_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "akhbar.toml").write_text("colour = 'blue'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="colour"):
        load_settings()


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"settings missing from README: {missing}"
