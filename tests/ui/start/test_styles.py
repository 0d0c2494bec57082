"""The app's stylesheets: the first screen's read at the start, the dialogs' later, from
the checkout's styles/ (an installed package carries its own copy, which wins)."""

from __future__ import annotations

from aiom4b_tui.ui.start import styles
from tests.helpers import ROOT


def test_the_stylesheets_are_the_checkouts():
    assert styles.styles_dir() == ROOT / "styles"
    assert [p.name for p in styles.style_paths()] == ["app.tcss"]
    assert [p.name for p in styles.later_style_paths()] == ["dialogs.tcss"]
    assert all(p.is_file() for p in styles.style_paths() + styles.later_style_paths())


def test_a_packaged_copy_wins(tmp_path, monkeypatch):
    package = tmp_path / "aiom4b_tui"
    (package / "styles").mkdir(parents=True)
    module = package / "ui" / "start" / "styles.py"
    monkeypatch.setattr(styles, "__file__", str(module))
    assert styles.styles_dir() == package / "styles"
    (package / "styles").rmdir()
    assert styles.styles_dir() == tmp_path / "styles"  # the checkout's, beside the package
