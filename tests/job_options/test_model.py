"""JobOptions and TagOverrides refuse bad values at every entry point, and old JSON loads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from aiom4b_tui.job_options.model import JobOptions, TagOverrides
from tests.helpers import ROOT


@pytest.mark.parametrize("year", ["2001", "1999-12-31", "2024-02-29", "", None])
def test_good_years_pass(year):
    assert TagOverrides(year=year).year == year


@pytest.mark.parametrize("year", ["abcd", "01", "2001-13-01", "2023-02-29", "2001/05/03", "20011"])
def test_bad_years_are_refused_with_the_reason(year):
    with pytest.raises(ValidationError, match=r"year must be YYYY or YYYY-MM-DD|is not a date"):
        TagOverrides(year=year)
    with pytest.raises(ValidationError):
        JobOptions.model_validate({"tags": {"year": year}})


def test_series_part_is_a_number():
    assert TagOverrides(series_part=" 3 ").series_part == "3"
    assert TagOverrides(series_part="2.5").series_part == "2.5"
    with pytest.raises(ValidationError, match="series part must be a number"):
        TagOverrides(series_part="three")


def test_a_template_is_checked_where_options_are_made():
    assert JobOptions(template="{series}/{title}").template == "{series}/{title}"
    with pytest.raises(ValidationError, match="unknown field"):
        JobOptions(template="{nope}")
    with pytest.raises(ValidationError, match="names no field"):
        JobOptions.model_validate({"template": "plain"})


def test_old_json_still_loads_and_unknown_keys_are_refused():
    old = '{"output_dir": "/o", "output_name": "X", "tags": {"title": "T", "year": "2001"}}'
    options = JobOptions.model_validate_json(old)
    assert options.tags.title == "T" and options.chapters_file is None
    assert options.template is None and not options.chapters_by_silence
    with pytest.raises(ValidationError):
        JobOptions.model_validate({"colour": "red"})
    round_trip = JobOptions(tags=TagOverrides(series="S", series_part="2"), template="{title}")
    assert JobOptions.model_validate_json(round_trip.model_dump_json()) == round_trip


def test_a_cover_file_and_no_cover_at_once_are_refused(tmp_path):
    assert JobOptions(no_cover=True).cover is None
    with pytest.raises(ValidationError, match="choose one"):
        JobOptions(cover=tmp_path / "a.jpg", no_cover=True)


def test_the_engine_imports_without_pydantic():
    # The engine names the option models in annotations only: a conversion's start-up
    # does not wait for pydantic (it loads where options are built, as below).
    code = (
        "import json, sys\n"
        "import aiom4b_tui.engine.convert, aiom4b_tui.engine.plan.title\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    modules = json.loads(done.stdout)
    assert "aiom4b_tui.engine.plan.plan" in modules  # it did load the engine
    assert [m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")] == []
