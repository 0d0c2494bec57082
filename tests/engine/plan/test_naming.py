"""File names from templates: safe parts, no stray separators, never outside the folder."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from aiom4b_tui.engine.plan.naming import output_path, render_template

TAGS = {"author": "Ann Author", "title": "The Road", "series": "Roads", "series_part": "3"}


def test_default_template_and_missing_author():
    assert render_template(None, TAGS) == PurePosixPath("Ann Author - The Road.m4b")
    assert render_template(None, {"title": "The Road"}) == PurePosixPath("The Road.m4b")


def test_folders_from_the_template_and_empty_fields_dropped():
    template = "{author}/{series}/{series_part} - {title}"
    assert render_template(template, TAGS) == PurePosixPath("Ann Author/Roads/3 - The Road.m4b")
    assert render_template(template, {"title": "T", "author": "A"}) == PurePosixPath("A/T.m4b")


def test_values_never_make_folders_or_escape():
    tags = {"author": "../..", "title": "a/b\\c:d", "series": ".."}
    rendered = render_template("{author}/{series}/{title}", tags)
    assert rendered == PurePosixPath("a_b_c_d.m4b")
    assert ".." not in render_template("../../{title}", TAGS).parts
    assert render_template("/etc/{title}", TAGS) == PurePosixPath("etc/The Road.m4b")
    out = Path("/books")
    for template in ("../{title}", "/{title}", "{author}/../../{title}"):
        path = output_path(out, template, TAGS)
        assert path.resolve().is_relative_to(out.resolve())


def test_control_characters_and_long_names_are_made_safe():
    name = render_template("{title}", {"title": "bad\x1b[2J\nname" + "é" * 300})
    assert "\x1b" not in str(name) and "\n" not in str(name)
    assert len(name.name.encode()) <= 205
