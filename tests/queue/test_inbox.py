"""The inbox's settle logic and audio detection, without watchfiles."""

from __future__ import annotations

from pathlib import Path

from aiom4b_tui.queue.inbox import InboxWatcher, SettleTracker, folder_has_audio, folder_signature
from aiom4b_tui.store.models import JobStatus
from tests.helpers.workers import open_service

A = Path("/inbox/A")


def test_a_folder_settles_after_the_quiet_time():
    tracker = SettleTracker(settle=30)
    tracker.touch(A, now=0)
    tracker.observe(A, (1, 10, 5), now=0)
    assert tracker.quiet(now=29) == []
    assert tracker.quiet(now=30) == [A]


def test_a_changing_signature_restarts_the_clock():
    tracker = SettleTracker(settle=30)
    tracker.touch(A, now=0)
    tracker.observe(A, (1, 10, 5), now=0)
    tracker.observe(A, (2, 20, 6), now=25)  # still being copied
    assert tracker.quiet(now=40) == []
    tracker.observe(A, (2, 20, 6), now=50)
    assert tracker.quiet(now=55) == [A]


def test_a_new_event_restarts_the_clock_and_unobserved_folders_wait():
    tracker = SettleTracker(settle=30)
    tracker.touch(A, now=0)
    assert tracker.quiet(now=100) == []  # never looked at: not known to be quiet
    tracker.observe(A, (1, 1, 1), now=0)
    tracker.touch(A, now=20)
    assert tracker.quiet(now=40) == []
    assert tracker.quiet(now=50) == [A]


def test_audio_detection_and_signature(tmp_path):
    book = tmp_path / "Book"
    (book / "CD1").mkdir(parents=True)
    (book / "notes.txt").write_text("x")
    (book / ".hidden.mp3").write_bytes(b"x")
    assert not folder_has_audio(book)
    (book / "CD1" / "01.MP3").write_bytes(b"abc")
    assert folder_has_audio(book)
    count, size, _mtime = folder_signature(book)
    assert (count, size) == (2, 4)


def test_watcher_check_queues_a_settled_audio_folder_once(tmp_path):
    _settings, db, service = open_service(tmp_path / "data")
    inbox = tmp_path / "inbox"
    (inbox / "Dune").mkdir(parents=True)
    (inbox / "Dune" / "01.mp3").write_bytes(b"x")
    (inbox / "Empty").mkdir()
    clock = [0.0]
    watcher = InboxWatcher(service, inbox, settle=5, clock=lambda: clock[0])
    for folder in watcher.unseen_folders():
        watcher.notice(folder, 0)
    assert watcher.check(now=1) == []
    jobs = watcher.check(now=6)
    assert [j.title for j in jobs] == ["Dune"]
    assert jobs[0].status is JobStatus.QUEUED
    watcher.notice(inbox / "Dune", 7)  # taken: never again
    assert watcher.check(now=20) == []
    assert [p.name for p in watcher.unseen_folders()] == ["Empty"]
    assert InboxWatcher(service, inbox, settle=5).unseen_folders() == [inbox / "Empty"]
    db.close()


def test_top_folder_maps_changes_to_inbox_folders(tmp_path):
    _settings, db, service = open_service(tmp_path / "data")
    inbox = tmp_path / "inbox"
    (inbox / "Dune" / "CD1").mkdir(parents=True)
    (inbox / "loose.mp3").write_bytes(b"")
    watcher = InboxWatcher(service, inbox)
    assert watcher.top_folder(inbox / "Dune" / "CD1" / "01.mp3") == inbox / "Dune"
    assert watcher.top_folder(inbox / "loose.mp3") is None
    assert watcher.top_folder(tmp_path / "elsewhere") is None
    assert watcher.top_folder(inbox / ".partial" / "x") is None
    db.close()
