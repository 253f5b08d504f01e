"""Reading roster files into sheets of raw cells: CSV (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK,
detected) and spreadsheets (XLSX, XLSM, XLS, ODS through python-calamine).

A file that cannot be read at all raises :class:`~dangjian.graph.errors.InputError` with a one-line
message naming the file.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
>>> _ = p.write_bytes("姓名,性别\\n张华,男\\n".encode("gb18030"))
>>> [s.encoding for s in read_file(p)], read_file(p)[0].rows[1]
(['gb18030'], ['张华', '男'])
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dangjian.graph.errors import InputError

__all__ = ["Sheet", "read_file", "find_files", "CSV_EXTS", "BOOK_EXTS", "decode_text"]

CSV_EXTS = frozenset({".csv", ".tsv", ".txt"})
BOOK_EXTS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


@dataclass
class Sheet:
    """The raw cells of one CSV file or one worksheet. ``rows[i]`` is spreadsheet row ``i + 1``."""

    file: str
    name: str
    rows: list[list[Any]]
    encoding: str | None = None


def find_files(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The roster files named by ``paths``: files as given, folders searched recursively for
    CSV and spreadsheet files (hidden files and Excel lock files ``~$…`` skipped)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in CSV_EXTS | BOOK_EXTS
                and not f.name.startswith((".", "~$"))
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
            if not found:
                raise InputError(f"{p}: the folder holds no CSV or Excel files")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return out


def read_file(path: str | os.PathLike) -> list[Sheet]:
    """Every sheet of a roster file, as raw cells."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(f"{p}: the file is empty")
    ext = p.suffix.lower()
    if ext in BOOK_EXTS or data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_book(p, data)
    if ext not in CSV_EXTS:
        raise InputError(f"{p}: not a roster file (expected .csv, .xlsx, .xls or .ods)")
    text, encoding = decode_text(data, str(p))
    return [Sheet(str(p), p.stem, _parse_csv(text), encoding)]


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset
    of GBK and GB2312), else whatever charset-normalizer finds. Binary data is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8", where), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", where), "utf-16"
    sample = data[:65536]
    if sample.count(b"\x00") > max(2, len(sample) // 100):
        raise InputError(f"{where}: a binary file, not a CSV roster")
    data = data.replace(b"\x00", b"")  # a stray NUL from a broken export is not data
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{where}: cannot tell the text encoding (not UTF-8 or GB18030)")
    return str(best), best.encoding


def _decode(data: bytes, enc: str, where: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not valid {enc} text at byte {exc.start}") from None


def _parse_csv(text: str) -> list[list[Any]]:
    sample = text[:16384]
    try:  # only the delimiter is sniffed: a guessed quote character splits rows at quoted newlines
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}") from None


def _read_book(p: Path, data: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(str(p), name, [list(r) for r in _trim(rows)]))
    except Exception as exc:  # calamine raises its own error types for broken files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{p}: not a readable spreadsheet ({first})") from None
    return sheets


def _trim(rows: list[list[Any]]) -> Iterator[list[Any]]:
    """Rows with trailing empty cells dropped (a formatted but empty column is not data)."""
    for row in rows:
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        yield row[:end]
