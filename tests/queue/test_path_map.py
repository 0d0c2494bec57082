"""Path maps (longest prefix wins, whole components) and what a worker can see of a job."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.queue.path_map import PathMap, PathMapError, parse_path_map
from aiom4b_tui.queue.visibility import JobSight, localize_job
from aiom4b_tui.store.models import JobCreate, JobOptions
from aiom4b_tui.store.records import new_job_row


def test_longest_prefix_wins_and_whole_components_only():
    path_map = PathMap({"/srv": "/mnt/a", "/srv/books": "/mnt/nas/books"})
    assert path_map.local("/srv/books/Dune/01.mp3") == "/mnt/nas/books/Dune/01.mp3"
    assert path_map.local("/srv/other") == "/mnt/a/other"
    assert path_map.local("/srv/books") == "/mnt/nas/books"
    assert path_map.local("/srvx/books") == "/srvx/books"
    assert PathMap({"/srv/books/": "/mnt/b/"}).local("/srv/books2/x") == "/srv/books2/x"


def test_bad_maps_are_refused():
    with pytest.raises(PathMapError):
        PathMap({"srv": "/mnt"})
    with pytest.raises(PathMapError):
        parse_path_map('["/a", "/b"]')
    assert parse_path_map('{"/a": "/b"}').as_dict() == {"/a": "/b"}


def test_settings_read_the_map_from_env_and_config(data_dir: Path, monkeypatch):
    monkeypatch.setenv("AIOM4B_PATH_MAP", json.dumps({"/srv/books": "/mnt/books"}))
    assert load_settings().path_map == {"/srv/books": "/mnt/books"}
    monkeypatch.delenv("AIOM4B_PATH_MAP")
    data_dir.mkdir()
    (data_dir / "config.toml").write_text('[path_map]\n"/srv/books" = "/mnt/x"\n')
    assert load_settings().path_map == {"/srv/books": "/mnt/x"}


def _job(folder: Path, output: Path | None):
    return new_job_row(
        JobCreate(input_folders=[folder], options=JobOptions(output_dir=output, encoder="aac"))
    )


def test_a_job_is_mapped_for_inputs_and_output(tmp_path: Path):
    origin, library = tmp_path / "origin", tmp_path / "library"
    (origin / "Dune").mkdir(parents=True)
    job = _job(origin / "Dune", origin / "out")
    local = localize_job(job, PathMap({str(origin): str(library)}))
    assert local.folders() == [library / "Dune"]
    assert local.job_options().output_dir == library / "out"
    assert local.job_options().encoder == "aac" and local.id == job.id
    assert job.folders() == [origin / "Dune"]  # the row itself is unchanged


def test_a_job_out_of_sight_is_left_and_said_once(tmp_path: Path, caplog):
    (tmp_path / "seen").mkdir()
    (tmp_path / "gone").mkdir()
    seen, unseen = _job(tmp_path / "seen", None), _job(tmp_path / "gone", None)
    (tmp_path / "gone").rmdir()
    now = [0.0]
    sight = JobSight(PathMap(), check=True, recheck_seconds=60, clock=lambda: now[0])
    assert sight.accept(seen)
    assert not sight.accept(unseen) and not sight.accept(unseen)
    assert sight.refused_ids() == [unseen.id]
    assert caplog.text.count("cannot see") == 1
    now[0] = 61.0
    assert sight.refused_ids() == []  # looked at again after a while
    assert JobSight(PathMap(), check=False).accept(unseen)
