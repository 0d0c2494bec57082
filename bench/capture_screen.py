"""Write `docs/screen.txt`: the main screen at 80x24 as text, for the README.

Run by hand: `python bench/capture_screen.py`. Uses the jobs of the snapshot tests and a
generated library, with a fixed clock and UTC, so the capture is the same each time.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiom4b_tui.config.settings import load_settings  # noqa: E402
from aiom4b_tui.store.database.db import open_database  # noqa: E402
from aiom4b_tui.store.jobs import JobService  # noqa: E402
from aiom4b_tui.ui.app import create_app  # noqa: E402
from aiom4b_tui.ui.text.screen_text import screen_text  # noqa: E402
from tests.helpers.audio import make_mp3  # noqa: E402
from tests.helpers.pilot import wait_for  # noqa: E402
from tests.helpers.snapshots import NOW, add_sample_jobs, add_worker  # noqa: E402


async def capture(home: Path) -> tuple[str, str]:
    library = home / "Audiobooks"
    for n in range(1, 4):
        make_mp3(library / "Dune" / f"{n:02d}.mp3", 1.0, album="Dune", artist="Frank Herbert")
    make_mp3(library / "Emma" / "01.mp3", 1.0)
    (library / "Notes").mkdir()
    settings = load_settings(home / "data", library_dir=library)
    service = JobService(open_database(settings.data_dir))
    add_sample_jobs(service)
    add_worker(service)  # a worker row as a live worker writes it
    app = create_app(settings, library, clock=lambda: NOW, start_worker=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.main_screen
        await wait_for(pilot, lambda: screen.jobs.table.row_count == 5)
        await wait_for(pilot, lambda: screen.folder_tree.summary_of(library / "Emma") is not None)
        await wait_for(pilot, lambda: screen.header.worker_line.startswith("worker"))
        await pilot.pause(0.3)
        jobs = screen_text(app)
        await pilot.press("l", "space")
        await pilot.pause(0.3)
        folders = screen_text(app)
    return jobs, folders


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["HOME"] = tmp
        os.environ["TZ"] = "UTC"
        time.tzset()
        jobs, folders = asyncio.run(capture(Path(tmp)))
    text = (
        "aiom4b at 80x24: the jobs (below 100 columns the panes fold; `l` switches)\n\n"
        f"{jobs}\n\n"
        "`l` shows the library; `space` marked Dune\n\n"
        f"{folders}\n"
    )
    (ROOT / "docs" / "screen.txt").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
