"""What an encode route is given and makes: the job's work folder, and the kept byte
ranges of the segment files as one ffmpeg input."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.convert_task import ConvertTask
from aiom4b_tui.engine.encode.encoded import EncodeJob, joined_input, one_input
from aiom4b_tui.engine.ffmpeg.run import FFmpegPool
from aiom4b_tui.engine.progress import ProgressMeter
from tests.helpers.book_plan import a_plan, fresh_ledger, stand_in_sources


def test_one_url_is_itself_and_several_are_concatenated():
    assert one_input(["part-00000.aac"]) == "part-00000.aac"
    assert one_input(["a.aac", "b.aac", "c.aac"]) == "concat:a.aac|b.aac|c.aac"


def test_kept_byte_ranges_become_subfile_urls_by_file_name(tmp_path: Path):
    pieces = [(tmp_path / "piece-0.aac", 0, 900), (tmp_path / "piece-4096.aac", 63, 1200)]
    assert joined_input(pieces) == (
        "concat:subfile,,start,0,end,900,,:piece-0.aac|subfile,,start,63,end,1200,,:piece-4096.aac"
    )
    assert joined_input(pieces[:1]) == "subfile,,start,0,end,900,,:piece-0.aac"


def test_an_encode_job_works_in_its_ledgers_folder_with_the_callers_task(tmp_path: Path):
    plan = a_plan(stand_in_sources(tmp_path / "book"))
    ledger = fresh_ledger(plan, tmp_path / "work")
    task = ConvertTask("ffmpeg", FFmpegPool(2), "t", segment_seconds=4.0)
    job = EncodeJob(task, plan, ledger, ProgressMeter(plan.duration, lambda _f, _s: None))
    assert job.work_dir == tmp_path / "work"
    assert job.task.segment_seconds == 4.0 and job.task.pool.size == 2
