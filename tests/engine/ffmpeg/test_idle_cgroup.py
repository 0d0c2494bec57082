"""Finding and making the idle cgroup for encoders, on a folder laid out like cgroupfs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiom4b_tui.engine.ffmpeg.idle_cgroup import CGROUP_NAME, idle_cgroup


def _cgroup_v1(root: Path) -> Path:
    (root / "cpu").mkdir()
    (root / "cpu" / "cpu.shares").write_text("1024\n")
    return root / "cpu" / CGROUP_NAME


def _mark_procs(folder: Path) -> None:
    """What the kernel does on mkdir in cgroupfs: the control files appear."""
    folder.mkdir(exist_ok=True)
    (folder / "cgroup.procs").write_text("")


def test_v1_cpu_hierarchy_gets_an_idle_cgroup(tmp_path: Path):
    expected = _cgroup_v1(tmp_path)
    _mark_procs(expected)
    assert idle_cgroup(tmp_path) == expected
    assert (expected / "cpu.idle").read_text() == "1"


def test_v2_root_handing_out_cpu_gets_an_idle_cgroup(tmp_path: Path):
    (tmp_path / "cgroup.subtree_control").write_text("cpuset cpu io memory pids\n")
    _mark_procs(tmp_path / CGROUP_NAME)
    assert idle_cgroup(tmp_path) == tmp_path / CGROUP_NAME


def test_v2_without_the_cpu_controller_has_none(tmp_path: Path):
    (tmp_path / "cgroup.subtree_control").write_text("memory pids\n")
    _mark_procs(tmp_path / CGROUP_NAME)
    assert idle_cgroup(tmp_path) is None


def test_no_cgroup_file_system_has_none(tmp_path: Path):
    assert idle_cgroup(tmp_path / "missing") is None


def test_a_named_cgroup_is_used_as_given(tmp_path: Path):
    named = tmp_path / "delegated"
    _mark_procs(named)
    assert idle_cgroup(tmp_path / "missing", named=named) == named
    assert (named / "cpu.idle").read_text() == "1"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_cgroup_we_may_not_write_is_refused(tmp_path: Path):
    expected = _cgroup_v1(tmp_path)
    _mark_procs(expected)
    (expected / "cgroup.procs").chmod(0o444)
    assert idle_cgroup(tmp_path) is None
