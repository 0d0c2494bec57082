"""Running a verb's event loop until a stop signal: SIGINT, SIGTERM and SIGHUP each ask
for a graceful stop (`worker`, `watch`, `convert`), and the verb decides when it is done."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Coroutine
from typing import Any

from aiom4b_tui.engine.sources.scan import abandon_scans

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_until_signalled(main: Coroutine[Any, Any, None], on_signal: Callable[[int], None]) -> None:
    """Run `main`, calling `on_signal(signal number)` on SIGINT, SIGTERM or SIGHUP (each
    asks for a graceful stop; `main` decides when it is done). The handlers are removed
    when `main` ends."""

    def _stopping(sig: int) -> None:
        abandon_scans()  # a scan in a thread would hold the process up until it ends
        on_signal(sig)

    async def runner() -> None:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, _stopping, sig)
        try:
            await main
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)

    asyncio.run(runner())
