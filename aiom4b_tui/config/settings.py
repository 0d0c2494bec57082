"""Settings: where the data lives and the defaults for conversions.

Precedence, highest first: values passed in (command-line flags), `AIOM4B_*` environment
variables, `config.toml` in the data dir, then the defaults here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

# The data dir and config.toml are found in config/data_location.py (no pydantic there, so
# the light read path of `jobs` and `stats` finds them the same way); re-exported here.
from aiom4b_tui.config.data_location import (
    CONFIG_FILE,
    DEFAULT_BUSY_TIMEOUT,
    ENV_PREFIX,
    read_config_file,
)
from aiom4b_tui.config.data_location import SettingsError as SettingsError
from aiom4b_tui.config.data_location import resolve_data_dir as resolve_data_dir
from aiom4b_tui.job_options.encoder_priority import EncoderPriority

_log = logging.getLogger(__name__)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed with mode 0700; an existing one that others
    may read or enter is tightened to 0700 (a warning is logged if that fails)."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        path.chmod(0o700)
        return path
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        try:
            path.chmod(mode & 0o700 | 0o700)
        except OSError as exc:
            _log.warning(
                "%s is open to other users (mode %o) and could not be made private: %s",
                path,
                mode,
                exc.strerror or exc,
            )
    return path


def parse_mode(value: Any) -> Any:
    """A permission mode from config or environment: 0o644 (TOML), "644", "0o644", "0644"."""
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0o")
        try:
            return int(text, 8)
        except ValueError:
            raise ValueError(f"not an octal mode: {value!r} (e.g. 0o644)") from None
    return value


def _check_mode(value: int) -> int:
    if not 0 <= value <= 0o777:
        raise ValueError(f"mode {value} is not between 0o000 and 0o777 (write e.g. 0o644)")
    return value


class _TomlFile(PydanticBaseSettingsSource):
    """Reads `config.toml` from the data dir (missing file: no values)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return read_config_file(self.path)


class Settings(BaseSettings):
    """Everything a run of aiom4b may be configured with."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    data_dir: Path
    library_dir: Path | None = None
    inbox_dir: Path | None = None
    output_dir: Path | None = None
    bitrate: int | None = Field(default=None, ge=8_000, le=512_000)
    books_at_once: int = Field(default=2, ge=1, le=64)
    ffmpeg_processes: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=256)
    days_kept: int = Field(default=30, ge=0)
    ffmpeg: str | None = None
    # Seconds a worker waits with nothing queued or running before it exits; 0: never.
    worker_idle_exit: float = Field(default=120.0, ge=0)
    # CPU priority (nice, 0-19) of a worker and the ffmpeg it runs; 0: as started. Not
    # lowered by default: on Linux 6.18 a session whose ffmpeg run at a positive nice
    # stalls every other session for seconds (bench/RESULTS.md, "Niced encoders stall the
    # machine"); encoder_priority is what keeps the machine answering.
    worker_nice: int = Field(default=0, ge=0, le=19)
    # How ffmpeg shares the CPU: "background" (SCHED_IDLE, in an idle cgroup where one can
    # be made: any other program comes first, so a terminal never waits on a conversion;
    # full speed on an otherwise idle machine) or "normal" (SCHED_BATCH: an even share
    # with other busy programs).
    encoder_priority: EncoderPriority = "background"
    # The idle cgroup for encoders; unset: /sys/fs/cgroup/{cpu/,}aiom4b-encoders, made
    # where this process may (root). A folder an administrator delegated to this user.
    encoder_cgroup: Path | None = None
    db_busy_timeout: float = Field(default=DEFAULT_BUSY_TIMEOUT, gt=0, le=3600)
    file_mode: int = 0o644  # mode of finished books
    dir_mode: int = 0o755  # mode of the folders we make for books (work folders, output)

    _folders_expanded = field_validator("library_dir", "inbox_dir", "output_dir")(
        lambda value: value.expanduser() if value is not None else None
    )
    _modes_parsed = field_validator("file_mode", "dir_mode", mode="before")(parse_mode)
    _modes_checked = field_validator("file_mode", "dir_mode")(_check_mode)
    # The job database: unset, the SQLite file in the data dir; postgresql+psycopg://…, a
    # queue shared by several hosts. Never printed as is (store/database/url.redact_url).
    database_url: str | None = Field(default=None, repr=False)
    # Paths jobs were added with -> the paths this host sees them at (longest prefix wins).
    path_map: dict[str, str] = Field(default_factory=dict)
    # A running job stays its worker's while the worker's heartbeat on it is this recent.
    lease_seconds: float = Field(default=60.0, ge=2)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        data_dir = init_settings().get("data_dir")
        toml = _TomlFile(settings_cls, Path(data_dir) / CONFIG_FILE) if data_dir else None
        return tuple(s for s in (init_settings, env_settings, toml) if s is not None)

    def resolved_output_dir(self) -> Path:
        """Where finished books go when a job names no folder."""
        return self.output_dir or self.data_dir / "output"

    @property
    def backup_dir(self) -> Path:
        """Where database backups go."""
        return self.data_dir / "backup"


def load_settings(data_dir: Path | str | None = None, **overrides: Any) -> Settings:
    """Settings for the data dir resolved from `data_dir`; `overrides` (flags) win.

    Overrides that are None are dropped, so unset flags do not hide the config file.
    """
    values = {k: v for k, v in overrides.items() if v is not None}
    resolved = resolve_data_dir(data_dir)
    try:
        return Settings(data_dir=resolved, **values)
    except SettingsError:
        raise
    except ValidationError as exc:
        from aiom4b_tui.config.errors import settings_message

        raise SettingsError(settings_message(exc, resolved)) from exc
    except ValueError as exc:
        raise SettingsError(" ".join(str(exc).split())) from exc
