"""The book's file name from a template such as "{author}/{series}/{series_part} - {title}".

Every part is made safe for the file system; a field with no value leaves no stray
separators behind ("{author} - {title}" without an author is "Title"), and the result
is always a relative path that stays inside the output folder.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from aiom4b_tui.job_options.checks import DEFAULT_TEMPLATE, check_template

_EDGE = " -_.,#:;–—"
_MAX_NAME_BYTES = 200


def safe_file_name(name: str) -> str:
    """`name` made safe for common file systems (no separators, controls or reserved marks)."""
    name = unicodedata.normalize("NFC", name)
    name = "".join("_" if unicodedata.category(ch).startswith("C") else ch for ch in name)
    name = re.sub(r'[/\\:*?"<>|]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    while len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .") or "Audiobook"


def render_template(template: str | None, tags: Mapping[str, str]) -> PurePosixPath:
    """The relative path (folders, then the name with `.m4b`) a template gives."""
    template = check_template(template or DEFAULT_TEMPLATE)
    values = {name: _value(tags, name) for name in _fields(template)}
    parts: list[str] = []
    for segment in re.split(r"[/\\]", template):
        text = string.Formatter().vformat(segment, (), values) if segment else ""
        text = _tidy(text)
        if text:
            parts.append(safe_file_name(text))
    if not parts or not _tidy(parts[-1]):
        parts.append(safe_file_name(tags.get("title") or "Audiobook"))
    parts[-1] += ".m4b"
    return PurePosixPath(*parts)


def output_path(out_dir: Path, template: str | None, tags: Mapping[str, str]) -> Path:
    """Where a book goes: `out_dir` / the rendered template, checked to stay inside."""
    rel = render_template(template, tags)
    path = Path(out_dir) / rel
    if ".." in rel.parts or rel.is_absolute():  # cannot happen: parts are safe names
        raise ValueError(f"the file name template leaves the output folder: {rel}")
    return path


def _fields(template: str) -> list[str]:
    return [name for _t, name, _s, _c in string.Formatter().parse(template) if name]


def _value(tags: Mapping[str, str], name: str) -> str:
    # "/" inside a value is a character of the name, never a folder
    return str(tags.get(name) or "").replace("/", "_").replace("\\", "_")


def _tidy(text: str) -> str:
    """Collapse separators that an empty field left behind, and trim the ends."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\s[-–—]\s?){2,}", " - ", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    return text.strip(_EDGE)
