"""Open Library (https://openlibrary.org): search by title and author, books by ISBN,
and covers (https://covers.openlibrary.org).

Answers used: `GET /search.json?title=&author=&fields=...&limit=` ({numFound, docs:
[{title, subtitle, author_name[], first_publish_year, publisher[], language[], isbn[],
cover_i, subject[]}]}); `GET /isbn/{isbn}.json`, which redirects to the edition
({title, subtitle, authors[{key}], publishers[], publish_date, languages[{key}],
isbn_13[], covers[], description, subjects[], works[{key}]}); `GET /authors/{id}.json`
({name}) and `GET /works/{id}.json` ({description, subjects[], authors[{author{key}}]})
for what an edition leaves out. Covers: `/b/id/{id}-L.jpg`, else
`/b/isbn/{isbn}-L.jpg?default=false` (404 when there is none, not a blank image).
"""

from __future__ import annotations

import re
from typing import Any

from aiom4b_tui.lookup.http import (
    SHAPE_ERRORS,
    AnswerCache,
    HttpGetter,
    JsonSource,
    unexpected_shape,
)
from aiom4b_tui.lookup.providers import BookMatch

OPENLIBRARY_URL = "https://openlibrary.org"
COVERS_URL = "https://covers.openlibrary.org"
PROVIDER = "openlibrary"
SEARCH_LIMIT = 10
SEARCH_FIELDS = (
    "key,title,subtitle,author_name,first_publish_year,publisher,language,isbn,cover_i,subject"
)
MAX_GENRES = 5
MAX_AUTHORS = 5
_YEAR = re.compile(r"\b(\d{4})\b")


class OpenLibraryProvider:
    """Search and ISBN lookups on Open Library; covers from its cover store."""

    name = PROVIDER

    def __init__(
        self,
        getter: HttpGetter,
        *,
        base_url: str = OPENLIBRARY_URL,
        covers_url: str = COVERS_URL,
        cache: AnswerCache | None = None,
    ) -> None:
        self.covers_url = covers_url.rstrip("/")
        self._source = JsonSource(PROVIDER, base_url, getter, cache)

    def search(self, title: str, author: str | None = None) -> list[BookMatch]:
        """Books whose title (and author) match, in Open Library's order."""
        params = {"title": title, "fields": SEARCH_FIELDS, "limit": str(SEARCH_LIMIT)}
        if author:
            params["author"] = author
        answer = self._source.get_json("/search.json", params)
        docs = answer.get("docs") if isinstance(answer, dict) else None
        if not isinstance(docs, list):
            return []
        try:
            return [self._from_doc(d) for d in docs if isinstance(d, dict) and d.get("title")]
        except SHAPE_ERRORS as exc:
            raise unexpected_shape(self._source.host, "search results") from exc

    def by_asin(self, asin: str) -> BookMatch | None:
        """Open Library keeps no ASINs: nothing."""
        return None

    def by_isbn(self, isbn: str) -> BookMatch | None:
        """The edition with this ISBN (None: Open Library does not know it)."""
        edition = self._source.get_json(f"/isbn/{isbn}.json")
        if not isinstance(edition, dict) or not edition.get("title"):
            return None
        try:
            return self._from_edition(edition, isbn)
        except SHAPE_ERRORS as exc:
            raise unexpected_shape(self._source.host, f"the edition {isbn}") from exc

    def _from_edition(self, edition: dict[str, Any], isbn: str) -> BookMatch:
        work = self._work_of(edition)
        authors = self._author_names(edition.get("authors") or _work_authors(work))
        description = _description(edition.get("description")) or _description(
            work.get("description")
        )
        subjects = edition.get("subjects") or work.get("subjects") or []
        covers = [c for c in edition.get("covers") or [] if isinstance(c, int) and c > 0]
        languages = edition.get("languages") or []
        return BookMatch(
            provider=PROVIDER,
            title=str(edition["title"]).strip(),
            subtitle=_text(edition.get("subtitle")),
            authors=authors,
            year=_year(edition.get("publish_date")),
            publisher=_first(edition.get("publishers")),
            language=_language(languages[0]) if languages else None,
            description=description,
            isbn=_first(edition.get("isbn_13")) or isbn,
            genres=tuple(str(s) for s in subjects[:MAX_GENRES]),
            cover_url=self._cover_url(covers[0] if covers else None, isbn),
        )

    def _from_doc(self, doc: dict[str, Any]) -> BookMatch:
        isbns = [str(i) for i in doc.get("isbn") or []]
        isbn = next((i for i in isbns if len(i) == 13), isbns[0] if isbns else None)
        year = doc.get("first_publish_year")
        cover = doc.get("cover_i")
        return BookMatch(
            provider=PROVIDER,
            title=str(doc["title"]).strip(),
            subtitle=_text(doc.get("subtitle")),
            authors=tuple(str(a) for a in doc.get("author_name") or [])[:MAX_AUTHORS],
            year=str(year) if year else None,
            publisher=_first(doc.get("publisher")),
            language=_first(doc.get("language")),
            isbn=isbn,
            genres=tuple(str(s) for s in (doc.get("subject") or [])[:MAX_GENRES]),
            cover_url=self._cover_url(cover if isinstance(cover, int) else None, isbn),
        )

    def _cover_url(self, cover_id: int | None, isbn: str | None) -> str | None:
        if cover_id:
            return f"{self.covers_url}/b/id/{cover_id}-L.jpg"
        if isbn:
            return f"{self.covers_url}/b/isbn/{isbn}-L.jpg?default=false"
        return None

    def _work_of(self, edition: dict[str, Any]) -> dict[str, Any]:
        """The edition's work, when the edition lacks authors or a description."""
        if edition.get("authors") and edition.get("description"):
            return {}
        works = edition.get("works") or []
        key = works[0].get("key") if works and isinstance(works[0], dict) else None
        if not isinstance(key, str) or not key.startswith("/works/"):
            return {}
        work = self._source.get_json(f"{key}.json")
        return work if isinstance(work, dict) else {}

    def _author_names(self, refs: list[Any]) -> tuple[str, ...]:
        names = []
        for ref in refs[:MAX_AUTHORS]:
            key = ref.get("key") if isinstance(ref, dict) else None
            if not isinstance(key, str) or not key.startswith("/authors/"):
                continue
            author = self._source.get_json(f"{key}.json")
            if isinstance(author, dict) and author.get("name"):
                names.append(str(author["name"]).strip())
        return tuple(names)


def _work_authors(work: dict[str, Any]) -> list[Any]:
    return [a.get("author") for a in work.get("authors") or [] if isinstance(a, dict)]


def _description(value: Any) -> str | None:
    if isinstance(value, dict):  # {"type": "/type/text", "value": "..."}
        value = value.get("value")
    return _text(value)


def _language(ref: Any) -> str | None:
    key = ref.get("key") if isinstance(ref, dict) else ref
    return _text(str(key).rsplit("/", 1)[-1]) if key else None


def _year(value: Any) -> str | None:
    found = _YEAR.search(str(value or ""))
    return found.group(1) if found else None


def _first(values: Any) -> str | None:
    if isinstance(values, list) and values:
        return _text(values[0])
    return None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
