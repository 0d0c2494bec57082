"""The work folder beside the book: its name, its removal, and what a stop drops."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.engine.work.folder import (
    WORK_PREFIX,
    drop_scratch,
    remove_work_dirs,
    work_dir_for,
)


def test_the_work_folder_is_a_hidden_folder_beside_the_book(tmp_path: Path):
    assert work_dir_for(tmp_path, "abc") == tmp_path / f"{WORK_PREFIX}abc"
    assert work_dir_for(tmp_path, "abc").name.startswith(".")


def test_removing_takes_the_whole_folder_and_minds_no_absent_one(tmp_path: Path):
    work = work_dir_for(tmp_path, "abc")
    (work / "sub").mkdir(parents=True)
    (work / "manifest.json").write_text("{}")
    (work / "sub" / "x").write_bytes(b"x")
    other = work_dir_for(tmp_path, "other")
    other.mkdir()
    remove_work_dirs(tmp_path, "abc")
    assert not work.exists() and other.is_dir()
    remove_work_dirs(tmp_path, "abc")  # gone already: nothing to do


def test_a_stop_drops_the_decoded_pcm_and_keeps_what_encodes_wrote(tmp_path: Path):
    for name in ("pcm-00000.raw", "pcm-00001.raw", "piece-0.aac", "piece-4096.aac.part"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "manifest.json").write_text("{}")
    drop_scratch(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "manifest.json",
        "piece-0.aac",
        "piece-4096.aac.part",
    ]
