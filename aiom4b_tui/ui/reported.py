"""`reported`: a worker's failure becomes a `WorkFailed` message, not a lost error.

Textual tells only a worker's own node that it failed; wrapped in `reported`, the work
posts `WorkFailed` from that node instead, which bubbles up to the app's one handler
(`AiomApp.on_work_failed`). Use it under `@work(...)` on a method (plain or async) of a
widget, screen or the app.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.message import Message

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class WorkFailed(Message):
    """A thread worker of some room failed (`where`: the work's name); bubbles up to the
    app's one error handler."""

    where: str
    error: Exception


def _failed(node: Any, method: Callable[..., Any], error: Exception) -> None:
    node.post_message(WorkFailed(method.__name__.strip("_").replace("_", " "), error))


def reported(method: F) -> F:
    """Run `method`; on an exception, post `WorkFailed` from its node and return None."""
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(node: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(node, *args, **kwargs)
            except Exception as exc:  # every failure goes to the one handler
                _failed(node, method, exc)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(method)
    def run(node: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(node, *args, **kwargs)
        except Exception as exc:  # every failure goes to the one handler
            _failed(node, method, exc)
            return None

    return run  # type: ignore[return-value]
