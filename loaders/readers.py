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
import itertools
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dangjian.graph.errors import InputError
from dangjian.graph.safe import strip_invisible

__all__ = ["Sheet", "read_file", "find_files", "CSV_EXTS", "BOOK_EXTS", "decode_lines"]

CSV_EXTS = frozenset({".csv", ".tsv", ".txt"})
BOOK_EXTS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})


@dataclass
class Sheet:
    """The raw cells of one CSV file or one worksheet.

    ``rows[i]`` is spreadsheet row ``i + 1``; for a CSV file ``lines[i]`` gives the first and last
    physical line of row ``i`` (a quoted cell may hold line breaks). ``bad[i]`` names a problem
    that makes row ``i`` unreadable as it stands (a line that is not valid text, a quote that
    never closes): the loader rejects that row with it. ``notes`` are what the reader did to the
    sheet that the user should know (merged cells filled down); ``hidden`` marks a hidden sheet.
    """

    file: str
    name: str
    rows: list[list[Any]]
    encoding: str | None = None
    lines: list[tuple[int, int]] | None = None
    bad: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    hidden: bool = False
    kind: str = "book"  # csv or book: a CSV row longer than its header is shifted, not annotated

    def line_of(self, i: int) -> int:
        """The physical line (CSV) or spreadsheet row where row ``i`` starts."""
        return self.lines[i][0] if self.lines is not None else i + 1


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
                raise InputError("read.empty_folder", path=p)
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise InputError("error.no_such_path", path=p)
    return out


def read_file(path: str | os.PathLike) -> list[Sheet]:
    """Every sheet of a roster file, as raw cells."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError("read.cannot_read", path=p, detail=exc.strerror or exc) from None
    if not data.strip():
        raise InputError("read.empty_file", path=p)
    ext = p.suffix.lower()
    if ext in BOOK_EXTS or data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_book(p, data)
    if ext not in CSV_EXTS:
        raise InputError("read.not_roster", path=p)
    text, encoding, bad_lines = decode_lines(data, str(p))
    rows, lines, bad = _parse_csv(text, str(p))
    for i, (first, last) in enumerate(lines):
        hit = next((n for n in range(first, last + 1) if n in bad_lines), None)
        if hit is not None:
            bad[i] = ("bad_encoding_line", {"line": hit, "encoding": encoding})
    return [Sheet(str(p), p.stem, rows, encoding, lines, bad, kind="csv")]


# Characters of the words rosters are made of, in both scripts: what tells a right decoding from
# mojibake when bytes decode validly in more than one encoding (Big5 bytes are valid GB18030).
_ROSTER_CHARS = frozenset(
    "党员组织支部总委工作社区街道村居民单位名称姓性别男女出生日期年月学历入类正式预备情况在职离退休流动失联"
    "所属上级编号码身份证电话手机地址备注说明区县市省镇乡网格小区楼栋协议共建活动任书记第一领导联系人数面积经费"
    "黨員組織總職區鄉鎮網樓棟協議動聯繫單稱號碼證電話備註說明離歷級屬會處設報導"
)


def decode_lines(data: bytes, where: str) -> tuple[str, str, set[int]]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 (a superset of
    GBK and GB2312) or Big5, whichever reads as a roster, else what charset-normalizer finds.
    Returns the text, the encoding and the physical lines (1-based) that are not valid text in
    it: a UTF-8 file with a few broken lines is UTF-8 with those lines named, not another
    encoding. Binary data is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        text, bad = _decode_by_line(data[3:], "utf-8")
        return text, "utf-8-sig", bad
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", set()
        except UnicodeDecodeError as exc:
            raise InputError("read.bad_utf16", path=where, at=exc.start) from None
    sample = data[:65536]
    if sample.count(b"\x00") > max(2, len(sample) // 100):
        raise InputError("read.binary", path=where)
    data = data.replace(b"\x00", b"")  # a stray NUL from a broken export is not data
    try:
        return data.decode("utf-8"), "utf-8", set()
    except UnicodeDecodeError:
        pass
    wide = [ln for ln in data.split(b"\n") if not ln.isascii()]
    valid = sum(map(_valid_utf8, wide))  # GB18030 or Big5 text is almost never valid UTF-8
    if valid > len(wide) - valid:  # mostly UTF-8: a few broken lines, each named
        text, bad = _decode_by_line(data, "utf-8")
        return text, "utf-8", bad
    best: tuple[int, int, str, str] | None = None
    for rank, enc in enumerate(("gb18030", "big5")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = sum(c in _ROSTER_CHARS for c in text[:20000])
        if best is None or score > best[0]:
            best = (score, -rank, text, enc)
    if best is not None:
        return best[2], best[3], set()
    if valid:  # no other encoding reads it either: UTF-8 with its broken lines named
        text, bad = _decode_by_line(data, "utf-8")
        return text, "utf-8", bad
    from charset_normalizer import from_bytes

    found = from_bytes(data).best()
    if found is None:
        raise InputError("read.unknown_encoding", path=where)
    return str(found), found.encoding, set()


def _valid_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_by_line(data: bytes, enc: str) -> tuple[str, set[int]]:
    """Decode line by line; lines that are not valid ``enc`` get replacement characters and
    their numbers (1-based, as the CSV reader counts: ``\\r\\n``, ``\\n`` and ``\\r`` end a line)."""
    try:
        return data.decode(enc), set()
    except UnicodeDecodeError:
        pass
    parts, bad = [], set()
    line = 1
    for chunk in _LINE_END_BYTES.split(data):
        if chunk in (b"\r\n", b"\n", b"\r"):
            line += 1
            parts.append(chunk.decode("ascii"))
            continue
        try:
            parts.append(chunk.decode(enc))
        except UnicodeDecodeError:
            parts.append(chunk.decode(enc, errors="replace"))
            bad.add(line)
    return "".join(parts), bad


_LINE_END_BYTES = re.compile(rb"(\r\n|\n|\r)")
_LINE_END = re.compile(r"\r\n|\n|\r")


def _delimiter(sample: str) -> str:
    """The delimiter of a roster: the one that splits some early line (the header) into the most
    cells. A header has more columns than any title or note row; a sniffer looking for consistent
    rows is misled by title rows, notes and short files. Ties go to comma, then tab."""
    lines = [ln for ln in _LINE_END.split(sample)[:30] if ln.strip()]
    best = max(",\t;|", key=lambda d: max((ln.count(d) for ln in lines), default=0))
    return best if any(best in ln for ln in lines) else ","


def _parse_csv(text: str, where: str = "") -> tuple[list[list[Any]], list[tuple[int, int]], dict]:
    """The rows of a CSV text, each with the physical lines it spans, and the rows that cannot be
    trusted. A quoted cell may hold line breaks; but a quote that opens and never closes swallows
    the lines after it into one cell. Such a record is told by its continuation lines: each of them
    has as many cells as a whole row of the file. Then the line with the stray quote is a bad row
    (``unbalanced_quote``) and the lines it swallowed are read again as the rows they are; a quoted
    cell with a line break in a record of the file's width is a cell that holds a line break. A
    quote still open at the end of the file is ``unbalanced_quote`` too."""
    delimiter = _delimiter(text[:16384])
    physical = _LINE_END.split(text)
    if physical and physical[-1] == "":
        physical.pop()
    width = _row_width(physical, delimiter)
    rows: list[list[Any]] = []
    spans: list[tuple[int, int]] = []
    bad: dict[int, tuple[str, dict[str, Any]]] = {}
    start = 0
    while start < len(physical):
        reader = csv.reader((ln + "\n" for ln in itertools.islice(physical, start, None)), delimiter=delimiter)
        done = 0
        restart = None
        try:
            for rec in reader:
                first, done = start + done, reader.line_num
                last = start + done - 1
                if last > first and width >= 3 and any(
                    _naive_width(physical[k], delimiter) >= width for k in range(first + 1, last + 1)
                ) and (len(rec) != width or _open_at_end(physical, (first + 1, last + 1), delimiter)):
                    bad[len(rows)] = ("unbalanced_quote", {"line": first + 1})
                    rows.append(physical[first].split(delimiter))
                    spans.append((first + 1, first + 1))
                    restart = first + 1
                    break
                rows.append(rec)
                spans.append((first + 1, last + 1))
        except csv.Error as exc:
            raise InputError("read.bad_csv", path=where, detail=exc) from None
        if restart is None:
            break
        start = restart
    if rows and _open_at_end(physical, spans[-1], delimiter):
        bad[len(rows) - 1] = ("unbalanced_quote", {"line": spans[-1][0]})
    return rows, spans, bad


def _open_at_end(physical: list[str], span: tuple[int, int], delimiter: str) -> bool:
    """Whether the last record ends inside a quoted cell (the file ended before its quote closed)."""
    try:
        for _ in csv.reader((ln + "\n" for ln in physical[span[0] - 1 : span[1]]), delimiter=delimiter,
                            strict=True):  # fmt: skip
            pass
    except csv.Error:
        return True
    return False


def _naive_width(line: str, delimiter: str) -> int:
    return line.count(delimiter) + 1 if line.strip() else 0


def _row_width(physical: list[str], delimiter: str) -> int:
    """How many cells a whole row of the file has: the commonest count of delimiter-separated
    cells over its lines, quotes ignored (the header and most rows agree)."""
    counts = Counter(_naive_width(ln, delimiter) for ln in physical[:2000] if ln.strip())
    if not counts:
        return 0
    top = max(counts.values())
    return max(w for w, n in counts.items() if n == top)


def _read_book(p: Path, data: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        hidden = {m.name for m in book.sheets_metadata if str(m.visible).rsplit(".", 1)[-1].lower() != "visible"}
        sheets = []
        for name in book.sheet_names:
            sh = book.get_sheet_by_name(name)
            rows = [list(r) for r in _trim(sh.to_python(skip_empty_area=False))]
            notes = _fill_merged_down(rows, _merges(sh))
            shown = strip_invisible(name)  # a sheet name is stored as each row's source: no hidden characters
            if shown != name:
                notes.append(("invisible_chars", {"column": "工作表名"}))
            sheets.append(Sheet(str(p), shown or "?", rows, notes=notes, hidden=name in hidden))
    except Exception as exc:  # calamine raises its own error types for broken files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError("read.bad_workbook", path=p, detail=first) from None
    return sheets


def _merges(sheet) -> list[tuple[int, int, int, int]]:
    """(first row, first column, last row, last column), 0-based, of each merged range."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 - formats without merge information (csv-like xls, ods)
        return []
    return [(a[0], a[1], b[0], b[1]) for a, b in ranges]


def _fill_merged_down(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> list:
    """Fill each vertical merge of one column down its rows (a 所在党组织 merged over the members
    of one branch); a merge across columns (a title) stays as it is. Returns notes."""
    notes = []
    for r0, c0, r1, c1 in merges:
        if c0 != c1 or r1 <= r0 or r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else None
        if value is None or value == "":
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c0:
                row.extend([None] * (c0 + 1 - len(row)))
            if row[c0] is None or row[c0] == "":
                row[c0] = value
        notes.append(("merged_filled", {"column": _column_letter(c0), "first": r0 + 1, "last": r1 + 1}))
    return notes


def _column_letter(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _trim(rows: list[list[Any]]) -> Iterator[list[Any]]:
    """Rows with trailing empty cells dropped (a formatted but empty column is not data)."""
    for row in rows:
        end = len(row)
        while end and (row[end - 1] is None or row[end - 1] == ""):
            end -= 1
        yield row[:end]
