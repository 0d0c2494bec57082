"""The lookup tests' fixtures, written in tests/helpers/lookup_fakes.py: the fake book API
(`book_api`) and an HTTP client with short timeouts (`http_getter`)."""

from tests.helpers.lookup_fakes import book_api, http_getter  # noqa: F401
