"""`aiom4b lookup`: find a book's metadata by ASIN (Audnexus), ISBN or title and author
(Open Library), and print what was found.

Exit codes: 0 with the matches, or with "no match ..." when nothing was found (a search
that finds nothing has still been answered); 2 for a malformed query; 1 when a provider
cannot be reached or answers with something unusable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aiom4b_tui.cli.args import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError
from aiom4b_tui.cli.json_output import print_json
from aiom4b_tui.cli.verb_context import open_context
from aiom4b_tui.engine.plan.cover import image_size
from aiom4b_tui.lookup.audnexus import audio_end_ms, chapter_file_json, chapters_for_audio
from aiom4b_tui.lookup.providers import BookMatch, MetadataLookupError
from aiom4b_tui.lookup.service import BadLookupQuery, LookupQuery, covers_dir, open_book_lookup
from aiom4b_tui.safe_text import visible
from aiom4b_tui.store.answer_cache import DatabaseAnswerCache

DESCRIPTION_CHARS = 200


def cmd_lookup(args: argparse.Namespace) -> int:
    """Look the book up and print the matches."""
    try:
        query = LookupQuery.of(asin=args.asin, isbn=args.isbn, title=args.title, author=args.author)
    except BadLookupQuery as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    covers: dict[int, str] = {}
    with open_context(args) as ctx, open_book_lookup(DatabaseAnswerCache(ctx.db)) as lookup:
        try:
            matches = lookup.find(query)
            if args.save_cover:
                for n, match in enumerate(matches):
                    path = lookup.download_cover(match, covers_dir(ctx.settings.data_dir))
                    if path is not None:
                        covers[n] = str(path)
        except MetadataLookupError as exc:
            raise CliError(str(exc), EXIT_FAILURE) from exc
    saved = save_chapters(matches, args.save_chapters, has_intro=not args.no_intro)
    if args.json:
        print_json([m.to_dict() | ({"cover_file": covers.get(n)}) for n, m in enumerate(matches)])
        if saved:
            print(saved, file=sys.stderr)
        return EXIT_OK
    if not matches:
        print(f"no match for {visible(query.describe())}")
        return EXIT_OK
    for n, match in enumerate(matches, 1):
        if n > 1:
            print()
        lines = match_lines(
            n, match, cover_file=covers.get(n - 1), chapters=args.chapters, intro=not args.no_intro
        )
        for line in lines:
            print(line)
    if saved:
        print(f"\n{saved}")
    return EXIT_OK


def save_chapters(matches: list[BookMatch], path: Path | None, *, has_intro: bool) -> str | None:
    """Write the first match's chapters to `path` as a chapter file (for `--chapters`);
    returns what to say about it. CliError when no match has chapters."""
    if path is None:
        return None
    match = next((m for m in matches if m.chapters), None)
    if match is None:
        why = "the book found has none" if matches else "no book found"
        raise CliError(f"no chapters to save: {why}", EXIT_FAILURE)
    chapters = chapters_for_audio(match, has_intro=has_intro) or []
    try:
        path.write_text(
            chapter_file_json(chapters, audio_end_ms(match, has_intro)), encoding="utf-8"
        )
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}", EXIT_FAILURE) from exc
    placed = "Audible's intro kept" if has_intro else "moved earlier by Audible's intro"
    return visible(f"{len(chapters)} chapters saved as {path} ({placed})")


def match_lines(
    number: int,
    match: BookMatch,
    *,
    cover_file: str | None = None,
    chapters: bool = False,
    intro: bool = True,
) -> list[str]:
    """A match as lines of text, every value from the provider made safe to show."""
    title = match.title + (f": {match.subtitle}" if match.subtitle else "")
    lines = [f"{number}. {title}"]
    people = []
    if match.authors:
        people.append("by " + ", ".join(match.authors))
    if match.narrators:
        people.append("read by " + ", ".join(match.narrators))
    series = f"series {match.series}" + (f" #{match.series_part}" if match.series_part else "")
    facts = [series if match.series else None, match.year, match.publisher, match.language]
    ids = [
        f"ASIN {match.asin}" if match.asin else None,
        f"ISBN {match.isbn}" if match.isbn else None,
    ]
    for parts in (people, facts, [*ids, f"from {match.provider}"]):
        shown = [p for p in parts if p]
        if shown:
            lines.append("   " + " · ".join(shown))
    if match.genres:
        lines.append("   genres " + ", ".join(match.genres))
    if match.description:
        lines.append("   " + _shortened(match.description.splitlines()[0]))
    lines += _chapter_lines(match, chapters, intro)
    if match.cover_url:
        lines.append(f"   cover {match.cover_url}")
    if cover_file:
        lines.append(f"   cover saved as {cover_file} ({_pixels(cover_file)})")
    return [visible(line) for line in lines]


def _chapter_lines(match: BookMatch, listed: bool, has_intro: bool) -> list[str]:
    placed = chapters_for_audio(match, has_intro=has_intro)
    if not placed:
        return []
    intro = ""
    if match.brand_intro_ms:
        taken = "" if has_intro else ", taken out"
        intro = f" (Audible's intro: {match.brand_intro_ms / 1000:.1f} s{taken})"
    lines = [f"   {len(placed)} chapters{intro}"]
    if listed:
        lines += [f"     {_clock(start)}  {title}" for start, title in placed]
    return lines


def _pixels(path: str) -> str:
    try:
        with open(path, "rb") as image:
            size = image_size(image.read(1 << 20))
    except OSError:
        size = None
    return f"{size[0]}×{size[1]} px" if size else "? px"


def _clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _shortened(text: str) -> str:
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"
