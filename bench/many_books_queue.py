"""Queue one job per folder in a data dir; run as a child with the measured checkout's code.

Usage: python bench/many_books_queue.py DATA_DIR FOLDER...
"""

from __future__ import annotations

import sys
from pathlib import Path


def queue_child(data_dir: str, folders: list[str]) -> None:
    """Queue one job per folder through the checkout's JobService (in order)."""
    from aiom4b_tui.config.settings import load_settings
    from aiom4b_tui.store.database.db import open_database
    from aiom4b_tui.store.jobs import JobService
    from aiom4b_tui.store.models import JobCreate

    settings = load_settings(data_dir)
    db = open_database(settings.data_dir, url=settings.database_url)
    service = JobService(db)
    for folder in folders:
        service.create_job(JobCreate(input_folders=[Path(folder)], title=Path(folder).name))
    db.close()


if __name__ == "__main__":
    queue_child(sys.argv[1], sys.argv[2:])
