"""Metadata lookup: what a provider finds (`BookMatch`), the interface every provider
implements (`Provider`), and the errors a lookup can end in.

A provider answers three questions: books like this title and author, the book with this
ASIN, the book with this ISBN. One that cannot answer a kind of question (Open Library
knows no ASINs, Audnexus has no search) answers "nothing found" to it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields
from typing import Any, Protocol

_PART = re.compile(r"^\d{1,4}(\.\d{1,3})?$")
_NUMBER = re.compile(r"\d{1,4}(?:\.\d{1,3})?")


class MetadataLookupError(RuntimeError):
    """A lookup that could not be answered; the message is fit for a person."""


class LookupUnavailable(MetadataLookupError):
    """The provider cannot be reached (no network, no DNS, no answer in time)."""


class LookupFailed(MetadataLookupError):
    """The provider answered, but not with something usable (an error status, bad JSON)."""


Chapter = tuple[int, str]  # (start in ms, title)


@dataclass(frozen=True)
class BookMatch:
    """One book a provider found. Empty fields are what the provider did not say.

    `chapters` are the provider's own starts (Audible's include its brand intro: see
    `lookup/audnexus.chapters_for_audio`); `brand_intro_ms`/`brand_outro_ms`/`runtime_ms`
    come with them.
    """

    provider: str
    title: str
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    narrators: tuple[str, ...] = ()
    series: str | None = None
    series_part: str | None = None
    year: str | None = None  # YYYY or YYYY-MM-DD
    publisher: str | None = None
    language: str | None = None
    description: str | None = None
    asin: str | None = None
    isbn: str | None = None
    genres: tuple[str, ...] = ()
    cover_url: str | None = None
    chapters: tuple[Chapter, ...] | None = None
    brand_intro_ms: int = 0
    brand_outro_ms: int = 0
    runtime_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (tuples become lists)."""
        data = asdict(self)
        if self.chapters is not None:
            data["chapters"] = [{"start_ms": s, "title": t} for s, t in self.chapters]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BookMatch:
        """The inverse of `to_dict`."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("authors", "narrators", "genres"):
            values[name] = tuple(values.get(name) or ())
        chapters = values.get("chapters")
        if chapters is not None:
            values["chapters"] = tuple((int(c["start_ms"]), str(c["title"])) for c in chapters)
        return cls(**values)

    def tags(self) -> dict[str, str]:
        """The match as book tags (only those it has), keyed as the job's tag options
        (`TagOverrides`): title subtitle author narrator series series_part year genre
        publisher language description asin isbn. A series part is given only as a
        number ("Book 3" -> "3"; an omnibus's "1-2" is left out) and a year only as YYYY
        or a real YYYY-MM-DD, the forms the tag options accept."""
        values = {
            "title": self.title,
            "subtitle": self.subtitle,
            "author": ", ".join(self.authors),
            "narrator": ", ".join(self.narrators),
            "series": self.series,
            "series_part": tag_series_part(self.series_part),
            "year": tag_year(self.year),
            "genre": self.genres[0] if self.genres else None,
            "publisher": self.publisher,
            "language": self.language,
            "description": self.description,
            "asin": self.asin,
            "isbn": self.isbn,
        }
        return {k: v for k, v in values.items() if v}


def tag_series_part(part: str | None) -> str | None:
    """A series position as a plain number, when it holds exactly one."""
    if not part:
        return None
    part = part.strip()
    if _PART.match(part):
        return part
    numbers = _NUMBER.findall(part)
    return numbers[0] if len(numbers) == 1 else None


def tag_year(year: str | None) -> str | None:
    """YYYY-MM-DD when it is a real date, else its YYYY, else None."""
    if not year:
        return None
    try:
        return dt.date.fromisoformat(year[:10]).isoformat()
    except ValueError:
        found = re.match(r"\d{4}", year)
        return found.group(0) if found else None


class Provider(Protocol):
    """A source of book metadata. Each method returns nothing found as [] or None and
    raises LookupUnavailable / LookupFailed when it cannot tell."""

    name: str

    def search(self, title: str, author: str | None = None) -> list[BookMatch]:
        """Books matching a title (and author), best first."""
        ...

    def by_asin(self, asin: str) -> BookMatch | None:
        """The book with this Audible ASIN."""
        ...

    def by_isbn(self, isbn: str) -> BookMatch | None:
        """The book with this ISBN (10 or 13 digits, no hyphens)."""
        ...
