"""MP3s as people's audiobook folders hold them, made by the real ffmpeg (LAME): CBR and
VBR with the Info/Xing tag that carries the encoder delay and padding, files without that
tag (streamed rips), MPEG-2 and 2.5 low rates, mono, tags before and after the frames;
and the 32-bit float decode the encoders receive."""

from __future__ import annotations

import subprocess
from array import array
from pathlib import Path

SIGNAL = "anoisesrc=d=6.3:c=pink:a=0.3:r={rate}:seed=7"

VARIANTS = {
    "cbr-stereo": (44100, 2, ["-b:a", "128k"]),
    "vbr-stereo": (44100, 2, ["-q:a", "4"]),
    "no-info-tag": (44100, 2, ["-b:a", "96k", "-write_xing", "0"]),
    "mpeg2-mono": (22050, 1, ["-b:a", "32k"]),
    "mpeg25-mono": (8000, 1, ["-b:a", "16k"]),
    "id3-both-48k": (48000, 2, ["-b:a", "64k", "-write_id3v1", "1", "-metadata", "title=T"]),
}


def make_mp3_variant(path: Path, rate: int, channels: int, args: list[str], ffmpeg: str) -> Path:
    """6.3 s of pink noise at `rate` on `channels`, LAME-encoded with `args`."""
    cmd = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", SIGNAL.format(rate=rate)]
    cmd += ["-ac", str(channels), "-c:a", "libmp3lame", *args, str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def decode_f32(ffmpeg: str, args: list[str]) -> array:
    """32-bit float PCM of the ffmpeg inputs `args`, as the encoders receive it."""
    out = subprocess.run(
        [ffmpeg, "-v", "error", *args, "-f", "f32le", "-"], check=True, capture_output=True
    ).stdout
    return array("f", out)
