"""Path maps: longest prefix wins, whole components only, bad maps refused, read from the
environment and the config file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aiom4b_tui.config.settings import load_settings
from aiom4b_tui.queue.path_map import PathMap, PathMapError, parse_path_map


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


def test_the_map_reads_back_as_given():
    mapping = {"/srv/books": "/mnt/nas/books", "/srv": "/mnt/a"}
    assert PathMap(mapping).as_dict() == mapping
    assert not PathMap() and PathMap(mapping)
    assert PathMap({"/": "/mnt/root"}).local("/x/y") == "/mnt/root/x/y"
