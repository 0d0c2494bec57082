"""HTTP for the providers (lookup/http.py) against a local server: aiom4b's User-Agent,
answers kept in the cache (a 404 too, an error never), a slow or absent server told as
unavailable naming the host, bad JSON and error statuses as failed lookups, covers
checked to be images."""

from __future__ import annotations

import json
import time

import pytest

from aiom4b_tui.lookup.http import (
    MAX_IMAGE_BYTES,
    HttpGetter,
    JsonSource,
    fetch_image,
    is_image,
    make_timeout,
    query_key,
)
from aiom4b_tui.lookup.providers import LookupFailed, LookupUnavailable
from tests.helpers.lookup_fakes import FakeBookApi, PNG_1x1, closed_port


class MemoryCache:
    """An AnswerCache in a dict, counting what was kept."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], str] = {}

    def get(self, provider: str, query: str) -> str | None:
        return self.kept.get((provider, query))

    def put(self, provider: str, query: str, value: str) -> None:
        self.kept[(provider, query)] = value


def test_a_request_says_who_asks_and_its_query(book_api: FakeBookApi, http_getter: HttpGetter):
    book_api.route("/books/X", {"title": "T"})
    assert http_getter.get(f"{book_api.url}/books/X", {"region": "us"}).json() == {"title": "T"}
    (request,) = book_api.requests
    assert request.user_agent.startswith("aiom4b/") and "python-httpx" in request.user_agent
    assert request.query == {"region": ["us"]}


def test_an_answer_and_a_not_found_are_kept_and_asked_once(
    book_api: FakeBookApi, http_getter: HttpGetter
):
    book_api.route("/books/X", {"title": "T"})
    cache = MemoryCache()
    source = JsonSource("audnexus", book_api.url + "/", http_getter, cache)
    for _ in range(2):
        assert source.get_json("/books/X", {"region": "us"}) == {"title": "T"}
        assert source.get_json("/books/NONE") is None
    assert book_api.count("/books/X") == 1 and book_api.count("/books/NONE") == 1
    assert cache.kept == {
        ("audnexus", "/books/X?region=us"): '{"title": "T"}',
        ("audnexus", "/books/NONE"): "null",
    }


def test_a_damaged_entry_is_asked_again_and_replaced(
    book_api: FakeBookApi, http_getter: HttpGetter
):
    book_api.route("/books/X", {"title": "T"})
    cache = MemoryCache()
    cache.put("audnexus", "/books/X", "{not json")
    assert JsonSource("audnexus", book_api.url, http_getter, cache).get_json("/books/X") == {
        "title": "T"
    }
    assert json.loads(cache.kept[("audnexus", "/books/X")]) == {"title": "T"}


def test_an_error_status_is_a_failed_lookup_with_its_message_and_is_not_kept(
    book_api: FakeBookApi, http_getter: HttpGetter
):
    book_api.route(
        "/books/X", {"statusCode": 400, "error": "Bad Request", "message": "Bad ASIN"}, status=400
    )
    book_api.route("/search.json", body=b"down for maintenance", status=503)
    cache = MemoryCache()
    source = JsonSource("audnexus", book_api.url, http_getter, cache)
    with pytest.raises(LookupFailed, match="answered 400: Bad ASIN"):
        source.get_json("/books/X")
    with pytest.raises(LookupFailed, match="answered 503 Service Unavailable"):
        source.get_json("/search.json")
    assert cache.kept == {}


def test_bad_json_is_a_failed_lookup(book_api: FakeBookApi, http_getter: HttpGetter):
    book_api.route("/books/X", body=b"<html>oops</html>", content_type="application/json")
    with pytest.raises(LookupFailed, match=r"sent an answer that is not JSON \(/books/X\)"):
        JsonSource("audnexus", book_api.url, http_getter).get_json("/books/X")


def test_a_slow_provider_times_out_as_unavailable(book_api: FakeBookApi):
    book_api.route("/books/X", {"title": "T"}, delay=3.0)
    getter = HttpGetter(timeout=make_timeout(connect=2, read=0.3))
    started = time.monotonic()
    with pytest.raises(LookupUnavailable) as caught:
        getter.get(f"{book_api.url}/books/X")
    getter.close()
    assert time.monotonic() - started < 2.5  # gave up before the server answered
    host = book_api.url.removeprefix("http://")
    assert str(caught.value) == (
        f"cannot reach {host}: no answer in time (waiting for the answer) (off the network?)"
    )


def test_no_server_is_unavailable_naming_the_host(http_getter: HttpGetter):
    port = closed_port()
    with pytest.raises(LookupUnavailable) as caught:
        http_getter.get(f"http://127.0.0.1:{port}/books/X")
    message = str(caught.value)
    assert message.startswith(f"cannot reach 127.0.0.1:{port}: ")
    assert message.endswith("(off the network?)")


def test_a_cover_is_fetched_only_when_it_is_an_image(
    book_api: FakeBookApi, http_getter: HttpGetter
):
    book_api.route("/c/ok.png", body=PNG_1x1, content_type="image/png")
    book_api.route("/c/page.jpg", body=b"<html></html>", content_type="text/html")
    book_api.route("/c/gone.jpg", body=b"", status=500)
    assert fetch_image(http_getter, f"{book_api.url}/c/ok.png") == PNG_1x1
    assert fetch_image(http_getter, f"{book_api.url}/c/none.jpg") is None  # 404: it has none
    with pytest.raises(LookupFailed, match="sent a cover that is not an image"):
        fetch_image(http_getter, f"{book_api.url}/c/page.jpg")
    with pytest.raises(LookupFailed, match="answered 500 for the cover"):
        fetch_image(http_getter, f"{book_api.url}/c/gone.jpg")


def test_a_cover_larger_than_the_limit_is_refused(book_api: FakeBookApi, http_getter: HttpGetter):
    book_api.route(
        "/c/huge.jpg", body=b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES), content_type="image/jpeg"
    )
    with pytest.raises(LookupFailed, match="larger than 20 MB"):
        fetch_image(http_getter, f"{book_api.url}/c/huge.jpg")


@pytest.mark.parametrize(
    ("data", "image"),
    [
        (b"\xff\xd8\xff\xe0rest", True),
        (PNG_1x1, True),
        (b"GIF89a...", True),
        (b"GIF87a...", True),
        (b"RIFF\0\0\0\0WEBPVP8 ", True),
        (b"RIFF\0\0\0\0WAVEfmt ", False),
        (b"<html>", False),
        (b"", False),
    ],
)
def test_images_are_told_by_their_magic_numbers(data: bytes, image: bool):
    assert is_image(data) is image


def test_a_query_key_is_its_path_and_sorted_query():
    assert query_key("/books/X") == "/books/X"
    assert query_key("/s", {"title": "A b", "limit": "10"}) == "/s?limit=10&title=A+b"
