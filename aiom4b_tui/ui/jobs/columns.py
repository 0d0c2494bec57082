"""The queue table's columns: `COLUMNS`, and `HOST_COLUMNS` with the host that runs or
ran each book (for a queue worked by more than one host), both within 80 columns.

Apart from the rows' text (`cells.py`, which needs the job models) so the table can be
drawn, empty, in the app's first screen before the job store is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A column of the queue table: its key, heading and width in cells."""

    key: str
    label: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("status", "Status", 11),
    Column("title", "Title", 24),
    # A bar, speed and time left while running; the book's file when done; the reason
    # when failed. One column, so the table fits 80 columns and a reason has room.
    Column("progress", "Progress", 30),
    Column("elapsed", "Time", 5),
)
# The same in the same 78 cells, with the host: a running bar with its speed and time
# left still fits the narrower progress column.
HOST_COLUMNS: tuple[Column, ...] = (
    Column("status", "Status", 11),
    Column("title", "Title", 19),
    Column("host", "Host", 8),
    Column("progress", "Progress", 25),
    Column("elapsed", "Time", 5),
)


def columns_for(with_host: bool) -> tuple[Column, ...]:
    """The table's columns, with or without the host."""
    return HOST_COLUMNS if with_host else COLUMNS
