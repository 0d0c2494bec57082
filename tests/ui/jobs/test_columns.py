"""The queue table's two layouts: without and with the Host column, both within 80
columns (a DataTable cell's padding and the scrollbar counted)."""

from __future__ import annotations

from aiom4b_tui.ui.jobs.columns import COLUMNS, HOST_COLUMNS, columns_for

CELL_PADDING = 2  # a DataTable cell's padding, one each side
SCROLLBAR = 1


def test_both_layouts_fit_80_columns():
    for layout in (COLUMNS, HOST_COLUMNS):
        width = sum(column.width + CELL_PADDING for column in layout)
        assert width <= 80 - SCROLLBAR, layout


def test_the_host_layout_is_the_same_columns_with_the_host():
    assert columns_for(False) is COLUMNS and columns_for(True) is HOST_COLUMNS
    keys = [column.key for column in HOST_COLUMNS]
    assert [key for key in keys if key != "host"] == [column.key for column in COLUMNS]
    assert keys.index("host") == keys.index("title") + 1
