"""Paths that differ per host: a job keeps the paths it was added with, and each worker
maps them to the paths it sees (`/srv/books` on the NAS is `/mnt/nas/books` on the
desktop). The longest matching prefix wins; a path no prefix matches stays as it is.
Prefixes match whole path components: `/srv/books` maps `/srv/books/x`, not `/srv/books2`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath


class PathMapError(ValueError):
    """A path map that cannot be used (not a JSON object of path to path, relative paths)."""


def _clean(path: str) -> PurePosixPath:
    return PurePosixPath(path.rstrip("/") or "/")


class PathMap:
    """Maps the paths a job was added with to the paths this host sees."""

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        pairs = []
        for source, target in (mapping or {}).items():
            if not str(source).startswith("/") or not str(target).startswith("/"):
                raise PathMapError(f"path map entries must be absolute paths: {source} -> {target}")
            pairs.append((_clean(str(source)), _clean(str(target))))
        # Longest prefix first, so the most specific entry wins.
        self._pairs = sorted(pairs, key=lambda pair: len(pair[0].parts), reverse=True)

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def as_dict(self) -> dict[str, str]:
        """The map as given (prefix -> local prefix)."""
        return {str(source): str(target) for source, target in self._pairs}

    def local(self, path: str | PurePosixPath) -> str:
        """Where this host sees `path` (unchanged when no prefix matches)."""
        pure = PurePosixPath(path)
        for source, target in self._pairs:
            if pure == source or source in pure.parents:
                return str(target / pure.relative_to(source))
        return str(path)


def parse_path_map(text: str) -> PathMap:
    """A path map from JSON text ({"/srv/books": "/mnt/nas/books"})."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PathMapError(f"the path map is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise PathMapError('the path map must be a JSON object of paths: {"/from": "/to"}')
    return PathMap(data)
