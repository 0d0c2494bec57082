"""`aiom4b` itself (cli/__init__.py's main): a verb told from a folder, failures in one
line with their exit code, a reader that stops early (`aiom4b jobs | head -1`) ending the
command quietly."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from aiom4b_tui.cli import main
from aiom4b_tui.store.database.db import open_database
from aiom4b_tui.store.jobs import JobService
from aiom4b_tui.store.models import JobCreate
from tests.helpers.cli import aiom4b_argv, aiom4b_env, call_aiom4b, run_aiom4b


def test_version():
    result = run_aiom4b("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("aiom4b 0.")


def test_output_into_a_closed_pipe_ends_quietly_with_success(
    data_dir: Path, tmp_path: Path
) -> None:
    book = tmp_path / "Book"
    book.mkdir()
    JobService(open_database(data_dir)).create_job(JobCreate(input_folders=[book]))
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader at all: the first write fails with EPIPE
    try:
        done = subprocess.run(
            aiom4b_argv("jobs"),
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=aiom4b_env(),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "/no/such/folder"), "folder does not exist: /no/such/folder"),
        (("add",), "required"),
        (("rm", "abcdef"), "no job with id abcdef"),
        (("jobs", "--status", "bogus"), "invalid"),
        (("jobs", "--limit", "-1"), "0 or more"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message):
    result = call_aiom4b(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_verb_is_named(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aiom4b: unknown verb 'frobnicate' (verbs: stats, jobs, add,")
    assert "or give a folder to open the TUI at" in err


def test_the_data_dirs_value_is_never_taken_for_a_verb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # "jobs" after --data-dir is the data dir's name: the first word left is the verb.
    assert main(["--data-dir", str(tmp_path / "jobs"), "frobnicate"]) == 2
    assert "unknown verb 'frobnicate'" in capsys.readouterr().err


def test_a_file_given_for_the_tuis_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    file = tmp_path / "notes.txt"
    file.write_text("not a folder")
    assert main([str(file)]) == 2
    assert capsys.readouterr().err == f"aiom4b: not a folder: {file}\n"


def test_ctrl_c_in_a_verb_exits_130_saying_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    from aiom4b_tui.cli import listing_verbs

    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(listing_verbs, "cmd_stats", interrupted)
    assert main(["stats"]) == 130
    assert capsys.readouterr().err == "aiom4b: interrupted\n"
