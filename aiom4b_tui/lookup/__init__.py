"""Book metadata from the network (Audnexus, Open Library): providers, the HTTP client
and the service that merges their answers. Kept answers live in the store."""

from aiom4b_tui.lazy_exports import lazy_exports

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "BookLookup": ".service",
        "LookupQuery": ".service",
        "open_book_lookup": ".service",
        "BookMatch": ".providers",
    },
)
