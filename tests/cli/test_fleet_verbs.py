"""`aiom4b workers` (cli/fleet_verbs.py): the live workers of the queue, on every host, as
a table and as JSON; a worker silent past its time is not listed."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from aiom4b_tui.cli import main
from aiom4b_tui.cli.fleet_verbs import worker_json
from aiom4b_tui.store.models import WorkerDB, utcnow
from aiom4b_tui.store.workers import WorkerInfo, WorkerRegistry
from tests.helpers.workers import open_service

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z")


@pytest.fixture
def registry(data_dir: Path):
    """The data dir's worker registry with two live workers and one long silent."""
    _settings, db, _service = open_service(data_dir)
    registry = WorkerRegistry(db)
    registry.register(WorkerInfo("vm:4121", "vm", 4121, 2, 4, {"/srv/books": "/mnt/books"}, "0.1"))
    registry.register(WorkerInfo("nas:77", "nas", 77, 1, 2))
    registry.register(WorkerInfo("gone:5", "gone", 5, 1, 1))
    registry.beat("vm:4121", 1)
    with db.write_session() as session:
        row = session.get(WorkerDB, "gone:5")
        row.heartbeat = utcnow() - timedelta(minutes=5)
        session.add(row)
        session.commit()
    yield registry
    db.close()


def test_the_live_workers_as_json(registry, capsys: pytest.CaptureFixture[str]):
    assert main(["workers", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["database"] == str(registry.db.path)
    by_id = {w["id"]: w for w in listed["workers"]}
    assert sorted(by_id) == ["nas:77", "vm:4121"]  # gone:5 has been silent for minutes
    vm = by_id["vm:4121"]
    assert (vm["host"], vm["pid"], vm["books_running"], vm["books_at_once"]) == ("vm", 4121, 1, 2)
    assert vm["ffmpeg_processes"] == 4 and vm["version"] == "0.1"
    assert vm["path_map"] == {"/srv/books": "/mnt/books"} and by_id["nas:77"]["path_map"] == {}
    assert ISO_Z.fullmatch(vm["since"]) and ISO_Z.fullmatch(vm["heartbeat"])
    assert vm["stop_requested"] is False


def test_the_live_workers_as_a_table(registry, capsys: pytest.CaptureFixture[str]):
    assert main(["workers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"queue  {registry.db.path}"
    assert lines[1].split() == ["HOST", "PID", "BOOKS", "FFMPEG", "BEAT", "PATH", "MAP"]
    rows = {line.split()[0]: line for line in lines[2:]}
    assert sorted(rows) == ["nas", "vm"]
    assert re.fullmatch(r"vm +4121 +1/2 +4 +\ds  /srv/books -> /mnt/books", rows["vm"])
    assert re.fullmatch(r"nas +77 +0/1 +2 +\ds  -", rows["nas"])


def test_no_live_worker_is_said(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["workers"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["no live worker"]


def test_a_path_map_that_is_not_a_json_object_is_shown_empty():
    for kept in ("not json", "[1, 2]", None):
        row = WorkerDB(id="h:1", host="h", pid=1, path_map=kept)
        assert worker_json(row)["path_map"] == {}
