"""A segment's encoder killed midway: what it wrote is kept, the rest of the segment is
encoded from there, and the book is exact (length, chapter starts, a continuous tone
across the new join), with the real ffmpeg."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers.audio import decode_pcm, make_continuous_book, rms_error
from tests.helpers.engine import chapters_of, start_convert_child

pytestmark = pytest.mark.integration

RATE = 44100
SEGMENT_SECONDS = 20.0
KILL_AT_BYTES = 160_000  # about 10 s of 128k AAC: past the pre-roll and the post-roll


def start_child(book: Path, out: Path) -> subprocess.Popen[str]:
    return start_convert_child(book, out, "s", SEGMENT_SECONDS, 1)


def kill_mid_segment(proc: subprocess.Popen[str], work: Path) -> Path:
    """SIGKILL the conversion once a later segment's encode has written KILL_AT_BYTES."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for part in work.glob("piece-*.aac.part"):
            if part.name != "piece-0.aac.part" and part.stat().st_size >= KILL_AT_BYTES:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
                return part
        assert proc.poll() is None, "the conversion ended before it could be killed"
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("no encode got far enough to be killed midway")


@pytest.mark.parametrize("codec", ["mp3", "flac"])  # sliced MP3 route; decoded PCM route
def test_a_segment_killed_midway_keeps_its_frames_and_the_book_stays_exact(
    tmp_path: Path, ffmpeg: str, codec: str
):
    counts = [RATE * 17 + 700, RATE * 13 + 300, RATE * 14 + 12]  # 44 s: 3 segments
    sources = make_continuous_book(tmp_path / "Tone", counts, codec=codec)
    total = sum(counts)
    out = tmp_path / "out"
    work = out / ".aiom4b-work-s"
    part = kill_mid_segment(start_child(tmp_path / "Tone", out), work)
    cut_at = int(part.name.split("-")[1].split(".")[0])
    time.sleep(0.2)  # PDEATHSIG: the killed child's ffmpeg goes with it

    proc = start_child(tmp_path / "Tone", out)
    output, _ = proc.communicate(timeout=180)
    assert proc.returncode == 0, output
    resumed = next(ln for ln in output.splitlines() if ln.startswith("resuming: "))
    assert "kept from 1 segment cut short" in resumed, output
    pieces = json.loads((work / "manifest.json").read_text())["pieces"]
    kept = next(p for p in pieces if p["start"] == cut_at)
    join = kept["start"] + kept["samples"]  # where the rest of that segment began
    assert join % 1024 == 0 and any(p["start"] == join for p in pieces)
    assert kept["samples"] >= 4 * RATE  # most of what the encoder wrote

    result = next(out.glob("*.m4b"))
    ours = decode_pcm(result)
    assert total <= len(ours) < total + 1024
    starts = [s for s, _ in chapters_of(result)]
    assert abs(starts[1] - counts[0] / RATE) < 0.001
    assert abs(starts[2] - (counts[0] + counts[1]) / RATE) < 0.001
    source = array_of(sources)
    # As continuous across the new join as across any cut: the error there is no worse
    # than the book's typical error (the measure of test_convert_gapless).
    whole = rms_error(ours, source, 0, total - 2048)
    at_join = rms_error(ours, source, join - 1024, join + 1024)
    assert at_join <= 1.5 * whole + 2, (join, at_join, whole)
    for offset in (-1024, 1024):  # and aligned: a frame off would be far worse
        assert at_join * 5 < rms_error(ours, source, join - 1024, join + 1024, offset=offset)


def array_of(sources: list[Path]):
    """The sources decoded end to end (first channel)."""
    pcm = decode_pcm(sources[0])
    for path in sources[1:]:
        pcm.extend(decode_pcm(path))
    return pcm
