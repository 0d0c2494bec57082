"""What a job asks of the engine: `JobOptions` and the tags a person sets (`TagOverrides`).

These are engine inputs: the engine reads them, the store keeps them as JSON in
`jobs.options` without knowing their shape beyond this model. Every field is checked
here, so the CLI, the TUI and a stored job all refuse the same bad values.

The engine names these models in annotations only (imported under TYPE_CHECKING) and
takes its checks from job_options/checks.py, so importing it loads no pydantic: pydantic
loads where options are built from a person's input or a stored job.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# The checks the engine applies too live without pydantic; they stay importable from here.
from aiom4b_tui.job_options.checks import DEFAULT_TEMPLATE as DEFAULT_TEMPLATE
from aiom4b_tui.job_options.checks import TEMPLATE_FIELDS as TEMPLATE_FIELDS
from aiom4b_tui.job_options.checks import check_template as check_template
from aiom4b_tui.job_options.checks import check_year as check_year

_PART = re.compile(r"^\d{1,4}(\.\d{1,3})?$")


class TagOverrides(BaseModel):
    """Tags a person sets for a book; each one set wins over what the files say."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    subtitle: str | None = None
    author: str | None = Field(default=None, description="authors, separated by commas")
    narrator: str | None = Field(default=None, description="narrators, separated by commas")
    series: str | None = None
    series_part: str | None = Field(default=None, description="e.g. 3 or 2.5")
    year: str | None = Field(default=None, description="YYYY or YYYY-MM-DD")
    genre: str | None = None
    publisher: str | None = None
    language: str | None = None
    description: str | None = None
    asin: str | None = None
    isbn: str | None = None
    comment: str | None = None

    @field_validator("year")
    @classmethod
    def _year_is_a_date(cls, value: str | None) -> str | None:
        return check_year(value)

    @field_validator("series_part")
    @classmethod
    def _part_is_a_number(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return value
        value = value.strip()
        if not _PART.match(value):
            raise ValueError(f"series part must be a number such as 3 or 2.5, not {value!r}")
        return value


class ChapterEntry(BaseModel):
    """A chapter as a person left it in the editor: title, and where it starts as a
    source file (its path relative to the book folder, as the scan names it) and
    seconds into that file, so reordering the files keeps it in place."""

    model_config = ConfigDict(extra="forbid")

    title: str
    file: str
    offset: float = Field(default=0.0, ge=0)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a chapter title is blank")
        return value.strip()


class JobOptions(BaseModel):
    """Per-job choices, stored as JSON in `jobs.options`. None means: the default."""

    model_config = ConfigDict(extra="forbid")

    output_dir: Path | None = None
    output_name: str | None = Field(default=None, description="File name, .m4b added")
    template: str | None = Field(
        default=None, description=f"file name template, default {DEFAULT_TEMPLATE!r}"
    )
    tags: TagOverrides = Field(default_factory=TagOverrides)
    cover: Path | None = Field(
        default=None,
        description="the cover: an image file, or an audio file whose embedded picture it is",
    )
    no_cover: bool = Field(default=False, description="make the book without a cover")
    overwrite: bool = Field(
        default=False,
        description="replace a file already at the output path (else the book is named X (2))",
    )
    chapters_file: Path | None = Field(
        default=None, description="chapters.txt, ffmetadata, .cue or chapter JSON"
    )
    files: list[str] | None = Field(
        default=None,
        description="the sources in reading order (relative paths); those left out are not "
        "in the book. None: every file, in natural order",
    )
    chapters: list[ChapterEntry] | None = Field(
        default=None, description="the chapters as edited; None: from the other choices"
    )
    chapters_by_silence: bool = False
    silence_db: float = Field(default=-35.0, ge=-90, le=0, description="silence threshold")
    silence_seconds: float = Field(default=1.5, gt=0, le=60, description="shortest silence")
    max_chapter_minutes: float | None = Field(default=None, gt=0, le=24 * 60)
    bitrate: int | None = Field(default=None, ge=8_000, le=512_000, description="bits/s")
    sample_rate: int | None = Field(default=None, ge=8_000, le=96_000)
    channels: int | None = Field(default=None, ge=1, le=2)
    encoder: Literal["aac", "libfdk_aac"] | None = Field(
        default=None, description="None: libfdk_aac where ffmpeg has it, else aac"
    )

    @field_validator("output_name")
    @classmethod
    def _name_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("the output name is blank")
        return value

    @field_validator("template")
    @classmethod
    def _template_known_fields(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    @model_validator(mode="after")
    def _one_cover_choice(self) -> JobOptions:
        if self.no_cover and self.cover is not None:
            raise ValueError("a cover file and no cover at once: choose one")
        return self
