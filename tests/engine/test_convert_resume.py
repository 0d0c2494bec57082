"""An interrupted book resumes from its finished segments and makes the same .m4b.

The kill tests run the conversion in a process of its own (convert_child.py), SIGKILL it
once about 60 % of the segments are recorded in the work folder's manifest, and run it
again; the result must equal, byte for byte, the book an uninterrupted run makes.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.segments import plan_cuts
from aiom4b_tui.engine.failures import ConversionError
from tests.helpers.audio import make_aac_book, make_tone
from tests.helpers.engine import chapters_of, convert, ffmpeg_children, start_convert_child
from tests.helpers.same_book import assert_same_book

pytestmark = pytest.mark.integration

SEGMENT_SECONDS = 4.0
WORK = ".aiom4b-work-r"


def make_book(folder: Path, codec: str, files: int = 4, seconds: float = 10.0) -> Path:
    """`files` tones of `seconds` each (40 s in 4 s segments: 10 segments)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, files + 1):
        make_tone(folder / f"{n:02d}.{codec}", seconds, codec=codec, freq=300 + 40 * n)
    return folder


def start_child(book: Path, out: Path, slots: int = 1) -> subprocess.Popen[str]:
    return start_convert_child(book, out, "r", SEGMENT_SECONDS, slots)


def finish_child(proc: subprocess.Popen[str], timeout: float = 180) -> list[str]:
    output, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, output
    return output.splitlines()


def placed_path(lines: list[str]) -> Path:
    return Path(next(ln for ln in lines if ln.startswith("placed ")).split(" ", 1)[1])


def manifest(out: Path) -> dict:
    return json.loads((out / WORK / "manifest.json").read_text())


def finished_segments(out: Path) -> int:
    try:
        return len(manifest(out)["pieces"])
    except (OSError, ValueError, KeyError):
        return 0


def segment_count(out: Path) -> int:
    data = manifest(out)
    cuts, total = data["cuts"], data["total"]
    return sum(c < total for c in cuts) if total is not None else len(cuts)


def kill_at(proc: subprocess.Popen[str], out: Path, share: float, timeout: float = 120) -> int:
    """SIGKILL the child once `share` of the segments are finished; return how many were."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = finished_segments(out)
        if done and done >= math.ceil(share * segment_count(out)):
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            return finished_segments(out)
        assert proc.poll() is None, "the conversion ended before it could be killed"
        time.sleep(0.005)
    proc.kill()
    raise AssertionError("the conversion never reached the kill point")


@pytest.mark.parametrize("codec", ["mp3", "flac"])  # sliced MP3 route; decoded PCM route
def test_a_killed_conversion_resumes_and_makes_the_same_book(
    tmp_path: Path, ffmpeg: str, codec: str
):
    book = make_book(tmp_path / "book", codec)
    reference = placed_path(finish_child(start_child(book, tmp_path / "ref")))

    out = tmp_path / "out"
    killed_with = kill_at(start_child(book, out), out, 0.6)
    total = segment_count(out)
    assert 0 < killed_with < total, "the kill must fall between the first and last segment"
    time.sleep(0.2)  # PDEATHSIG: the killed child's ffmpeg goes with it

    lines = finish_child(start_child(book, out))
    resumed = [ln for ln in lines if ln.startswith("resuming: ")]
    assert resumed and resumed[0].startswith(f"resuming: {killed_with} of {total} segments")
    assert not any(ln.startswith("starting over") for ln in lines)
    if codec == "flac":  # the decode pass starts at the first source still needed
        assert not any(ln.startswith("decoded 01.flac") for ln in lines)
        assert any(ln.startswith("decoded 04.flac") for ln in lines)
    result = placed_path(lines)
    assert_same_book(result, reference, salvaged="cut short" in resumed[0])
    assert [s for s, _ in chapters_of(result)] == [s for s, _ in chapters_of(reference)]
    assert manifest(out)["placed"]["path"] == str(result)  # keep_work=True: the queue's job


def test_a_source_changed_between_runs_starts_over(tmp_path: Path, ffmpeg: str):
    book = make_book(tmp_path / "book", "mp3")
    out = tmp_path / "out"
    kill_at(start_child(book, out), out, 0.3)
    later = time.time() + 5
    os.utime(book / "03.mp3", (later, later))

    lines = finish_child(start_child(book, out))
    assert "starting over: 03.mp3 changed since the last attempt" in lines
    assert not any(ln.startswith("resuming") for ln in lines)
    assert len(chapters_of(placed_path(lines))) == 4


def test_a_corrupt_manifest_starts_over(tmp_path: Path, ffmpeg: str):
    book = make_book(tmp_path / "book", "mp3", files=2, seconds=4.0)
    out = tmp_path / "out"
    (out / WORK).mkdir(parents=True)
    (out / WORK / "manifest.json").write_text('{"fingerprint": ')
    (out / WORK / "piece-0.aac").write_bytes(b"junk")
    logs: list[str] = []
    result = asyncio.run(convert([book], out, ffmpeg, logs=logs, work_name="r"))
    assert any(
        ln.startswith("starting over: the last attempt's record cannot be read") for ln in logs
    )
    assert len(chapters_of(result)) == 2
    assert not (out / WORK).exists()  # keep_work=False: gone after success


async def cancelled_after(book: Path, out: Path, ffmpeg: str, segments: int) -> None:
    """Start a conversion, cancel it once `segments` are finished; no ffmpeg may remain."""
    task = asyncio.ensure_future(
        convert([book], out, ffmpeg, work_name="r", segment_seconds=SEGMENT_SECONDS, slots=1)
    )
    deadline = time.monotonic() + 120
    while finished_segments(out) < segments:
        assert not task.done(), "the conversion ended before it could be cancelled"
        assert time.monotonic() < deadline
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ffmpeg_children() == []


async def test_cancel_keeps_the_work_and_progress_resumes_where_it_was(tmp_path: Path, ffmpeg: str):
    book = make_book(tmp_path / "book", "flac")
    out = tmp_path / "out"
    await cancelled_after(book, out, ffmpeg, 3)
    assert (out / WORK / "manifest.json").is_file() and not list(out.glob("*.m4b"))
    assert not list((out / WORK).glob("pcm-*"))  # unfinished encodes stay: they are kept
    done = manifest(out)["pieces"]
    done_seconds = sum(s["seconds"] for s in done)

    progress: list = []
    logs: list[str] = []
    result = await convert(
        [book], out, ffmpeg, work_name="r", segment_seconds=SEGMENT_SECONDS,
        progress=progress, logs=logs,
    )  # fmt: skip
    resumed = next(ln for ln in logs if ln.startswith(f"resuming: {len(done)} of "))
    first = progress[0]
    # The book's true progress from the first event on (with what the stopped encode
    # had written, if any was kept); speed counts this run's work only.
    if "cut short" in resumed:
        assert done_seconds / 40.0 * 0.97 < first.fraction < (done_seconds + 4) / 40.0 * 0.97
    else:
        assert first.fraction == pytest.approx(done_seconds / 40.0 * 0.97, rel=0.02)
    assert first.speed is None
    assert all(p.fraction >= first.fraction for p in progress)
    assert len(chapters_of(result)) == 4


async def test_keep_work_marks_the_result_placed_and_a_second_call_returns_it(
    tmp_path: Path, ffmpeg: str
):
    book = make_book(tmp_path / "book", "mp3", files=2, seconds=4.0)
    out = tmp_path / "out"
    first = await convert([book], out, ffmpeg, work_name="r", keep_work=True)
    placed = manifest(out)["placed"]
    assert placed["path"] == str(first) and placed["size"] == first.stat().st_size

    logs: list[str] = []
    again = await convert([book], out, ffmpeg, work_name="r", keep_work=True, logs=logs)
    assert again == first and sorted(out.glob("*.m4b")) == [first]
    assert logs[-2:] == [f"already made: {first}", logs[-1]]
    assert not any("encoding" in ln or "segments" in ln for ln in logs)

    first.unlink()  # the placed book is gone: it is made again, from the kept segments
    logs.clear()
    remade = await convert([book], out, ffmpeg, work_name="r", logs=logs)
    assert remade == first and remade.is_file()
    assert any("is gone: making it again" in ln for ln in logs)
    assert any(ln.startswith("resuming: ") for ln in logs)
    assert not (out / WORK).exists()


async def test_a_failure_removes_the_work_folder(tmp_path: Path, ffmpeg: str):
    book = make_book(tmp_path / "book", "mp3", files=3, seconds=4.0)
    out = tmp_path / "out"

    def on_log(line: str) -> None:
        if "MP3 files" in line:
            data = (book / "03.mp3").read_bytes()
            (book / "03.mp3").write_bytes(data[: len(data) // 3])

    with pytest.raises(
        ConversionError, match=r"03\.mp3 changed while it was being converted \(size \d+ -> \d+\)"
    ):
        await convert([book], out, ffmpeg, on_log=on_log, work_name="r", segment_seconds=1)
    assert not (out / WORK).exists() and not list(out.glob("*.m4b"))


async def test_the_copy_path_starts_over_and_still_works(tmp_path: Path, ffmpeg: str):
    book = tmp_path / "aac"
    make_aac_book(book, [44100 * 2, 44100 * 3])
    out = tmp_path / "out"
    first = await convert([book], out, ffmpeg, work_name="r", keep_work=True)
    assert manifest(out)["route"] is None and manifest(out)["placed"]["path"] == str(first)
    first.unlink()
    logs: list[str] = []
    again = await convert([book], out, ffmpeg, work_name="r", logs=logs)
    assert "starting over: AAC files are joined again (it takes seconds)" in logs
    assert again == first and len(chapters_of(again)) == 2


async def test_a_resume_on_another_pool_size_keeps_the_recorded_cuts(tmp_path: Path, ffmpeg: str):
    # Guided cuts depend on the pool size: a resume on another one must keep the old cuts.
    book = make_book(tmp_path / "book", "mp3", files=3, seconds=15.0)
    reference = await convert([book], tmp_path / "ref", ffmpeg, slots=1, work_name="r")
    out = tmp_path / "out"
    task = asyncio.ensure_future(convert([book], out, ffmpeg, slots=1, work_name="r"))
    while finished_segments(out) < 1:
        assert not task.done()
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    cuts, total = manifest(out)["cuts"], manifest(out)["total"]
    assert cuts != plan_cuts(0, total, 44100, 2)
    logs: list[str] = []
    result = await convert([book], out, ffmpeg, slots=2, work_name="r", logs=logs, keep_work=True)
    resumed = next(ln for ln in logs if ln.startswith("resuming: "))
    assert resumed.startswith(f"resuming: 1 of {len(cuts)} segments"), logs
    assert manifest(out)["cuts"] == cuts
    assert_same_book(result, reference, salvaged="cut short" in resumed)
