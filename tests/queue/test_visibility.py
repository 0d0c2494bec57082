"""What a worker can see of a job: its folders mapped to this host's paths, and jobs out of
sight left for another worker (said once, looked at again after a while)."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.queue.visibility import JobVisibility, localize_job, unseen_paths
from aiom4b_tui.store.models import JobCreate, JobOptions
from aiom4b_tui.store.records import new_job_row


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
    visibility = JobVisibility(PathMap(), check=True, recheck_seconds=60, clock=lambda: now[0])
    assert visibility.accept(seen)
    assert not visibility.accept(unseen) and not visibility.accept(unseen)
    assert visibility.refused_ids() == [unseen.id]
    assert caplog.text.count("cannot see") == 1
    now[0] = 61.0
    assert visibility.refused_ids() == []  # looked at again after a while
    assert JobVisibility(PathMap(), check=False).accept(unseen)


def test_without_a_map_a_job_is_its_own_localized_copy(tmp_path: Path):
    (tmp_path / "Dune").mkdir()
    job = _job(tmp_path / "Dune", None)
    assert localize_job(job, PathMap()) is job


def test_an_output_folder_that_can_be_made_counts_as_seen(tmp_path: Path):
    (tmp_path / "Dune").mkdir()
    makeable = _job(tmp_path / "Dune", tmp_path / "out")  # its parent is there
    assert unseen_paths(makeable) == []
    unreachable = _job(tmp_path / "Dune", tmp_path / "gone" / "out")
    assert unseen_paths(unreachable) == [tmp_path / "gone" / "out"]
    (tmp_path / "Dune").rmdir()
    assert unseen_paths(unreachable) == [tmp_path / "Dune", tmp_path / "gone" / "out"]


def test_a_job_seen_again_is_no_longer_refused(tmp_path: Path):
    folder = tmp_path / "Dune"
    job = _job_made_then_hidden(folder)
    visibility = JobVisibility(PathMap(), check=True)
    assert not visibility.accept(job)
    folder.mkdir()  # the mount came back
    assert visibility.accept(job)
    assert visibility.refused_ids() == []


def _job_made_then_hidden(folder: Path):
    folder.mkdir()
    job = _job(folder, None)
    folder.rmdir()
    return job
