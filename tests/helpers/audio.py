"""Generated audio for tests and benches: tones with known sample counts, from real ffmpeg.

Every generator uses ffmpeg's lavfi `aevalsrc` source, so a tone cut into files by
`start_seconds` is one continuous signal. Decoding helpers return 16-bit PCM as arrays.
"""

from __future__ import annotations

import math
import subprocess
from array import array
from collections.abc import Sequence
from pathlib import Path

import imageio_ffmpeg

from aiom4b_tui.engine.ffmpeg.run import find_ffmpeg

CODEC_ARGS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"],
    "m4a": ["-c:a", "aac", "-b:a", "96k"],
    "aac": ["-c:a", "aac", "-b:a", "96k", "-f", "adts"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "wav": ["-c:a", "pcm_s16le"],
}


# The header ffmpeg writes before a WAV file's samples: RIFF, fmt, a LIST naming its
# encoder, data.
FFMPEG_WAV_HEADER = 78


def ffmpeg_exe() -> str:
    """The ffmpeg the tests use (the same lookup as the product's)."""
    return find_ffmpeg()


def tone_expr(freq: float, start_seconds: float, channels: int, amplitude: float = 0.5) -> str:
    """An aevalsrc expression: a sine of `freq` Hz, `start_seconds` into the tone."""
    one = f"{amplitude}*sin(2*PI*{freq}*(t+{start_seconds!r}))"
    if channels == 1:
        return one
    other = f"{amplitude * 0.6}*sin(2*PI*{freq * 1.5}*(t+{start_seconds!r}))"
    return f"{one}|{other}"


def make_tone(
    path: Path,
    seconds: float,
    rate: int = 44100,
    channels: int = 2,
    codec: str = "mp3",
    freq: float = 440,
    tags: dict[str, str] | None = None,
    start_seconds: float = 0,
    picture: Path | None = None,
    samples: int | None = None,
) -> Path:
    """Write a tone of exactly `samples` (or seconds × rate) samples to `path`."""
    count = samples if samples is not None else round(seconds * rate)
    expr = tone_expr(freq, start_seconds, channels)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y"]
    cmd += ["-f", "lavfi", "-i", f"aevalsrc={expr}:s={rate}:d={count / rate + 0.1!r}"]
    if picture is not None:
        cmd += ["-i", str(picture)]
    cmd += ["-af", f"atrim=end_sample={count}", "-map", "0:a"]
    if picture is not None:
        cmd += ["-map", "1:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
        if codec == "mp3":
            cmd += ["-id3v2_version", "3"]
    cmd += CODEC_ARGS[codec]
    for key, value in (tags or {}).items():
        cmd += ["-metadata", f"{key}={value}"]
    cmd.append(str(path))
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def make_image(path: Path, color: str = "red", size: str = "64x64") -> Path:
    """A small JPEG or PNG (by suffix) of one colour."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    cmd += ["-i", f"color=c={color}:s={size}", "-frames:v", "1", str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def make_continuous_book(
    folder: Path,
    sample_counts: Sequence[int],
    *,
    rate: int = 44100,
    channels: int = 2,
    codec: str = "mp3",
    names: Sequence[str] | None = None,
) -> list[Path]:
    """One tone cut into files of the given sample counts (in reading order).

    The audio make_tone would write file by file, made by one ffmpeg per BATCH files: a
    book of hundreds of files costs a few processes, not one each.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        folder / (names[i] if names else f"{i + 1:02d}.{codec}") for i in range(len(sample_counts))
    ]
    position = 0
    for first in range(0, len(paths), BATCH):
        counts = sample_counts[first : first + BATCH]
        _write_slices(paths[first : first + BATCH], counts, position, rate, channels, codec)
        position += sum(counts)
    return paths


BATCH = 200  # files per ffmpeg: well under the open-files limit


def _write_slices(
    paths: Sequence[Path],
    counts: Sequence[int],
    start: int,
    rate: int,
    channels: int,
    codec: str,
) -> None:
    """Files of `counts` samples cut in order from the tone, `start` samples into it."""
    total = sum(counts)
    expr = tone_expr(440, start / rate, channels)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y"]
    cmd += ["-f", "lavfi", "-i", f"aevalsrc={expr}:s={rate}:d={total / rate + 0.1!r}"]
    graph = ["[0:a]asplit=" + str(len(counts)) + "".join(f"[s{i}]" for i in range(len(counts)))]
    offset = 0
    for i, count in enumerate(counts):
        trim = f"atrim=start_sample={offset}:end_sample={offset + count},asetpts=PTS-STARTPTS"
        graph.append(f"[s{i}]{trim}[o{i}]")
        offset += count
    cmd += ["-filter_complex", ";".join(graph)]
    for i, path in enumerate(paths):
        cmd += ["-map", f"[o{i}]", *CODEC_ARGS[codec], str(path)]
    subprocess.run(cmd, check=True, capture_output=True)


def make_aac_book(folder: Path, sample_counts: Sequence[int]) -> list[Path]:
    """AAC sources of one format (ffmpeg's aac in .m4a), a different tone each: a book
    the copy path joins without re-encoding."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        make_tone(folder / f"{n}.m4a", 0, codec="m4a", samples=count, freq=300 * n)
        for n, count in enumerate(sample_counts, 1)
    ]


def decode_pcm(path: Path, rate: int | None = None, channels: int = 1) -> array:
    """Decode a file to 16-bit PCM (channels=1: its first channel only)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    cmd += ["-map", "0:a:0"]
    cmd += ["-af", "pan=mono|c0=c0"] if channels == 1 else ["-ac", str(channels)]
    if rate:
        cmd += ["-ar", str(rate)]
    cmd += ["-f", "s16le", "-"]
    data = subprocess.run(cmd, check=True, capture_output=True).stdout
    pcm = array("h")
    pcm.frombytes(data)
    return pcm


def tone_pcm(count: int, rate: int, freq: float = 440, amplitude: float = 0.5) -> array:
    """The first channel of make_tone's signal as ideal 16-bit samples."""
    scale = amplitude * 32767
    return array(
        "h", (round(scale * math.sin(2 * math.pi * freq * n / rate)) for n in range(count))
    )


def rms_error(a: array, b: array, start: int, stop: int, offset: int = 0) -> float:
    """RMS difference of a[start+offset:stop+offset] and b[start:stop]."""
    total = 0.0
    for n in range(start, stop):
        diff = a[n + offset] - b[n]
        total += diff * diff
    return math.sqrt(total / max(1, stop - start))


def audio_format(path: Path) -> tuple[int, int]:
    """(sample rate, channels) of a file's first audio stream, as ffmpeg's decoder sees it.

    Not mutagen's MP4 header value: older ffmpeg muxers write the sample entry's channel
    count as 2 whatever the stream holds; the AAC config (which players use) is right.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0"]
    cmd += ["-t", "0.1", "-f", "null", "-"]
    err = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    line = next(ln for ln in err.splitlines() if "Audio:" in ln and "Stream #0" in ln)
    fields = [f.strip() for f in line.split("Audio:", 1)[1].split(",")]
    rate = int(next(f for f in fields if f.endswith(" Hz")).split()[0])
    layout = fields[fields.index(next(f for f in fields if f.endswith(" Hz"))) + 1]
    channels = {"mono": 1, "stereo": 2}.get(layout.split()[0], 0) or int(layout.split()[0])
    return rate, channels


def make_from_lavfi(path: Path, source: str, *args: str) -> Path:
    """Make `path` with the real ffmpeg from the lavfi `source`, `args` before the output."""
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    cmd = [exe, "-v", "error", "-y", "-f", "lavfi", "-i", source, *args, str(path)]
    subprocess.run(cmd, check=True)
    return path


def make_mp3(path: Path, seconds: float = 2.0, title: str | None = None, **tags: str) -> Path:
    """A small MP3 of a sine tone, made by the real ffmpeg, with ID3 tags."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata: list[str] = []
    for key, value in {"title": title, **tags}.items():
        if value:
            metadata += ["-metadata", f"{key}={value}"]
    tone = f"sine=frequency=440:duration={seconds}:sample_rate=22050"
    return make_from_lavfi(path, tone, "-ac", "1", "-b:a", "32k", *metadata)
