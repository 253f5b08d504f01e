"""Tables written as one Excel workbook (openpyxl), a sheet per table: the header row bold and
frozen, an autofilter over it, columns as wide as their text (a Chinese character counts two), and
every text cell stored as text: a cell that starts like a formula (``=``, ``+``, ``-``, ``@``) is
marked as quoted text, so Excel, WPS and LibreOffice show it and never run it. The file is written
whole or not at all.

>>> import pathlib, tempfile
>>> from openpyxl import load_workbook
>>> from dangjian.report.tables import Table
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
>>> write_xlsx(p, [Table("问题清单", ["对象", "数量"], [["=1+2", 3]])])
>>> ws = load_workbook(p)["问题清单"]
>>> ws["A2"].value, ws["A2"].data_type, ws["B2"].value, ws.freeze_panes, ws.auto_filter.ref
('=1+2', 's', 3, 'A2', 'A1:B2')
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dangjian.graph.fileio import atomic_write
from dangjian.graph.safe import FORMULA_START, printable
from dangjian.report.tables import Table

__all__ = ["write_xlsx", "text_width"]

_MAX_WIDTH = 60  # a column of long texts (facts, actions) wraps instead


def text_width(text: str) -> int:
    """How many narrow characters wide ``text`` shows: East Asian wide and full-width characters
    count two.

    >>> text_width("祥云社区"), text_width("M0062")
    (8, 5)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def write_xlsx(path: str | os.PathLike, tables: Sequence[Table]) -> None:
    """Write ``tables`` to ``path`` as one workbook, a sheet each, in their order."""
    from openpyxl import Workbook

    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        _sheet(wb, table, _sheet_title(table.title, used))
    atomic_write(Path(path), lambda tmp: wb.save(tmp))


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel takes: at most 31 characters, none of ``[]:*?/\\``, each once."""
    clean = "".join(c for c in printable(title, newlines=False) if c not in "[]:*?/\\")[:31] or "Sheet"
    name, k = clean, 2
    while name in used:
        name = f"{clean[:28]}({k})"
        k += 1
    used.add(name)
    return name


def _put(ws, row: int, col: int, value: Any, bold: bool = False) -> int:
    """Set one cell (text stays text, never a formula); its width in narrow characters."""
    from openpyxl.styles import Alignment, Font

    cell = ws.cell(row=row, column=col)
    if value is None:
        return 0
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)):
        cell.value = value
        return len(f"{value:g}" if isinstance(value, float) else str(value))
    text = printable(str(value))
    cell.value = text
    cell.data_type = "s"  # text, whatever it starts with
    if text.lstrip(" \u3000").startswith(FORMULA_START):
        cell.quotePrefix = True  # shown as typed text in Excel; editing it never makes a formula
    if bold:
        cell.font = Font(bold=True)
    if "\n" in text or text_width(text) > _MAX_WIDTH:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return max(text_width(line) for line in text.split("\n"))


def _sheet(wb, table: Table, title: str) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    widths = [_put(ws, 1, c, h, bold=True) for c, h in enumerate(table.headers, start=1)]
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row, start=1):
            w = _put(ws, r, c, value)
            if c <= len(widths):
                widths[c - 1] = max(widths[c - 1], w)
            else:
                widths.append(w)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(w, 4) + 2, _MAX_WIDTH + 2)
    ws.freeze_panes = "A2"
    if table.headers:
        last = get_column_letter(max(len(table.headers), 1))
        ws.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 1)}"
