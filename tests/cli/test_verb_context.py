"""What a verb works on (cli/verb_context.py): its data dir's settings, database and job
service, opened and closed around it; a failure while it uses them told in one sentence;
the job a person named by id or unique prefix."""

from __future__ import annotations

import argparse
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_USAGE, CliError
from aiom4b_tui.cli.verb_context import find_job, open_context
from tests.helpers.workers import open_service, queue_jobs


def _args(data_dir: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=data_dir, database_url=None)


def test_a_verb_gets_its_data_dirs_settings_and_jobs_with_flags_on_top(tmp_path: Path):
    data = tmp_path / "data"
    _settings, db, service = open_service(data)
    (job,) = queue_jobs(service, tmp_path, 1)
    db.close()
    with open_context(_args(data), books_at_once=3, ffmpeg_processes=None) as ctx:
        assert ctx.settings.data_dir == data.resolve()
        assert ctx.settings.books_at_once == 3
        assert [row.id for row in ctx.service.get_jobs()] == [job.id]
        engine = ctx.db.engine
    assert engine.pool.checkedout() == 0  # closed when the verb is done


def test_a_database_failure_while_the_verb_works_is_one_sentence(tmp_path: Path):
    with pytest.raises(CliError) as caught, open_context(_args(tmp_path / "data")):
        raise sqlite3.OperationalError("database or disk is full")
    assert caught.value.exit_code == EXIT_FAILURE
    assert "is full: free space and try again" in str(caught.value)


def test_a_bug_while_the_verb_works_is_left_alone(tmp_path: Path):
    with pytest.raises(KeyError), open_context(_args(tmp_path / "data")):
        raise KeyError("a bug")


def test_a_corrupt_database_is_refused_before_the_verb_starts(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "aiom4b.db").write_bytes(b"this is no database " * 300)
    entered = []
    with (
        pytest.raises(CliError, match=r"is not a database \(corrupt\?\)"),
        open_context(_args(data)),
    ):
        entered.append(True)
    assert entered == []  # the verb never ran on it


def test_a_job_is_found_by_a_unique_prefix_and_else_refused(tmp_path: Path):
    _settings, db, service = open_service(tmp_path / "data")
    jobs = queue_jobs(service, tmp_path, 17)  # two of them share a first hex digit
    first = jobs[0]
    assert find_job(service, first.id.hex[:12]).id == first.id
    assert find_job(service, str(first.id)).id == first.id
    shared = Counter(job.id.hex[0] for job in jobs).most_common(1)[0][0]
    for named, why in (
        ("ffffffff0000", "no job with id ffffffff0000"),
        ("zz", "not a job id: 'zz'"),
        (shared, f"more than one job starts with {shared}"),
    ):
        with pytest.raises(CliError) as caught:
            find_job(service, named)
        assert caught.value.exit_code == EXIT_USAGE and str(caught.value) == why
    db.close()
