"""Text that is safe where it goes: cells bound for a spreadsheet never start a live formula
(OWASP's CSV-injection rule), text printed to a terminal never carries a control character, and
text read from a roster loses the invisible characters that could hide or reorder what it says.

>>> spreadsheet_cell("=1+2")
"'=1+2"
>>> spreadsheet_cell("-3"), spreadsheet_cell("张华")
("'-3", '张华')
>>> printable("a\\x1b[31mb\\u202ec")
'a\\\\x1b[31mb\\\\u202ec'
>>> strip_invisible("张\\u200b华\\u202e")
'张华'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["spreadsheet_cell", "spreadsheet_row", "printable", "strip_invisible", "has_invisible",
           "FORMULA_START"]  # fmt: skip

# A cell whose text starts with one of these is a formula (or a DDE call) to Excel, LibreOffice
# and Google Sheets; tab and carriage return are on OWASP's list too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")

# C0 and C1 control characters (but tab, newline and carriage return, which are whitespace), bidi
# embeddings, overrides and isolates, zero-width characters, the BOM, soft hyphen, line and
# paragraph separators: nothing a roster means, and each can hide or reorder what a reader sees.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# What must not reach a terminal: every control character, newlines included only where the
# caller says so, and the invisible ones above.
_UNPRINTABLE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell: text that a spreadsheet would run as a formula gets a
    leading ``'`` (shown as text, the formula never runs); numbers and other text are unchanged."""
    if isinstance(value, str) and value and value.lstrip(" \u3000").startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_row(values: list[Any]) -> list[Any]:
    """:func:`spreadsheet_cell` of each value."""
    return [spreadsheet_cell(v) for v in values]


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a control, bidi or zero-width character (tab and newlines aside)."""
    return _INVISIBLE.search(text) is not None


def strip_invisible(text: str) -> str:
    """``text`` without control, bidi and zero-width characters (tab and newlines are kept: they
    are whitespace, which the loader collapses)."""
    return _INVISIBLE.sub("", text)


def printable(text: Any, newlines: bool = True) -> str:
    """``text`` for a terminal: each control, bidi or zero-width character shown as its escape
    (``\\x1b``, ``\\u202e``), so that nothing printed can move the cursor, recolour the screen,
    set the window title or reorder a line. Newlines stay when ``newlines``."""
    text = str(text)
    pattern = _UNPRINTABLE if newlines else _UNPRINTABLE_NL
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


_UNPRINTABLE_NL = re.compile(_UNPRINTABLE.pattern[:-1] + "\n]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
