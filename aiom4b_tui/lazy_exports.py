"""A package's few public names, imported only when first asked for (PEP 562), so that
importing a package (`aiom4b_tui.store`) costs nothing until one of its names is used.

    __getattr__, __dir__ = lazy_exports(__name__, {"JobService": ".jobs"})

Inside aiom4b_tui, code imports from the module that defines a name (the import
contracts see those imports); the package's names are its public face for scripts, the
bench and a reader looking for where to start.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module `__getattr__` and `__dir__` for `package` that import `name` from its
    module (relative to the package: ".jobs") when it is first looked up."""

    def __getattr__(name: str) -> Any:
        try:
            module = names[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(import_module(module, package), name)
        setattr(sys.modules[package], name, value)  # the next lookup is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
