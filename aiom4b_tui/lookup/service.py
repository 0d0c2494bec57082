"""The metadata lookup as callers use it: a checked query (ASIN, ISBN, or title and
author) asked of every provider that can answer it, and the found cover downloaded.

Blocking (httpx's sync client): run it in a thread from an event loop.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from aiom4b_tui.lookup.audnexus import AUDNEXUS_URL, AudnexusProvider
from aiom4b_tui.lookup.http import AnswerCache, HttpGetter, fetch_image
from aiom4b_tui.lookup.openlibrary import COVERS_URL, OPENLIBRARY_URL, OpenLibraryProvider
from aiom4b_tui.lookup.providers import BookMatch, MetadataLookupError, Provider

_ASIN = re.compile(r"^[A-Z0-9]{10}$")


COVERS_DIR = "covers"


class BadLookupQuery(ValueError):
    """A query that cannot be asked: the message says what is wrong with it."""


@dataclass(frozen=True)
class LookupQuery:
    """What to look for: one of an ASIN, an ISBN, or a title (with an optional author)."""

    asin: str | None = None
    isbn: str | None = None
    title: str | None = None
    author: str | None = None

    @classmethod
    def of(
        cls,
        *,
        asin: str | None = None,
        isbn: str | None = None,
        title: str | None = None,
        author: str | None = None,
    ) -> LookupQuery:
        """A checked query; BadLookupQuery when it is not exactly one kind, or malformed."""
        title = (title or "").strip() or None
        author = (author or "").strip() or None
        given = [name for name, v in (("ASIN", asin), ("ISBN", isbn), ("title", title)) if v]
        if len(given) != 1:
            raise BadLookupQuery("give one of an ASIN, an ISBN or a title")
        if author and not title:
            raise BadLookupQuery("an author is looked up with a title")
        return cls(
            asin=normalize_asin(asin) if asin else None,
            isbn=normalize_isbn(isbn) if isbn else None,
            title=title,
            author=author,
        )

    def describe(self) -> str:
        """The query in words, for messages."""
        if self.asin:
            return f"ASIN {self.asin}"
        if self.isbn:
            return f"ISBN {self.isbn}"
        return f"{self.title!r}" + (f" by {self.author!r}" if self.author else "")


def normalize_asin(text: str) -> str:
    """An ASIN in capitals; BadLookupQuery unless it is 10 letters and digits."""
    asin = text.strip().upper()
    if not _ASIN.match(asin):
        raise BadLookupQuery(f"not an ASIN: {text!r} (10 letters and digits, e.g. B079LRSMNN)")
    return asin


def normalize_isbn(text: str) -> str:
    """An ISBN-10 or ISBN-13 without hyphens or spaces; BadLookupQuery when its check
    digit is wrong or it is not one."""
    isbn = re.sub(r"[\s-]", "", text).upper()
    if re.fullmatch(r"\d{9}[\dX]", isbn):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(isbn))
        valid = total % 11 == 0
    elif re.fullmatch(r"\d{13}", isbn):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(isbn))
        valid = total % 10 == 0
    else:
        raise BadLookupQuery(f"not an ISBN: {text!r} (10 or 13 digits)")
    if not valid:
        raise BadLookupQuery(f"not an ISBN: {text!r} (its check digit is wrong)")
    return isbn


@dataclass(frozen=True)
class LookupUrls:
    """Where the providers are (tests point them at a local server)."""

    audnexus: str = AUDNEXUS_URL
    openlibrary: str = OPENLIBRARY_URL
    covers: str = COVERS_URL

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> LookupUrls:
        """Defaults, overridden by AIOM4B_AUDNEXUS_URL, AIOM4B_OPENLIBRARY_URL and
        AIOM4B_COVERS_URL."""
        env = dict(os.environ) if env is None else env
        return cls(
            audnexus=env.get("AIOM4B_AUDNEXUS_URL") or AUDNEXUS_URL,
            openlibrary=env.get("AIOM4B_OPENLIBRARY_URL") or OPENLIBRARY_URL,
            covers=env.get("AIOM4B_COVERS_URL") or COVERS_URL,
        )


class BookLookup:
    """Asks every provider that can answer a query; downloads covers."""

    def __init__(self, providers: Sequence[Provider], getter: HttpGetter) -> None:
        self.providers = list(providers)
        self._getter = getter

    @classmethod
    def create(
        cls,
        *,
        cache: AnswerCache | None = None,
        urls: LookupUrls | None = None,
        timeout: httpx.Timeout | None = None,
        region: str = "us",
    ) -> BookLookup:
        """Audnexus and Open Library, sharing one HTTP client and the cache."""
        urls = urls or LookupUrls()
        getter = HttpGetter(timeout=timeout)
        providers: list[Provider] = [
            AudnexusProvider(getter, base_url=urls.audnexus, region=region, cache=cache),
            OpenLibraryProvider(
                getter, base_url=urls.openlibrary, covers_url=urls.covers, cache=cache
            ),
        ]
        return cls(providers, getter)

    def find(self, query: LookupQuery) -> list[BookMatch]:
        """Every match for the query, provider by provider. A provider that fails is
        passed over when another answers; when none does, its error is raised
        (LookupUnavailable off the network, LookupFailed for a bad answer)."""
        matches: list[BookMatch] = []
        errors: list[MetadataLookupError] = []
        for provider in self.providers:
            try:
                matches += _ask(provider, query)
            except MetadataLookupError as exc:
                errors.append(exc)
        if errors and not matches:
            raise errors[0]
        return matches

    def download_cover(self, match: BookMatch, dest_dir: Path) -> Path | None:
        """The match's cover as a file in `dest_dir` (None: it has none). A cover
        downloaded before is found there again without a request."""
        if not match.cover_url:
            return None
        stem = f"{match.provider}-{hashlib.sha256(match.cover_url.encode()).hexdigest()[:16]}"
        kept = sorted(dest_dir.glob(f"{stem}.*")) if dest_dir.is_dir() else []
        if kept and kept[0].stat().st_size > 0:
            return kept[0]
        data = fetch_image(self._getter, match.cover_url)
        if data is None:
            return None
        dest_dir.mkdir(parents=True, exist_ok=True)
        path = dest_dir / f"{stem}{_suffix(data)}"
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)
        return path

    def close(self) -> None:
        """Close the HTTP connections."""
        self._getter.close()

    def __enter__(self) -> BookLookup:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _ask(provider: Provider, query: LookupQuery) -> list[BookMatch]:
    if query.asin:
        found = provider.by_asin(query.asin)
        return [found] if found else []
    if query.isbn:
        found = provider.by_isbn(query.isbn)
        return [found] if found else []
    assert query.title is not None
    return provider.search(query.title, query.author)


def _suffix(data: bytes) -> str:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ".png"
    if data[:3] == b"GIF":
        return ".gif"
    if data[:4] == b"RIFF":
        return ".webp"
    return ".jpg"


def open_book_lookup(
    cache: AnswerCache | None,
    *,
    urls: LookupUrls | None = None,
    timeout: httpx.Timeout | None = None,
) -> BookLookup:
    """A BookLookup whose answers are kept in `cache` (the store's DatabaseAnswerCache);
    provider URLs from the environment (AIOM4B_AUDNEXUS_URL, AIOM4B_OPENLIBRARY_URL,
    AIOM4B_COVERS_URL) unless given."""
    return BookLookup.create(cache=cache, urls=urls or LookupUrls.from_env(), timeout=timeout)


def covers_dir(data_dir: Path) -> Path:
    """Where looked-up covers are downloaded to (kept, so a second look asks no one)."""
    return data_dir / COVERS_DIR
