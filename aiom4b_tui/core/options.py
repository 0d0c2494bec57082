"""What a job asks of the engine: `JobOptions` and the tags a person sets (`TagOverrides`).

These are engine inputs: the engine reads them, the store keeps them as JSON in
`jobs.options` without knowing their shape beyond this model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class TagOverrides(BaseModel):
    """Tags a person sets for a book; each one set wins over what the files say."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    author: str | None = None
    narrator: str | None = None
    year: str | None = None
    genre: str | None = None
    description: str | None = None


class JobOptions(BaseModel):
    """Per-job choices, stored as JSON in `jobs.options`. None means: the default."""

    model_config = ConfigDict(extra="forbid")

    output_dir: Path | None = None
    output_name: str | None = Field(default=None, description="File name, .m4b added")
    tags: TagOverrides = Field(default_factory=TagOverrides)
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
