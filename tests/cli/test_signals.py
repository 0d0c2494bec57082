"""A verb's event loop run until a stop signal (cli/signals.py): SIGINT, SIGTERM and SIGHUP
each reach the verb as a request it answers in its own time; the handlers are gone when
the verb is done."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from aiom4b_tui.cli.signals import STOP_SIGNALS, run_until_signalled


@pytest.mark.parametrize("sig", STOP_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_a_stop_signal_is_a_request_the_verb_answers(sig: int, default_handlers):
    asked: list[int] = []
    stop = asyncio.Event()
    finished: list[str] = []

    async def main() -> None:
        asyncio.get_running_loop().call_soon(os.kill, os.getpid(), sig)
        await stop.wait()
        finished.append("cleaned up")  # the verb ends in its own time, after the signal

    run_until_signalled(main(), lambda got: (asked.append(got), stop.set()))
    assert asked == [sig] and finished == ["cleaned up"]


@pytest.fixture
def default_handlers():
    """The stop signals at Python's defaults for the test (as in `aiom4b`), the test
    process's own handlers back afterwards."""
    defaults = {sig: signal.SIG_DFL for sig in STOP_SIGNALS} | {
        signal.SIGINT: signal.default_int_handler
    }
    saved = {sig: signal.signal(sig, handler) for sig, handler in defaults.items()}
    yield defaults
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_the_handlers_are_gone_when_the_verb_is_done(default_handlers):
    async def main() -> None:
        await asyncio.sleep(0)

    run_until_signalled(main(), lambda _sig: None)
    assert {sig: signal.getsignal(sig) for sig in STOP_SIGNALS} == default_handlers
