"""Audnexus (https://api.audnex.us): Audible's book data and chapters, by ASIN.

Answers used: `GET /books/{asin}?region=us` (title, subtitle, authors[{name}],
narrators[{name}], seriesPrimary{name, position}, releaseDate, publisherName, language,
summary (HTML), description, isbn, genres[{name, type}], image) and
`GET /books/{asin}/chapters?region=us` (brandIntroDurationMs, brandOutroDurationMs,
runtimeLengthMs, chapters[{startOffsetMs, lengthMs, title}]). A 404 is "no such book".

Audible's chapter starts count its brand intro ("This is Audible", a few seconds at the
start of the first chapter). Audio decrypted from Audible keeps that intro; audio from
anywhere else (a CD rip, a publisher's MP3s) has none, and there every chapter but the
first starts `brandIntroDurationMs` earlier. `chapters_for_audio` decides which from the
book's length when it is known, and otherwise keeps Audible's starts as they are.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from aiom4b_tui.lookup.http import (
    SHAPE_ERRORS,
    AnswerCache,
    HttpGetter,
    JsonSource,
    unexpected_shape,
)
from aiom4b_tui.lookup.providers import BookMatch, Chapter, LookupFailed

AUDNEXUS_URL = "https://api.audnex.us"
PROVIDER = "audnexus"
_DATE = re.compile(r"^(\d{4})(-\d{2}-\d{2})?")


class AudnexusProvider:
    """Books by ASIN from Audnexus, with Audible's chapters."""

    name = PROVIDER

    def __init__(
        self,
        getter: HttpGetter,
        *,
        base_url: str = AUDNEXUS_URL,
        region: str = "us",
        cache: AnswerCache | None = None,
    ) -> None:
        self.region = region
        self._source = JsonSource(PROVIDER, base_url, getter, cache)

    def search(self, title: str, author: str | None = None) -> list[BookMatch]:
        """Audnexus has no search by title: nothing."""
        return []

    def by_isbn(self, isbn: str) -> BookMatch | None:
        """Audnexus finds books by ASIN only: nothing."""
        return None

    def by_asin(self, asin: str) -> BookMatch | None:
        """The book with this ASIN and its chapters (None: Audnexus does not know it)."""
        params = {"region": self.region}
        book = self._source.get_json(f"/books/{asin}", params)
        if book is None:
            return None
        if not isinstance(book, dict) or not book.get("title"):
            raise LookupFailed(f"{self._source.host} sent a book without a title ({asin})")
        try:
            chapters = self._source.get_json(f"/books/{asin}/chapters", params)
            chapter_info = chapters if isinstance(chapters, dict) else None
            _chapters(chapter_info)
        except (LookupFailed, *SHAPE_ERRORS):
            chapter_info = None  # the book is worth having without its chapters
        try:
            return book_from_audnexus(book, chapter_info)
        except SHAPE_ERRORS as exc:
            raise unexpected_shape(self._source.host, f"the book {asin}") from exc


def book_from_audnexus(book: dict[str, Any], chapter_info: dict[str, Any] | None) -> BookMatch:
    """A BookMatch from Audnexus's book answer and (optionally) its chapter answer."""
    series = book.get("seriesPrimary") or {}
    genres = book.get("genres") or []
    ordered = [g for g in genres if g.get("type") == "genre"]
    ordered += [g for g in genres if g.get("type") != "genre"]
    chapters, intro, outro, runtime = _chapters(chapter_info)
    return BookMatch(
        provider=PROVIDER,
        title=str(book["title"]).strip(),
        subtitle=_text(book.get("subtitle")),
        authors=_names(book.get("authors")),
        narrators=_names(book.get("narrators")),
        series=_text(series.get("name")),
        series_part=_text(series.get("position")),
        year=_date(book.get("releaseDate")),
        publisher=_text(book.get("publisherName")),
        language=_text(book.get("language")),
        description=html_to_text(book.get("summary") or "") or _text(book.get("description")),
        asin=_text(book.get("asin")),
        isbn=_text(book.get("isbn")),
        genres=tuple(str(g["name"]) for g in ordered if g.get("name")),
        cover_url=_text(book.get("image")),
        chapters=chapters,
        brand_intro_ms=intro,
        brand_outro_ms=outro,
        runtime_ms=runtime,
    )


def _chapters(
    info: dict[str, Any] | None,
) -> tuple[tuple[Chapter, ...] | None, int, int, int | None]:
    if not info or not info.get("chapters"):
        return None, 0, 0, None
    chapters = tuple(
        (int(c.get("startOffsetMs", 0)), str(c.get("title") or "").strip())
        for c in info["chapters"]
    )
    runtime = info.get("runtimeLengthMs")
    return (
        chapters,
        int(info.get("brandIntroDurationMs") or 0),
        int(info.get("brandOutroDurationMs") or 0),
        int(runtime) if runtime else None,
    )


def chapters_for_audio(
    match: BookMatch, audio_ms: int | None = None, *, has_intro: bool | None = None
) -> list[Chapter] | None:
    """The match's chapters placed on this book's audio.

    `has_intro`: whether the audio starts with Audible's brand intro. None: decided from
    `audio_ms` (the book's length), whichever of Audible's runtime with and without the
    intro and outro it is nearer to; with no length either, the intro is taken to be
    there (Audible's starts unchanged). Without the intro every chapter but the first
    starts `brand_intro_ms` earlier.
    """
    if match.chapters is None:
        return None
    if has_intro is None:
        has_intro = audio_has_brand_intro(match, audio_ms)
    if has_intro or not match.brand_intro_ms:
        return list(match.chapters)
    shift = match.brand_intro_ms
    return [
        (start if n == 0 else max(0, start - shift), title)
        for n, (start, title) in enumerate(match.chapters)
    ]


def audio_has_brand_intro(match: BookMatch, audio_ms: int | None) -> bool:
    """True when audio of `audio_ms` is nearer Audible's full runtime than the runtime
    less its brand intro and outro (True also when either length is unknown)."""
    if audio_ms is None or match.runtime_ms is None:
        return True
    bare = match.runtime_ms - match.brand_intro_ms - match.brand_outro_ms
    return abs(audio_ms - match.runtime_ms) <= abs(audio_ms - bare)


def chapter_file_json(chapters: list[Chapter], end_ms: int | None = None) -> str:
    """Chapters as an Audible-style chapter file ({"chapters": [{start_offset_ms,
    length_ms, title}]}), the JSON form `--chapters FILE` reads. The last chapter runs
    to `end_ms` (0 long when unknown)."""
    items = []
    for n, (start, title) in enumerate(chapters):
        end = chapters[n + 1][0] if n + 1 < len(chapters) else (end_ms or start)
        items.append({"start_offset_ms": start, "length_ms": max(0, end - start), "title": title})
    return json.dumps({"chapters": items}, ensure_ascii=False, indent=2) + "\n"


def audio_end_ms(match: BookMatch, has_intro: bool) -> int | None:
    """Where the book's audio ends: Audible's runtime, less the intro and outro when the
    audio has neither."""
    if match.runtime_ms is None:
        return None
    if has_intro:
        return match.runtime_ms
    return match.runtime_ms - match.brand_intro_ms - match.brand_outro_ms


class _TextOfHtml(HTMLParser):
    BREAKS = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Audible's HTML summary as plain text: one line per paragraph, no markup."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _names(people: Any) -> tuple[str, ...]:
    if not isinstance(people, list):
        return ()
    return tuple(str(p["name"]).strip() for p in people if isinstance(p, dict) and p.get("name"))


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(value: Any) -> str | None:
    found = _DATE.match(str(value or ""))
    return found.group(0) if found else None
