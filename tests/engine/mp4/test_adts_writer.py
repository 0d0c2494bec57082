"""The ADTS-to-MP4 writer: ADTS frames in, an MP4 audio track out (bytes checked box by box)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from aiom4b_tui.engine.formats.adts import ADTSError
from aiom4b_tui.engine.mp4.adts_writer import AdtsMp4Writer, audio_config
from aiom4b_tui.engine.mp4.boxes import chunk_offsets, read_moov, top_level
from aiom4b_tui.engine.mp4.header_fields import media_duration, media_timescale, movie_timescale
from tests.helpers.adts import adts_frame


def payloads(count: int, start: int = 0) -> list[bytes]:
    return [bytes([(start + n) % 251]) * (10 + (start + n) % 37) for n in range(count)]


def stbl_of(path: Path):
    moov = read_moov(path)
    return moov, moov.find(b"trak", b"mdia", b"minf", b"stbl")


def test_frames_appended_in_pieces_make_one_track_whose_samples_are_the_payloads(tmp_path):
    out = tmp_path / "a.m4a"
    first, second = payloads(100), payloads(57, start=100)
    writer = AdtsMp4Writer(out)
    writer.append(b"".join(adts_frame(p) for p in first))
    segment = tmp_path / "seg.aac"
    segment.write_bytes(b"junk" + b"".join(adts_frame(p) for p in second) + b"tail")
    writer.append_file(segment, 4, segment.stat().st_size - 4)
    writer.close()

    with out.open("rb") as handle:
        tops = [t.kind for t in top_level(handle)]
    assert tops == [b"ftyp", b"mdat", b"moov"]  # moov last: finish_book rewrites it in place
    ftyp = struct.pack(">I4s", 28, b"ftyp") + b"M4A \x00\x00\x02\x00M4A isomiso2"
    assert out.read_bytes()[:28] == ftyp
    moov, stbl = stbl_of(out)
    trak = moov.find(b"trak")
    assert movie_timescale(moov) == media_timescale(trak) == 44100
    assert media_duration(trak) == 157 * 1024
    stts = stbl.find(b"stts").payload
    assert struct.unpack(">IIII", stts) == (0, 1, 157, 1024)
    stsz = stbl.find(b"stsz").payload
    sizes = struct.unpack(f">III{157}I", stsz)[3:]
    wanted = first + second
    assert list(sizes) == [len(p) for p in wanted]
    # Every sample is where the chunk offsets and sample-to-chunk runs say.
    runs = stbl.find(b"stsc").payload
    count = struct.unpack(">I", runs[4:8])[0]
    entries = [struct.unpack(">III", runs[8 + 12 * i : 20 + 12 * i]) for i in range(count)]
    data = out.read_bytes()
    offsets = chunk_offsets(stbl)
    sample = 0
    for chunk, offset in enumerate(offsets, 1):
        per = next(n for first_chunk, n, _ in reversed(entries) if first_chunk <= chunk)
        pos = offset
        for _ in range(per):
            assert data[pos : pos + sizes[sample]] == wanted[sample]
            pos += sizes[sample]
            sample += 1
    assert sample == 157
    esds = stbl.find(b"stsd").payload
    assert b"esds" in esds and b"\x05\x80\x80\x80\x02\x12\x10" in esds  # AAC LC 44.1k stereo


def test_audio_config_from_the_header():
    frame = adts_frame(b"x", rate_index=8, channels=1)
    assert audio_config(frame[2:4]) == (16000, 1, bytes([0x14, 0x08]))


def test_crc_frames_are_taken_without_their_crc(tmp_path):
    out = tmp_path / "c.m4a"
    writer = AdtsMp4Writer(out)
    writer.append(b"".join(adts_frame(p, crc=True) for p in payloads(3)))
    writer.close()
    _moov, stbl = stbl_of(out)
    sizes = struct.unpack(">IIIIII", stbl.find(b"stsz").payload)[3:]
    assert list(sizes) == [len(p) for p in payloads(3)]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00" * 20,  # no sync word
        adts_frame(b"abc")[:-1],  # cut short
        adts_frame(b"abc", channels=0),  # a program config element
    ],
)
def test_streams_it_cannot_carry_are_refused(tmp_path, data):
    writer = AdtsMp4Writer(tmp_path / "x.m4a")
    with pytest.raises(ADTSError):
        writer.append(data)
    writer.abort()


def test_nothing_written_is_refused_at_close(tmp_path):
    writer = AdtsMp4Writer(tmp_path / "x.m4a")
    with pytest.raises(ADTSError):
        writer.close()
