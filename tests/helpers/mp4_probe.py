"""What other programs read from a made book: ffmpeg's chapters, mediainfo's menu,
AtomicParsley's tags, and the decoded length. Used by the chapter and tag tests.

A test that asks mediainfo or AtomicParsley is skipped, with the reason, where the
reader is not installed; with CI=true it fails instead (.ci/run installs both), as a
missing PostgreSQL does: CI never passes without the readers' checks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.audio import ffmpeg_exe


def ffmpeg_chapters(path: Path) -> list[tuple[float, str]]:
    """(start seconds, title) of each chapter as ffmpeg's demuxer (ffprobe's) reads them."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    cmd += ["-f", "ffmetadata", "-"]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found = []
    for block in text.split("[CHAPTER]")[1:]:
        fields = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        num, den = fields["TIMEBASE"].split("/")
        found.append((int(fields["START"]) * int(num) / int(den), fields.get("title", "")))
    return found


def ffmpeg_tags(path: Path) -> dict[str, str]:
    """The global tags ffmpeg reads (keys in lower case)."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    cmd += ["-f", "ffmetadata", "-"]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    head = text.split("[CHAPTER]")[0].replace("\\\n", "\n")
    tags = {}
    for line in head.splitlines()[1:]:
        if "=" in line:
            key, value = line.split("=", 1)
            tags[key.lower()] = value
    return tags


def reference_decoder() -> str:
    """The ffmpeg that counts decoded samples: the bundled one whatever the engine uses.

    Debian's ffmpeg 5.1 decodes an MP4's AAC in whole frames (it ignores the end trim of
    the edit list), so a book made exactly would count up to 1,023 samples long with it.
    """
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def decoded_samples(path: Path, channels: int) -> int:
    """How many samples (per channel) the reference decoder gets from the file."""
    cmd = [reference_decoder(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    cmd += ["-map", "0:a:0", "-f", "s16le", "-"]
    data = subprocess.run(cmd, check=True, capture_output=True).stdout
    return len(data) // (2 * channels)


def decoded_samples_each(paths: list[Path], channels: int, batch: int = 100) -> list[int]:
    """decoded_samples of every file, decoded by one ffmpeg per `batch` files (each input
    to a raw file of its own, whose size gives its length)."""
    import tempfile

    counts: list[int] = []
    for first in range(0, len(paths), batch):
        group = paths[first : first + batch]
        with tempfile.TemporaryDirectory() as raw:
            cmd = [reference_decoder(), "-hide_banner", "-nostdin", "-v", "error"]
            for path in group:
                cmd += ["-i", str(path)]
            for n in range(len(group)):
                cmd += ["-map", f"{n}:a:0", "-f", "s16le", f"{raw}/{n}.raw"]
            subprocess.run(cmd, check=True, capture_output=True)
            sizes = [Path(f"{raw}/{n}.raw").stat().st_size for n in range(len(group))]
        counts += [size // (2 * channels) for size in sizes]
    return counts


def reader(name: str, package: str) -> str:
    """The reader program `name`: the test is skipped without it (CI=true: it fails)."""
    exe = shutil.which(name)
    if exe is None:
        message = f"{name} is not installed (apt-get install {package})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: the readers' checks must run; .ci/run installs it)")
        pytest.skip(message)
    return exe


def mediainfo_menu(path: Path) -> list[str]:
    """The chapter titles of mediainfo's first menu."""
    exe = reader("mediainfo", "mediainfo")
    text = subprocess.run([exe, str(path)], check=True, capture_output=True, text=True).stdout
    menu = text.split("\n\nMenu", 1)[1].split("\n\n", 1)[0] if "\n\nMenu" in text else ""
    found = (re.match(r"^\d\d:\d\d:\d\d\.\d{3}\s+: (.*)$", line) for line in menu.splitlines())
    return [m.group(1) for m in found if m]


def atomicparsley_tags(path: Path) -> dict[str, str]:
    """Atom -> value as AtomicParsley prints them."""
    exe = reader("AtomicParsley", "atomicparsley")
    out = subprocess.run([exe, str(path), "-t"], check=True, capture_output=True).stdout
    tags = {}
    for line in out.decode("utf-8", "replace").splitlines():
        found = re.match(r'^\W*Atom "(.+?)" (?:\[(.+?)\] )?contains: (.*)$', line)
        if found:
            tags[found.group(2) or found.group(1)] = found.group(3)
    return tags
