"""The book's MP4 written while it is encoded: each finished segment's kept frames go in
in book order, whatever order the segments finish in; a stream the writer cannot carry
is left to ffmpeg."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import pytest

from aiom4b_tui.engine.encode.mux import InOrderMux, KeptFrames, kept_frames
from aiom4b_tui.engine.encode.segments import make_segment
from aiom4b_tui.engine.formats.adts import ADTSError
from aiom4b_tui.engine.mp4.boxes import read_moov
from tests.helpers.adts import adts_frame

CUTS = [0, 10 * 1024, 20 * 1024]
ROLL, POST, TOTAL = 2 * 1024, 1024, 30 * 1024


def payload(n: int) -> bytes:
    """A frame body that tells frame `n` apart."""
    return bytes([n % 251]) * (10 + n % 37)


def segment_file(tmp_path: Path, index: int, rate_index: int = 4) -> tuple[Path, list[bytes]]:
    """Segment `index`'s encoder output: priming, rolls and all (bodies numbered from
    index * 100), and the bodies the book keeps of it."""
    segment = make_segment(index, CUTS, ROLL, POST, TOTAL)
    assert segment is not None
    packets = -(-(segment.enc_end - segment.enc_start) // 1024) + 1
    bodies = [payload(index * 100 + n) for n in range(packets)]
    path = tmp_path / f"piece-{segment.start}.aac"
    path.write_bytes(b"".join(adts_frame(b, rate_index=rate_index) for b in bodies))
    first = 0 if segment.start == 0 else (segment.start - segment.enc_start) // 1024 + 1
    stop = packets if segment.last else (segment.end - segment.enc_start) // 1024 + 1
    return path, bodies[first:stop]


def sample_sizes(path: Path) -> list[int]:
    stsz = read_moov(path).find(b"trak", b"mdia", b"minf", b"stbl", b"stsz").payload
    count = struct.unpack(">I", stsz[8:12])[0]
    return list(struct.unpack(f">{count}I", stsz[12:]))


def test_the_kept_frames_of_a_segment_cover_it_exactly(tmp_path: Path):
    path, kept_bodies = segment_file(tmp_path, 1)
    segment = make_segment(1, CUTS, ROLL, POST, TOTAL)
    assert segment is not None
    kept = kept_frames(path, segment, priming=1024)
    assert (kept.first_frame, kept.stop_frame) == (3, 13)  # priming, 2 of pre-roll; 10 frames
    assert kept.size == path.stat().st_size
    assert kept.first == kept.offsets[3] and kept.stop == kept.offsets[13]
    assert len(kept.kept_offsets) == len(kept_bodies) + 1
    frames = [kept.data[a:b] for a, b in itertools.pairwise(kept.kept_offsets)]
    assert [f[7:] for f in frames] == kept_bodies


async def test_segments_finishing_out_of_order_go_in_in_book_order(tmp_path: Path):
    frames: dict[Path, KeptFrames] = {}
    pieces, wanted = {}, []
    for index in range(3):
        path, bodies = segment_file(tmp_path, index)
        segment = make_segment(index, CUTS, ROLL, POST, TOTAL)
        assert segment is not None
        kept = kept_frames(path, segment, 1024)
        frames[path] = kept
        pieces[index] = [(path, kept.first, kept.stop)]
        wanted += bodies
    mux = InOrderMux(tmp_path / "audio.m4a", frames)
    await mux.add(2, pieces[2])
    await mux.add(0, pieces[0])
    assert frames.keys() == {pieces[1][0][0], pieces[2][0][0]}  # 0 went in; 2 waits for 1
    await mux.add(1, pieces[1])
    assert frames == {}  # handed over: the frames are not held twice
    assert await mux.finish(3) == tmp_path / "audio.m4a"
    assert sample_sizes(tmp_path / "audio.m4a") == [len(b) for b in wanted]


async def test_a_piece_an_earlier_run_finished_is_read_from_its_file(tmp_path: Path):
    path, bodies = segment_file(tmp_path, 0)
    segment = make_segment(0, CUTS, ROLL, POST, TOTAL)
    assert segment is not None
    kept = kept_frames(path, segment, 1024)
    mux = InOrderMux(tmp_path / "audio.m4a", {})  # nothing in memory: resumed
    await mux.add(0, [(path, kept.first, kept.stop)])
    await mux.add(1, [])  # past the end of the book
    assert await mux.finish(2) is not None
    assert sample_sizes(tmp_path / "audio.m4a") == [len(b) for b in bodies]


async def test_a_stream_the_writer_cannot_carry_is_left_to_ffmpeg(tmp_path: Path):
    first, _ = segment_file(tmp_path, 0)
    other, _ = segment_file(tmp_path, 1, rate_index=3)  # 48 kHz after 44.1 kHz
    mux = InOrderMux(tmp_path / "audio.m4a", {})
    await mux.add(0, [(first, 0, first.stat().st_size)])
    await mux.add(1, [(other, 0, other.stat().st_size)])
    assert await mux.finish(2) is None
    assert not (tmp_path / "audio.m4a").exists()


async def test_finishing_before_every_segment_is_in_gives_nothing(tmp_path: Path):
    path, _ = segment_file(tmp_path, 0)
    mux = InOrderMux(tmp_path / "audio.m4a", {})
    await mux.add(0, [(path, 0, path.stat().st_size)])
    assert await mux.finish(3) is None
    assert not (tmp_path / "audio.m4a").exists()
    empty = InOrderMux(tmp_path / "empty.m4a", {})
    assert await empty.finish(0) is None  # nothing was ever written


def test_kept_frames_of_a_short_encode_are_refused(tmp_path: Path):
    path = tmp_path / "short.aac"
    path.write_bytes(adts_frame(payload(0)) * 5)
    segment = make_segment(1, CUTS, ROLL, POST, TOTAL)
    assert segment is not None
    with pytest.raises(ADTSError, match="segment 1: 5 packets"):
        kept_frames(path, segment, 1024)
