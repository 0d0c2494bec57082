"""Writing one setting into the data dir's `config.toml`, keeping everything else in it.

A top-level `key = "value"` line is replaced where it is, or added at the top of the file
(above any `[table]`, where a top-level key must stand). The new text is checked to read
back as TOML with that value before it replaces the file; a new file is made mode 0600.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

from aiom4b_tui.config.settings import CONFIG_FILE, SettingsError


def save_setting(data_dir: Path, key: str, value: str) -> Path:
    """Set `key = "value"` in `<data_dir>/config.toml`; returns the file's path.
    SettingsError when the file cannot be read, is not TOML, or cannot be written."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", key):
        raise ValueError(f"not a setting name: {key!r}")
    path = Path(data_dir) / CONFIG_FILE
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read {path} ({exc}): fix it or move it away") from exc
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"  # a TOML basic string
    text = _with_line(old, key, line)
    try:
        if tomllib.loads(text).get(key) != value:
            raise SettingsError(f"{path} does not take {key} as written: set it by hand")
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} is not valid TOML ({exc}): fix it or move it away") from exc
    partial = path.with_name(f".{CONFIG_FILE}.part")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            os.chmod(partial, path.stat().st_mode & 0o777)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SettingsError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _with_line(text: str, key: str, line: str) -> str:
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for index, current in enumerate(lines):
        if current.lstrip().startswith("["):
            break  # past the top level: the key is not set there
        if pattern.match(current):
            lines[index] = line
            return "\n".join(lines) + "\n"
    return "\n".join([line, *lines]) + "\n"
