"""Database URLs: which back end, and the password never shown."""

from __future__ import annotations

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.store.database.url import (
    DatabaseUrlError,
    is_postgres,
    parse_url,
    redact_text,
    redact_url,
)


def test_redact_hides_passwords_in_the_user_part_and_the_query():
    url = "postgresql+psycopg://aiom4b:p%40ss@db.lan:5432/aiom4b?sslmode=require"
    assert redact_url(url) == "postgresql+psycopg://aiom4b:***@db.lan:5432/aiom4b?sslmode=require"
    assert "hunter2" not in redact_url("postgresql://u@h/d?password=hunter2")
    assert redact_url("postgresql://u@h/d") == "postgresql://u@h/d"
    assert redact_url(None) == ""


def test_redact_text_blanks_the_password_anywhere_in_a_message():
    url = "postgresql+psycopg://u:hunter2@h/d"
    message = 'connection to "h" failed: password "hunter2" rejected for postgresql://u:hunter2@h'
    shown = redact_text(message, url)
    assert "hunter2" not in shown and "***" in shown


def test_back_ends():
    assert is_postgres("postgresql+psycopg://u@h/d")
    assert parse_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert not is_postgres("sqlite:////tmp/x.db")
    with pytest.raises(DatabaseUrlError, match=r"\*\*\*"):
        parse_url("mysql://u:secret@h/d")


def test_settings_never_print_the_url(data_dir, monkeypatch):
    monkeypatch.setenv("AIOM4B_DATABASE_URL", "postgresql+psycopg://u:hunter2@h/d")
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://u:hunter2@h/d"
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)
    assert settings.lease_seconds == 60
