"""The work manifest: JSON round trip, atomic replace, what changed since the last attempt
or during this one."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aiom4b_tui.engine.work.manifest import (
    MANIFEST_NAME,
    DonePiece,
    ManifestError,
    OldManifestError,
    PlacedResult,
    SourceStamp,
    WorkManifest,
    changed_while_converting,
    read_manifest,
    source_stamps,
    what_changed,
    write_manifest,
)
from tests.helpers.book_plan import a_plan, fingerprint
from tests.helpers.book_plan import stand_in_sources as sources


def test_a_manifest_survives_its_json_and_a_corrupt_one_is_refused(tmp_path: Path):
    plan = a_plan(sources(tmp_path / "book"))
    m = WorkManifest(fingerprint(plan), source_stamps(plan), route="sliced", cuts=[0, 4096])
    m.pieces[4096] = DonePiece(4096, 4096, "piece-4096.aac", 900, 10, 800, 4.5)
    m.placed = PlacedResult("/x/Book.m4b", 12, 34)
    write_manifest(tmp_path, m.to_json())
    assert read_manifest(tmp_path) == m
    assert not (tmp_path / f"{MANIFEST_NAME}.tmp").exists()
    (tmp_path / MANIFEST_NAME).write_text('{"fingerprint": {"format": 1}')
    with pytest.raises(ManifestError):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"fingerprint": {"format": 99}}))
    with pytest.raises(ManifestError, match="format 99"):
        read_manifest(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"fingerprint": {"format": 1}}))
    with pytest.raises(OldManifestError, match="format 1"):
        read_manifest(tmp_path)
    assert read_manifest(tmp_path / "nowhere") is None


def test_what_changed_names_the_source_or_the_setting(tmp_path: Path):
    paths = sources(tmp_path / "book")
    plan = a_plan(paths)
    names = [f.rel for f in plan.files]
    old = WorkManifest(fingerprint(plan), source_stamps(plan))
    assert what_changed(old, fingerprint(plan), source_stamps(plan), names) is None
    os.utime(paths[1], ns=(1, 1))
    assert (
        what_changed(old, fingerprint(plan), source_stamps(plan), names)
        == "02.mp3 changed since the last attempt"
    )
    faster = a_plan(paths, bitrate=96000)
    old = WorkManifest(fingerprint(plan), source_stamps(plan))
    assert (
        what_changed(old, fingerprint(faster), source_stamps(plan), names)
        == "the bitrate changed since the last attempt"
    )
    fewer = a_plan(paths[:2])
    assert (
        what_changed(old, fingerprint(fewer), source_stamps(fewer), names[:2])
        == "the book's files are not the same (2 now, 3 then)"
    )


def test_a_source_changed_during_the_run_is_named_with_its_sizes(tmp_path: Path):
    paths = sources(tmp_path / "book")
    names = [p.name for p in paths]
    before = [SourceStamp.of(p) for p in paths]
    paths[2].write_bytes(b"y" * 10)
    paths[0].unlink()
    now = [SourceStamp.of(p) for p in paths]
    assert changed_while_converting(before, now, names) == (
        "01.mp3 vanished while it was being converted"
    )
    assert changed_while_converting(before[1:], now[1:], names[1:]) == (
        "03.mp3 changed while it was being converted (size 1002 -> 10)"
    )
