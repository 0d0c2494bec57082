"""Text from files made safe to show: control characters made visible, never live.

Tags, file names and ffmpeg's error output come from outside. Printed raw, an escape
sequence in a tag can retitle the window or clear the screen, and a newline can split a
table row. `visible` shows each such character as a printable mark instead.
"""

from __future__ import annotations

import unicodedata

# C0 controls get their Unicode "control picture" (U+2400 + code: ␛ for ESC, ␊ for LF).
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}


def _shown(ch: str) -> str:
    code = ord(ch)
    if code in _PICTURES:
        return _PICTURES[code]
    category = unicodedata.category(ch)
    if category == "Cc" or (category == "Cf" and code in _BIDI_AND_INVISIBLE):
        return f"\\u{code:04x}"
    return ch


# Format characters that reorder or hide text (bidi overrides, isolates, zero-width
# marks other than joiners): shown by their code so a name cannot disguise itself.
_BIDI_AND_INVISIBLE = frozenset(
    {0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, *range(0x2066, 0x206A)}
)


def visible(text: object) -> str:
    """`text` as a string with every control character shown as a printable mark.

    C0 controls (ESC, CR, LF, TAB, BEL, ...) and DEL become their control pictures
    (␛ ␍ ␊ ␉ ␇ ␡); C1 controls and text-reordering marks become `\\uXXXX`.
    """
    value = str(text)
    if value.isprintable():
        return value
    return "".join(_shown(ch) for ch in value)


def visible_lines(text: object) -> list[str]:
    """Multi-line text (a log, ffmpeg's stderr) as safe lines: split on newlines first,
    then each line made visible."""
    return [visible(line) for line in str(text).splitlines()]
