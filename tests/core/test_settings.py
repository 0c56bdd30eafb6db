from __future__ import annotations

from pathlib import Path

import pytest

from porina.settings import SettingsError, load


def test_defaults_run_embedded_on_sqlite_in_the_data_folder() -> None:
    settings = load({})
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.effective_database_url.endswith("data/porina.db")
    assert settings.feed_store == "database"
    assert settings.local_domain == "127.0.0.1:8000"


def test_values_are_read_and_typed_from_the_environment() -> None:
    settings = load(
        {"PORINA_PORT": "9001", "PORINA_RATE_LIMITS": "false", "PORINA_DATA_DIR": "/tmp/x"}
    )
    assert settings.port == 9001
    assert settings.rate_limits is False
    assert settings.data_dir == Path("/tmp/x")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORINA_PORT": "eighty"}, "PORINA_PORT"),
        ({"PORINA_RATE_LIMITS": "maybe"}, "PORINA_RATE_LIMITS"),
        ({"PORINA_FEED_STORE": "cassandra"}, "PORINA_FEED_STORE"),
        ({"PORINA_NO_SUCH_THING": "1"}, "PORINA_NO_SUCH_THING"),
        ({"PORINA_BASE_URL": "example.com"}, "PORINA_BASE_URL"),
        ({"PORINA_FEED_STORE": "redis"}, "PORINA_REDIS_URL"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load(env)
