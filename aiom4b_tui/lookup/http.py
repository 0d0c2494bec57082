"""HTTP for the metadata providers: httpx with explicit timeouts and an aiom4b
User-Agent, JSON answers kept in an `AnswerCache`, network failures as LookupUnavailable.

The cache is an interface here (the lookup knows no database); the store's
`DatabaseAnswerCache` (store/answer_cache.py) keeps the answers in the job database. A
404 is an answer too ("not found") and is cached as `null`; errors and timeouts are not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import httpx

from aiom4b_tui import __version__
from aiom4b_tui.lookup.providers import LookupFailed, LookupUnavailable

USER_AGENT = f"aiom4b/{__version__} (audiobook tagger; python-httpx)"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def make_timeout(connect: float = CONNECT_TIMEOUT, read: float = READ_TIMEOUT) -> httpx.Timeout:
    """Connect and read timeouts (writing and waiting for a pooled connection: connect's)."""
    return httpx.Timeout(connect=connect, read=read, write=connect, pool=connect)


class AnswerCache(Protocol):
    """Where answers are kept between lookups, by provider and query."""

    def get(self, provider: str, query: str) -> str | None:
        """The JSON text kept for this query, if any and still fresh."""
        ...

    def put(self, provider: str, query: str, value: str) -> None:
        """Keep this JSON text as the answer to the query."""
        ...


class NoCache:
    """An AnswerCache that keeps nothing."""

    def get(self, provider: str, query: str) -> str | None:
        """Nothing is kept."""
        return None

    def put(self, provider: str, query: str, value: str) -> None:
        """Forget the answer."""


def query_key(path: str, params: Mapping[str, str] | None = None) -> str:
    """The cache key of a request: its path and sorted query string."""
    if not params:
        return path
    return f"{path}?{urlencode(sorted(params.items()))}"


class HttpGetter:
    """GET requests to one host or many, with aiom4b's timeouts and User-Agent."""

    def __init__(
        self, *, timeout: httpx.Timeout | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout or make_timeout(),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json, image/*"},
            follow_redirects=True,
            transport=transport,
        )

    def get(self, url: str, params: Mapping[str, str] | None = None) -> httpx.Response:
        """GET `url`; network failures become LookupUnavailable naming the host."""
        host = urlsplit(url).netloc or url
        try:
            return self._client.get(url, params=dict(params or {}))
        except httpx.TimeoutException as exc:
            raise LookupUnavailable(
                f"cannot reach {host}: no answer in time ({_timeout_kind(exc)}) (off the network?)"
            ) from exc
        except httpx.TransportError as exc:
            raise LookupUnavailable(f"cannot reach {host}: {exc} (off the network?)") from exc
        except httpx.HTTPError as exc:  # a malformed URL and the like
            raise LookupFailed(f"cannot ask {host}: {exc}") from exc

    def close(self) -> None:
        """Close the connections."""
        self._client.close()


def _timeout_kind(exc: httpx.TimeoutException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting"
    if isinstance(exc, httpx.ReadTimeout):
        return "waiting for the answer"
    return "timed out"


class JsonSource:
    """JSON answers from one provider's base URL, kept in the cache."""

    def __init__(
        self, provider: str, base_url: str, getter: HttpGetter, cache: AnswerCache | None = None
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self._getter = getter
        self._cache: AnswerCache = cache or NoCache()

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any | None:
        """The JSON answer to GET base_url + path (None: not found). Cached answers are
        used without a request."""
        key = query_key(path, params)
        kept = self._cache.get(self.provider, key)
        if kept is not None:
            try:
                return json.loads(kept)
            except ValueError:
                pass  # a damaged entry: ask again, and the answer replaces it
        response = self._getter.get(self.base_url + path, params)
        if response.status_code == 404:
            self._cache.put(self.provider, key, "null")
            return None
        if response.status_code != 200:
            raise LookupFailed(f"{self.host} answered {response.status_code}{_detail(response)}")
        try:
            data = response.json()
        except ValueError as exc:
            raise LookupFailed(f"{self.host} sent an answer that is not JSON ({path})") from exc
        self._cache.put(self.provider, key, json.dumps(data, ensure_ascii=False))
        return data


def unexpected_shape(host: str, what: str) -> LookupFailed:
    """The error for JSON whose shape is not the provider's documented one."""
    return LookupFailed(f"{host} sent {what} in a shape aiom4b does not know")


SHAPE_ERRORS = (AttributeError, KeyError, TypeError, ValueError, IndexError)


def _detail(response: httpx.Response) -> str:
    """A JSON error answer's message, e.g. Audnexus's {"message": "Bad ASIN"}."""
    try:
        body = response.json()
    except ValueError:
        return f" {response.reason_phrase}".rstrip()
    message = (body.get("message") or body.get("error")) if isinstance(body, dict) else None
    return f": {message}" if message else ""


def fetch_image(getter: HttpGetter, url: str) -> bytes | None:
    """An image's bytes (None: not found). Anything that is not JPEG/PNG/GIF/WebP, or is
    larger than MAX_IMAGE_BYTES, is refused with LookupFailed."""
    response = getter.get(url)
    host = urlsplit(url).netloc or url
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise LookupFailed(f"{host} answered {response.status_code} for the cover")
    data = response.content
    if len(data) > MAX_IMAGE_BYTES:
        raise LookupFailed(f"the cover from {host} is larger than 20 MB")
    if not is_image(data):
        raise LookupFailed(f"{host} sent a cover that is not an image")
    return data


def is_image(data: bytes) -> bool:
    """True for JPEG, PNG, GIF and WebP data (by their magic numbers)."""
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:6] in (b"GIF87a", b"GIF89a")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    )
