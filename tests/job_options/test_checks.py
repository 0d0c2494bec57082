"""The checks of a job's options that the engine applies too (job_options/checks.py): a
year as YYYY or a real date, a file name template of known fields only."""

from __future__ import annotations

import pytest

from aiom4b_tui.job_options.checks import (
    DEFAULT_TEMPLATE,
    TEMPLATE_FIELDS,
    check_template,
    check_year,
)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("2001", "2001"),
        (" 1999-12-31 ", "1999-12-31"),
        ("2024-02-29", "2024-02-29"),
        ("", ""),
        ("  ", "  "),
        (None, None),
    ],
)
def test_a_year_or_a_real_date_passes_trimmed(given, kept):
    assert check_year(given) == kept


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("abcd", "year must be YYYY or YYYY-MM-DD, not 'abcd'"),
        ("01", "year must be YYYY or YYYY-MM-DD"),
        ("20011", "year must be YYYY or YYYY-MM-DD"),
        ("2001/05/03", "year must be YYYY or YYYY-MM-DD"),
        ("2001-13-01", "'2001-13-01' is not a date"),
        ("2023-02-29", "'2023-02-29' is not a date"),
    ],
)
def test_anything_else_is_refused_with_the_reason(given, reason):
    with pytest.raises(ValueError, match=reason):
        check_year(given)


def test_templates_name_known_fields_only():
    assert check_template("{author}/{series}/{series_part} - {title}")
    assert check_template(DEFAULT_TEMPLATE) == "{author} - {title}"
    assert check_template(" ".join("{" + f + "}" for f in sorted(TEMPLATE_FIELDS)))
    for bad, reason in [
        ("{auther} - {title}", "unknown field {auther}"),
        ("{title!r}", "no format spec"),
        ("{title:>9}", "no format spec"),
        ("{title", "bad file name template"),
        ("plain", "names no field"),
    ]:
        with pytest.raises(ValueError, match=reason):
            check_template(bad)
