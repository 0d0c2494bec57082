"""The chapter editor's draft (pure data): chapters renamed, merged, split and replaced,
files moved and left out, the editor's lines, and what the job's options keep of it."""

from __future__ import annotations

import pytest

from aiom4b_tui.job_options.model import ChapterEntry
from aiom4b_tui.ui.add_book.draft import ChapterDraft, DraftError, DraftFile, clock, parse_time


def three_files() -> ChapterDraft:
    """Three 10-second files, a chapter at the start of each."""
    files = [DraftFile(f"{n}.mp3", 10.0) for n in (1, 2, 3)]
    entries = [ChapterEntry(title=f"Part {n}", file=f"{n}.mp3", offset=0.0) for n in (1, 2, 3)]
    return ChapterDraft(files, entries)


def titles(draft: ChapterDraft) -> list[str]:
    return [draft.entries[i].title for i in draft.chapter_order()]


def test_an_unedited_draft_leaves_the_options_to_the_plan():
    draft = three_files()
    assert draft.duration() == 30.0
    assert (draft.chosen_files(), draft.chosen_chapters()) == (None, None)
    assert [(r.file, r.chapter, r.start) for r in draft.rows()] == [
        ("1.mp3", 0, 0.0),
        ("2.mp3", 1, 10.0),
        ("3.mp3", 2, 20.0),
    ]


def test_renamed_and_merged_chapters_are_kept_in_book_order():
    draft = three_files()
    draft.rename(0, "  Prologue ")
    draft.merge_with_next(1)  # Part 2 and Part 3: one chapter
    assert titles(draft) == ["Prologue", "Part 2"]
    assert draft.chapter_end(1) == 30.0
    assert [(c.title, c.file) for c in draft.chosen_chapters()] == [
        ("Prologue", "1.mp3"),
        ("Part 2", "2.mp3"),
    ]
    # The file Part 3 started has a line of its own: it can still be moved or left out.
    assert ("3.mp3", None, 20.0) in [(r.file, r.chapter, r.start) for r in draft.rows()]
    with pytest.raises(DraftError, match="blank"):
        draft.rename(0, " ")
    with pytest.raises(DraftError, match="no next one"):
        draft.merge_with_next(draft.chapter_order()[-1])


def test_moved_and_left_out_files_take_their_chapters_with_them():
    draft = three_files()
    draft.move_file("3.mp3", -1)
    assert [f.rel for f in draft.files] == ["1.mp3", "3.mp3", "2.mp3"]
    assert titles(draft) == ["Part 1", "Part 3", "Part 2"]
    draft.toggle_file("2.mp3")
    assert draft.chosen_files() == ["1.mp3", "3.mp3"] and draft.duration() == 20.0
    assert titles(draft) == ["Part 1", "Part 3"]
    assert draft.rows()[-1].left_out
    draft.toggle_file("2.mp3")  # taken back
    assert draft.chosen_files() == ["1.mp3", "3.mp3", "2.mp3"]
    with pytest.raises(DraftError, match="already at the top"):
        draft.move_file("1.mp3", -1)


def test_chapters_from_a_lookup_are_placed_on_the_files():
    draft = three_files()
    draft.replace_chapters([(0.0, "Opening"), (15.0, "The Storm"), (99.0, "Past the end")])
    assert [(c.title, c.file, c.offset) for c in draft.chosen_chapters()] == [
        ("Opening", "1.mp3", 0.0),
        ("The Storm", "2.mp3", 5.0),
    ]
    with pytest.raises(DraftError, match="none of the chapters"):
        draft.replace_chapters([(40.0, "Beyond")])


def test_draft_split_outside_the_chapter_is_refused():
    draft = ChapterDraft(
        [DraftFile("a.mp3", 10.0), DraftFile("b.mp3", 10.0)],
        [],
    )
    draft.replace_chapters([(0.0, "One"), (10.0, "Two")])
    with pytest.raises(DraftError, match="inside the chapter"):
        draft.split(0, 10.0)
    new = draft.split(0, 2.5)
    assert [draft.entries[i].title for i in draft.chapter_order()] == ["One", "One (2)", "Two"]
    assert draft.chapter_start(new) == 2.5
    with pytest.raises(DraftError, match="at least one file"):
        draft.toggle_file("a.mp3")
        draft.toggle_file("b.mp3")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90.0), ("1:30", 90.0), ("1:02:03", 3723.0), ("2.5", 2.5)]
)
def test_split_times(text, seconds):
    assert parse_time(text) == seconds


def test_a_bad_split_time_is_refused():
    with pytest.raises(DraftError, match="not a time"):
        parse_time("soon")
    with pytest.raises(DraftError, match="not a time"):
        parse_time("-3")


def test_a_length_as_a_clock():
    assert (clock(65.9), clock(3723.0)) == ("1:05", "1:02:03")
