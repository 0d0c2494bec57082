"""Audio whose chapter points can be heard: silence, then a tone burst at each onset.
Used to check that chapters from files land where the audio really changes."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.helpers.audio import decode_pcm, ffmpeg_exe

BURST = 0.4  # seconds of tone after each onset
AMPLITUDE = 0.5


def make_onsets(
    path: Path, onsets: Sequence[float], seconds: float, rate: int = 44100, codec="flac"
) -> Path:
    """`seconds` of audio that is silent except for a 440 Hz burst from each onset."""
    gates = "+".join(f"gte(t,{a!r})*lt(t,{a + BURST!r})" for a in onsets)
    expr = f"{AMPLITUDE}*sin(2*PI*440*t)*({gates})"
    count = round(seconds * rate)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    cmd += ["-i", f"aevalsrc='{expr}':s={rate}:c=mono:d={seconds + 0.1!r}"]
    cmd += ["-af", f"atrim=end_sample={count}"]
    cmd += {"flac": ["-c:a", "flac"], "mp3": ["-c:a", "libmp3lame", "-b:a", "128k"]}[codec]
    cmd.append(str(path))
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def heard_onsets(path: Path, rate: int, after: Sequence[float]) -> list[float]:
    """For each time in `after` (seconds, minus a little), the first time the decoded
    audio rises above a third of the burst's level."""
    pcm = decode_pcm(path, rate=rate)
    level = AMPLITUDE * 32767 / 3
    found = []
    for start in after:
        n = max(0, round((start - 0.05) * rate))
        while n < len(pcm) and abs(pcm[n]) < level:
            n += 1
        found.append(n / rate)
    return found
