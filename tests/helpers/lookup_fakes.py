"""A local HTTP server that answers like Audnexus and Open Library, and answers shaped
like theirs (made-up books; the field names and nesting are the real APIs').

The server runs in a thread on 127.0.0.1, counts every request, and answers each path
with what the test routed to it: JSON, raw bytes, a status, after a delay. Unrouted
paths get Audnexus's 404 answer. `book_api` and `http_getter` are fixtures for it
(tests/lookup/conftest.py makes them known there).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from aiom4b_tui.lookup.http import HttpGetter, make_timeout


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes
    status: int = 200
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0
    location: str | None = None  # a redirect


@dataclass(frozen=True)
class Request:
    """One request the server saw."""

    path: str
    query: dict[str, list[str]]
    user_agent: str


class FakeBookApi:
    """The server: `route()` what to answer, read `requests` to see what was asked."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(
        self,
        path: str,
        json_body: Any = None,
        *,
        body: bytes | None = None,
        status: int = 200,
        content_type: str | None = None,
        delay: float = 0.0,
        location: str | None = None,
    ) -> None:
        """Answer `path` with JSON (or raw `body`), `status`, after `delay` seconds."""
        data = body if body is not None else json.dumps(json_body).encode()
        kind = content_type or (
            "application/json; charset=utf-8" if body is None else "application/octet-stream"
        )
        self.routes[path] = Route(data, status, kind, delay, location)

    def count(self, path: str | None = None) -> int:
        """Requests seen (on `path` only, when given)."""
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)


NOT_FOUND = {"statusCode": 404, "error": "Not Found", "message": "Item not available"}


def _handler(api: FakeBookApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            api._record(Request(parts.path, parse_qs(parts.query), self.headers["User-Agent"]))
            route = api.routes.get(parts.path) or Route(json.dumps(NOT_FOUND).encode(), 404)
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(route.status)
                if route.location:
                    self.send_header("Location", route.location)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout tests)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_book_api() -> Iterator[FakeBookApi]:
    """A FakeBookApi serving on a free port until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    api = FakeBookApi(server)
    server.RequestHandlerClass = _handler(api)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def book_api() -> Iterator[FakeBookApi]:
    """A FakeBookApi serving for one test."""
    with running_book_api() as server:
        yield server


@pytest.fixture
def http_getter() -> Iterator[HttpGetter]:
    """An HttpGetter with five-second timeouts, closed after the test."""
    getter = HttpGetter(timeout=make_timeout(connect=5, read=5))
    yield getter
    getter.close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: a provider off the network."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The smallest PNG: a cover the fake server sends.
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)

ASIN = "B0TESTBOOK"
ISBN = "9780306406157"  # a valid ISBN-13

AUDNEXUS_BOOK = {
    "asin": ASIN,
    "authors": [{"asin": "B000AUTHOR", "name": "Mira Castell"}, {"name": "Tom Ochre"}],
    "description": "A keeper, a storm and a ship that should not be there.",
    "formatType": "unabridged",
    "genres": [
        {"asin": "18580606011", "name": "Mystery", "type": "genre"},
        {"asin": "18580628011", "name": "Coastal", "type": "tag"},
    ],
    "image": "",  # set by the tests to the fake server's cover
    "isAdult": False,
    "isbn": ISBN,
    "language": "english",
    "narrators": [{"name": "Ada Lyle"}],
    "publisherName": "Harbour Audio",
    "rating": "4.4",
    "region": "us",
    "releaseDate": "2021-03-09T00:00:00.000Z",
    "runtimeLengthMin": 1,
    "seriesPrimary": {"asin": "B0SERIES01", "name": "Lamp Rock", "position": "2"},
    "subtitle": "A Lamp Rock Mystery",
    "summary": "<p>The <i>storm</i> came in at dusk &amp; stayed.</p><p>Second paragraph.</p>",
    "title": "The Keeper's Night",
}

AUDNEXUS_CHAPTERS = {
    "asin": ASIN,
    "brandIntroDurationMs": 2100,
    "brandOutroDurationMs": 5000,
    "chapters": [
        {"lengthMs": 20000, "startOffsetMs": 0, "startOffsetSec": 0, "title": "Opening Credits"},
        {"lengthMs": 30000, "startOffsetMs": 20000, "startOffsetSec": 20, "title": "Chapter 1"},
        {"lengthMs": 40000, "startOffsetMs": 50000, "startOffsetSec": 50, "title": "Chapter 2"},
    ],
    "isAccurate": True,
    "region": "us",
    "runtimeLengthMs": 90000,
    "runtimeLengthSec": 90,
}

OPENLIBRARY_SEARCH = {
    "numFound": 2,
    "start": 0,
    "numFoundExact": True,
    "num_found": 2,
    "q": "",
    "offset": None,
    "docs": [
        {
            "key": "/works/OL100W",
            "title": "The Keeper's Night",
            "author_name": ["Mira Castell"],
            "first_publish_year": 2019,
            "publisher": ["Harbour Press", "Other Press"],
            "language": ["eng"],
            "isbn": ["0306406152", ISBN],
            "cover_i": 12345,
            "subject": ["Lighthouses", "Fiction", "Storms"],
        },
        {
            "key": "/works/OL101W",
            "title": "Keeper of Nights",
            "author_name": ["Someone Else"],
        },
    ],
}

OPENLIBRARY_EDITION = {
    "key": "/books/OL200M",
    "title": "The Keeper's Night",
    "subtitle": "A Novel",
    "authors": [{"key": "/authors/OL300A"}],
    "publishers": ["Harbour Press"],
    "publish_date": "March 2019",
    "languages": [{"key": "/languages/eng"}],
    "isbn_13": [ISBN],
    "isbn_10": ["0306406152"],
    "covers": [12345],
    "works": [{"key": "/works/OL100W"}],
    "number_of_pages": 320,
}

OPENLIBRARY_WORK = {
    "key": "/works/OL100W",
    "title": "The Keeper's Night",
    "description": {"type": "/type/text", "value": "A storm, a keeper, a ship."},
    "subjects": ["Lighthouses", "Fiction"],
    "authors": [{"author": {"key": "/authors/OL300A"}, "type": {"key": "/type/author_role"}}],
}

OPENLIBRARY_AUTHOR = {"key": "/authors/OL300A", "name": "Mira Castell"}


def route_audnexus_book(api: FakeBookApi, *, cover_path: str | None = "/covers/keeper.jpg") -> None:
    """Route the sample book and its chapters (cover served from `cover_path`)."""
    book = dict(AUDNEXUS_BOOK, image=f"{api.url}{cover_path}" if cover_path else "")
    api.route(f"/books/{ASIN}", book)
    api.route(f"/books/{ASIN}/chapters", AUDNEXUS_CHAPTERS)


def route_openlibrary_edition(api: FakeBookApi) -> None:
    """Route /isbn/{ISBN}.json as Open Library does: a redirect to the edition."""
    api.route(f"/isbn/{ISBN}.json", {}, status=302, location="/books/OL200M.json")
    api.route("/books/OL200M.json", OPENLIBRARY_EDITION)
    api.route("/works/OL100W.json", OPENLIBRARY_WORK)
    api.route("/authors/OL300A.json", OPENLIBRARY_AUTHOR)
