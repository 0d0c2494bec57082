"""Lookup answers kept in the database: the second identical lookup asks no one; old
answers are asked again; failures are not kept."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from aiom4b_tui.lookup.http import make_timeout
from aiom4b_tui.lookup.providers import LookupUnavailable
from aiom4b_tui.lookup.service import BookLookup, LookupQuery, LookupUrls, open_book_lookup
from aiom4b_tui.store.answer_cache import DatabaseAnswerCache
from aiom4b_tui.store.database.db import Database
from aiom4b_tui.store.models import LookupCacheDB, utcnow
from tests.helpers.lookup_fakes import ASIN, FakeBookApi, route_audnexus_book, running_book_api
from tests.helpers.workers import sqlite_database  # noqa: F401 (the fixture)


@pytest.fixture
def api() -> Iterator[FakeBookApi]:
    with running_book_api() as server:
        yield server


def _lookup(db: Database, url: str, cache: DatabaseAnswerCache | None = None) -> BookLookup:
    urls = LookupUrls(audnexus=url, openlibrary=url, covers=url)
    return BookLookup.create(cache=cache or DatabaseAnswerCache(db), urls=urls)


def _rows(db: Database) -> list[LookupCacheDB]:
    with db.session() as session:
        return list(session.exec(select(LookupCacheDB)))


def test_the_second_identical_lookup_makes_no_request(api: FakeBookApi, db: Database):
    route_audnexus_book(api)
    query = LookupQuery.of(asin=ASIN)
    with _lookup(db, api.url) as lookup:
        first = lookup.find(query)
    assert api.count() == 2  # the book and its chapters
    with _lookup(db, api.url) as lookup:
        second = lookup.find(query)
    assert api.count() == 2
    assert second == first and first[0].chapters is not None
    assert {(r.provider, r.query) for r in _rows(db)} == {
        ("audnexus", f"/books/{ASIN}?region=us"),
        ("audnexus", f"/books/{ASIN}/chapters?region=us"),
    }


def test_answers_older_than_the_age_limit_are_asked_again(api: FakeBookApi, db: Database):
    route_audnexus_book(api)
    query = LookupQuery.of(asin=ASIN)
    with _lookup(db, api.url) as lookup:
        lookup.find(query)
    later = DatabaseAnswerCache(db, now=lambda: utcnow() + timedelta(days=29))
    with _lookup(db, api.url, later) as lookup:
        lookup.find(query)
    assert api.count() == 2
    much_later = DatabaseAnswerCache(db, now=lambda: utcnow() + timedelta(days=31))
    with _lookup(db, api.url, much_later) as lookup:
        lookup.find(query)
    assert api.count() == 4


def test_not_found_is_kept_for_a_day(api: FakeBookApi, db: Database):
    query = LookupQuery.of(asin="B0NOTTHERE")
    with _lookup(db, api.url) as lookup:
        assert lookup.find(query) == []
        assert lookup.find(query) == []
    assert api.count() == 1
    next_day = DatabaseAnswerCache(db, now=lambda: utcnow() + timedelta(days=1, minutes=1))
    with _lookup(db, api.url, next_day) as lookup:
        assert lookup.find(query) == []
    assert api.count() == 2


def test_failures_are_not_kept(api: FakeBookApi, db: Database):
    api.route(f"/books/{ASIN}", body=b"not json", content_type="application/json")
    with _lookup(db, api.url) as lookup:
        for _ in range(2):
            with pytest.raises(Exception, match="not JSON"):
                lookup.find(LookupQuery.of(asin=ASIN))
    assert api.count() == 2
    assert _rows(db) == []


def test_off_the_network_says_so_and_changes_nothing(db: Database):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        _lookup(db, f"http://127.0.0.1:{port}") as lookup,
        pytest.raises(LookupUnavailable, match=r"\(off the network\?\)"),
    ):
        lookup.find(LookupQuery.of(asin=ASIN))
    assert _rows(db) == []


def test_kept_answers_serve_a_lookup_off_the_network(api: FakeBookApi, db: Database):
    route_audnexus_book(api)
    url = api.url
    with _lookup(db, url) as lookup:
        lookup.find(LookupQuery.of(asin=ASIN))
    api.routes.clear()  # the server now knows nothing: only the cache can answer
    with _lookup(db, url) as lookup:
        (match,) = lookup.find(LookupQuery.of(asin=ASIN))
    assert match.title == "The Keeper's Night"
    assert api.count() == 2


def test_prune_deletes_old_answers(db: Database):
    old = DatabaseAnswerCache(db, now=lambda: utcnow() - timedelta(days=40))
    old.put("audnexus", "/books/OLD", "{}")
    DatabaseAnswerCache(db).put("audnexus", "/books/NEW", "{}")
    assert DatabaseAnswerCache(db).prune() == 1
    assert [r.query for r in _rows(db)] == ["/books/NEW"]


def test_open_book_lookup_reads_the_urls_from_the_environment(
    api: FakeBookApi, db: Database, monkeypatch: pytest.MonkeyPatch
):
    route_audnexus_book(api)
    monkeypatch.setenv("AIOM4B_AUDNEXUS_URL", api.url)
    with open_book_lookup(DatabaseAnswerCache(db), timeout=make_timeout(read=5)) as lookup:
        (match,) = lookup.find(LookupQuery.of(asin=ASIN))
    assert match.asin == ASIN
