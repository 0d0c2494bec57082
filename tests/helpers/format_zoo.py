"""A zoo of audio files: one short tone in every audio format this machine's ffmpeg can
encode (asked from `ffmpeg -encoders` and `-muxers`), each in its own folder.

Each encoder goes into its usual container where ffmpeg has a muxer for it, else into
Matroska or NUT; the sample rate and channels are tried from common to narrow until
the encoder takes one. Encoders that take none (or need video) are reported, not hidden.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

# encoder -> (muxer, file extension) where the format has a usual home.
HOMES: dict[str, tuple[str, str]] = {
    "aac": ("ipod", "m4a"),
    "ac3": ("ac3", "ac3"),
    "ac3_fixed": ("ac3", "ac3"),
    "adpcm_adx": ("adx", "adx"),
    "adpcm_argo": ("argo_asf", "asf"),
    "adpcm_ima_alp": ("alp", "tun"),
    "adpcm_ima_apm": ("apm", "apm"),
    "adpcm_ima_ssi": ("kvag", "vag"),
    "adpcm_ima_ws": ("wsaud", "aud"),
    "adpcm_ima_qt": ("mov", "mov"),
    "adpcm_ima_wav": ("wav", "wav"),
    "adpcm_ms": ("wav", "wav"),
    "adpcm_swf": ("flv", "flv"),
    "adpcm_yamaha": ("mmf", "mmf"),
    "alac": ("ipod", "m4a"),
    "libopencore_amrnb": ("amr", "amr"),
    "aptx": ("aptx", "aptx"),
    "aptx_hd": ("aptx_hd", "aptxhd"),
    "dca": ("dts", "dts"),
    "dfpwm": ("dfpwm", "dfpwm"),
    "eac3": ("eac3", "eac3"),
    "flac": ("flac", "flac"),
    "g722": ("g722", "g722"),
    "g723_1": ("g723_1", "tco"),
    "g726": ("g726", "g726"),
    "g726le": ("g726le", "g726"),
    "mlp": ("mlp", "mlp"),
    "mp2": ("mp2", "mp2"),
    "mp2fixed": ("mp2", "mp2"),
    "libtwolame": ("mp2", "mp2"),
    "libmp3lame": ("mp3", "mp3"),
    "nellymoser": ("flv", "flv"),
    "opus": ("opus", "opus"),
    "libopus": ("opus", "opus"),
    "pcm_alaw": ("wav", "wav"),
    "pcm_mulaw": ("au", "au"),
    "pcm_s16le": ("wav", "wav"),
    "pcm_s16be": ("aiff", "aiff"),
    "pcm_s24le": ("w64", "w64"),
    "pcm_f32be": ("caf", "caf"),
    "pcm_s24daud": ("daud", "302"),
    "pcm_u8": ("voc", "voc"),
    "real_144": ("rm", "ra"),
    "roq_dpcm": ("roq", "roq"),
    "sbc": ("sbc", "sbc"),
    "truehd": ("truehd", "thd"),
    "tta": ("tta", "tta"),
    "vorbis": ("ogg", "ogg"),
    "libvorbis": ("ogg", "ogg"),
    "wavpack": ("wv", "wv"),
    "wmav1": ("asf", "wma"),
    "wmav2": ("asf", "wma"),
}
FALLBACK = (("matroska", "mka"), ("nut", "nut"))
FORMATS = ((44100, 2), (48000, 2), (48000, 1), (16000, 1), (8000, 1), (44100, 1))
NOT_ENCODABLE_ALONE = frozenset({"anull", "comfortnoise"})  # no audio of their own


@dataclass
class Zoo:
    files: dict[str, Path]  # encoder -> the file made with it
    not_made: dict[str, str]  # encoder -> why no file could be made


def audio_encoders(ffmpeg: str) -> list[str]:
    out = subprocess.run(
        [ffmpeg, "-hide_banner", "-encoders"], capture_output=True, text=True, check=True
    ).stdout
    names = []
    for line in out.splitlines():
        parts = line.split()
        # Skip the legend (" A..... = Audio"): encoders' flags are "A....." too in 5.1.
        if len(parts) >= 2 and parts[0].startswith("A") and parts[1] != "=":
            names.append(parts[1])
    return names


def muxers(ffmpeg: str) -> set[str]:
    out = subprocess.run(
        [ffmpeg, "-hide_banner", "-muxers"], capture_output=True, text=True, check=True
    ).stdout
    found = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("E", "DE"):
            found.update(parts[1].split(","))
    return found


def _encode(ffmpeg: str, encoder: str, muxer: str, path: Path, rate: int, channels: int) -> str:
    layout = "mono" if channels == 1 else "stereo"
    cmd = [ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi"]
    cmd += ["-i", f"sine=f=440:d=1:sample_rate={rate},aformat=channel_layouts={layout}"]
    cmd += ["-c:a", encoder, "-strict", "-2", "-f", muxer, str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode == 0 and path.is_file() and path.stat().st_size > 0:
        return ""
    path.unlink(missing_ok=True)
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit code {done.returncode}"


def make_format_zoo(root: Path, ffmpeg: str) -> Zoo:
    """One folder per encoder under `root`, each holding `01.<ext>` of about a second."""
    available = muxers(ffmpeg)
    zoo = Zoo({}, {})
    for encoder in audio_encoders(ffmpeg):
        if encoder in NOT_ENCODABLE_ALONE:
            zoo.not_made[encoder] = "makes no audio of its own"
            continue
        homes = [HOMES[encoder]] if encoder in HOMES else []
        homes = [h for h in homes if h[0] in available] + list(FALLBACK)
        folder = root / encoder
        folder.mkdir(parents=True, exist_ok=True)
        why = "no container and format it takes"
        for muxer, ext in homes:
            path = folder / f"01.{ext}"
            for rate, channels in FORMATS:
                why = _encode(ffmpeg, encoder, muxer, path, rate, channels)
                if not why:
                    zoo.files[encoder] = path
                    break
            if encoder in zoo.files:
                break
        if encoder not in zoo.files:
            zoo.not_made[encoder] = why
            folder.rmdir()
    return zoo
