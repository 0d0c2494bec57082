"""`aiom4b lookup` (cli/lookup_verb.py) against the local fake providers: what it prints
and its exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.cli import call_aiom4b
from tests.helpers.lookup_fakes import (
    ASIN,
    ISBN,
    OPENLIBRARY_SEARCH,
    FakeBookApi,
    PNG_1x1,
    closed_port,
    route_audnexus_book,
    route_openlibrary_edition,
    running_book_api,
)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBookApi]:
    """The fake providers, where `aiom4b lookup` asks them."""
    with running_book_api() as server:
        monkeypatch.setenv("AIOM4B_AUDNEXUS_URL", server.url)
        monkeypatch.setenv("AIOM4B_OPENLIBRARY_URL", server.url)
        monkeypatch.setenv("AIOM4B_COVERS_URL", server.url + "/covers")
        yield server


def lookup(data_dir: Path, *args: str, code: int = 0) -> str:
    """`aiom4b lookup ARGS`, which must exit with `code`: what it printed."""
    ran = call_aiom4b("lookup", *args, data_dir=data_dir)
    assert ran.returncode == code, ran.stderr
    return ran.stdout


def test_by_asin_prints_the_book(api: FakeBookApi, data_dir: Path):
    route_audnexus_book(api)
    out = lookup(data_dir, "--asin", ASIN.lower(), "--chapters").splitlines()
    assert out[0] == "1. The Keeper's Night: A Lamp Rock Mystery"
    assert out[1] == "   by Mira Castell, Tom Ochre · read by Ada Lyle"
    assert out[2] == "   series Lamp Rock #2 · 2021-03-09 · Harbour Audio · english"
    assert out[3] == f"   ASIN {ASIN} · ISBN {ISBN} · from audnexus"
    assert "   3 chapters (Audible's intro: 2.1 s)" in out
    assert "     0:00:20.000  Chapter 1" in out
    assert f"   cover {api.url}/covers/keeper.jpg" in out


def test_json_output_and_the_cache(api: FakeBookApi, data_dir: Path):
    route_audnexus_book(api)
    first = json.loads(lookup(data_dir, "--asin", ASIN, "--json"))
    second = json.loads(lookup(data_dir, "--asin", ASIN, "--json"))
    assert first == second
    assert api.count() == 2  # the second run was answered from the database
    assert first[0]["chapters"][2] == {"start_ms": 50000, "title": "Chapter 2"}
    assert first[0]["brand_intro_ms"] == 2100


def test_title_search_and_save_cover(api: FakeBookApi, data_dir: Path):
    api.route("/search.json", OPENLIBRARY_SEARCH)
    api.route("/covers/b/id/12345-L.jpg", body=PNG_1x1, content_type="image/png")
    out = lookup(data_dir, "--title", "Keeper", "--author", "Castell", "--save-cover")
    assert "1. The Keeper's Night" in out and "2. Keeper of Nights" in out
    saved = [line for line in out.splitlines() if "cover saved as" in line]
    assert len(saved) == 1
    assert saved[0].endswith(" (1×1 px)")
    path = Path(saved[0].split("cover saved as ", 1)[1].removesuffix(" (1×1 px)"))
    assert path.parent == data_dir / "covers" and path.read_bytes() == PNG_1x1


def test_by_isbn(api: FakeBookApi, data_dir: Path):
    route_openlibrary_edition(api)
    out = lookup(data_dir, "--isbn", "978-0-306-40615-7")
    assert out.startswith("1. The Keeper's Night: A Novel\n   by Mira Castell\n")


def test_no_match_exits_0_saying_so(api: FakeBookApi, data_dir: Path):
    assert lookup(data_dir, "--asin", "B0NOTTHERE") == "no match for ASIN B0NOTTHERE\n"
    assert json.loads(lookup(data_dir, "--asin", "B0NOTTHERE", "--json")) == []


def test_text_from_the_provider_is_shown_safe(api: FakeBookApi, data_dir: Path):
    search = {"numFound": 1, "docs": [{"title": "Evil\x1b]0;pwned\x07Title"}]}
    api.route("/search.json", search)
    out = lookup(data_dir, "--title", "Evil")
    assert "\x1b" not in out and "\x07" not in out
    assert "Evil␛]0;pwned␇Title" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--asin", "NOT-AN-ASIN"], "aiom4b: not an ASIN: 'NOT-AN-ASIN'"),
        (["--isbn", "9780306406158"], "its check digit is wrong"),
        (["--title", "   "], "aiom4b: give one of an ASIN, an ISBN or a title"),
        (["--author", "Castell"], "one of the arguments --asin --isbn --title is required"),
        (["--asin", ASIN, "--isbn", ISBN], "argument --isbn: not allowed with argument --asin"),
    ],
)
def test_bad_input_exits_2(data_dir: Path, args: list[str], said: str):
    ran = call_aiom4b("lookup", *args, data_dir=data_dir)
    assert ran.returncode == 2 and ran.stdout == ""
    assert said in ran.stderr


def test_off_the_network_exits_1_saying_so(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    port = closed_port()
    monkeypatch.setenv("AIOM4B_AUDNEXUS_URL", f"http://127.0.0.1:{port}")
    ran = call_aiom4b("lookup", "--asin", ASIN, data_dir=data_dir)
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.startswith(f"aiom4b: cannot reach 127.0.0.1:{port}: ")
    assert ran.stderr.rstrip().endswith("(off the network?)")
    assert len(ran.stderr.splitlines()) == 1


def test_save_chapters_without_the_intro(api: FakeBookApi, data_dir: Path, tmp_path: Path):
    route_audnexus_book(api)
    target = tmp_path / "chapters.json"
    args = ["--asin", ASIN, "--chapters", "--no-intro", "--save-chapters", str(target)]
    out = lookup(data_dir, *args)
    assert "   3 chapters (Audible's intro: 2.1 s, taken out)" in out
    assert "     0:00:17.900  Chapter 1" in out
    assert f"3 chapters saved as {target} (moved earlier by Audible's intro)" in out
    saved = json.loads(target.read_text(encoding="utf-8"))
    assert saved == {
        "chapters": [
            {"start_offset_ms": 0, "length_ms": 17900, "title": "Opening Credits"},
            {"start_offset_ms": 17900, "length_ms": 30000, "title": "Chapter 1"},
            {"start_offset_ms": 47900, "length_ms": 35000, "title": "Chapter 2"},
        ]
    }


def test_save_chapters_when_none_were_found_exits_1(
    api: FakeBookApi, data_dir: Path, tmp_path: Path
):
    target = tmp_path / "chapters.json"
    ran = call_aiom4b(
        "lookup", "--asin", "B0NOTTHERE", "--save-chapters", str(target), data_dir=data_dir
    )
    assert ran.returncode == 1
    assert ran.stderr == "aiom4b: no chapters to save: no book found\n"
    assert not target.exists()
