"""The worker's watch on its data dir: deleted, database deleted or replaced."""

from __future__ import annotations

import shutil
from pathlib import Path

from aiom4b_tui.queue.worker import DataDirWatch


def _data_dir(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "aiom4b.db"
    db.write_bytes(b"db")
    return data, db


def test_all_is_well_while_nothing_changed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    db.write_bytes(b"written in place")  # the same file, written to: fine
    assert watch.problem() is None


def test_a_deleted_data_dir_is_noticed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    shutil.rmtree(data)
    assert watch.problem() == f"the data dir {data} was deleted; stopping"


def test_a_deleted_database_is_noticed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    db.unlink()
    assert watch.problem() == f"the database {db} was deleted; stopping"


def test_a_replaced_database_is_noticed(tmp_path):
    data, db = _data_dir(tmp_path)
    watch = DataDirWatch(data, db)
    with db.open("rb"):  # held open, as the worker's SQLite connection holds it
        other = data / "restored.db"
        other.write_bytes(b"another database")
        other.replace(db)
        assert watch.problem() == f"the database {db} was replaced; stopping"
