"""What the CLI prints: consoles and tables that show every control, bidi and zero-width character
as its escape, JSON written as it is encoded, progress bars on stderr. JSON never carries an
invisible character raw:

>>> print(_json_text({"名称": "祥云\u200b社区"}))
{
  "名称": "祥云\\u200b社区"
}
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.console import Console
from rich.table import Table as _RichTable
from rich.text import Text

from dangjian.graph.safe import printable
from dangjian.wording import t, texts

__all__ = ["Table", "SafeTable", "out", "err", "emit_json", "Progress", "quiet_stdout"]


# -- output: everything the CLI prints goes through _SafeConsole.print, which shows every control,
# bidi and zero-width character as its escape (dangjian.graph.safe.printable), and tables are
# SafeTables, whose cells are sanitised the same way (and never read as rich markup).
def _safe_text(value: Any) -> Any:
    return Text(printable(value)) if isinstance(value, str) else value


class SafeTable(_RichTable):
    """A rich Table whose title, headers, footers and cells are printable text (never markup)."""

    def __init__(self, *headers: Any, **kwargs: Any) -> None:
        for key in ("title", "caption"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = _safe_text(kwargs[key])
        super().__init__(*(_safe_text(h) for h in headers), **kwargs)

    def add_column(self, header: Any = "", footer: Any = "", **kwargs: Any) -> None:
        super().add_column(_safe_text(header), _safe_text(footer), **kwargs)

    def add_row(self, *cells: Any, **kwargs: Any) -> None:
        super().add_row(*(_safe_text(c) for c in cells), **kwargs)


Table = SafeTable  # every table the commands draw


def print_table(table: Any, limit: int = 0) -> None:
    """A table to hand up (:class:`~dangjian.report.tables.Table`: title, headers, rows) drawn for
    people, its first ``limit`` rows (0: all) and a line that counts the others; nothing when empty."""
    if not table.rows:
        return
    drawn = SafeTable(title=table.title, title_justify="left")
    for h in table.headers:
        drawn.add_column(h, overflow="fold")
    shown = table.rows[:limit] if limit > 0 else table.rows
    for row in shown:
        drawn.add_row(*("" if v is None else str(v) for v in row))
    out.print(drawn)
    if len(shown) < len(table.rows):
        out.print(t("changes.more", n=len(table.rows) - len(shown)), markup=False)


class _SafeConsole(Console):
    """A Console that prints text with its control characters escaped and never as markup. Its width
    is read when it prints (``COLUMNS``, else the terminal's), not frozen when the module is imported:
    rich keeps the ``COLUMNS`` of that moment, which a library caller or a test runner may set later."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if kwargs.get("width") is None:
            self._width = None

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: A003 - rich's name
        kwargs["markup"] = False
        kwargs.setdefault("emoji", False)
        super().print(*(_sanitized(obj) for obj in objects), **kwargs)


def _sanitized(obj: Any) -> Any:
    """``obj`` with its text printable: a string, a Text, or a rich Table not made as a SafeTable
    (its title, headers, footers and cells sanitised in place)."""
    if isinstance(obj, str):
        return printable(obj)
    if isinstance(obj, Text):
        return Text(printable(obj.plain), style=obj.style) if printable(obj.plain) != obj.plain else obj
    if isinstance(obj, _RichTable) and not isinstance(obj, SafeTable):
        for key in ("title", "caption"):
            setattr(obj, key, _safe_text(getattr(obj, key)))
        for col in obj.columns:
            col.header, col.footer = _safe_text(col.header), _safe_text(col.footer)
            cells = getattr(col, "_cells", None)
            if isinstance(cells, list):
                cells[:] = [_sanitized(c) if isinstance(c, Text) else _safe_text(c) for c in cells]
    return obj


out = _SafeConsole(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = _SafeConsole(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

# What json.dumps leaves as it is and a terminal would act on: DEL, C1 controls, bidi, zero-width
# (C0 controls json escapes itself). They can occur only inside strings, so escaping them as
# \uXXXX keeps the JSON valid and equal.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                          "\u2066-\u206f\ufeff\ufff9-\ufffb]")  # fmt: skip


def quiet_stdout() -> None:
    """After a broken pipe (``dangjian gaps | head``): nothing more to write there."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@functools.cache
def _records() -> tuple[type, ...]:
    """The types JSON writes as their ``to_dict()`` (imported on first use: the queries load with
    the command that needs them)."""
    from dangjian.queries.findings import Finding

    return (Finding,)


def _json_default(o: Any) -> Any:
    """A finding as its ``to_dict()``, one at a time as the encoder reaches it (a province has
    hundreds of thousands: no second copy of them all as dicts)."""
    if isinstance(o, _records()):
        return o.to_dict()
    raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")


def _json_text(data: Any) -> str:
    return _JSON_UNSAFE.sub(_escaped, json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def emit_json(data: Any) -> None:
    """``data`` as JSON on stdout (as ``json.dumps(data, ensure_ascii=False, indent=2)`` writes it,
    byte for byte), written as it is encoded: a long list (a province's findings) item by item, so
    that it is never held twice more, as one text and its escaped copy. Encoded by orjson, the
    standard library for what orjson refuses (integers beyond 64 bits)."""
    write = sys.stdout.write
    pieces: list[str] = []
    size = 0
    for piece in _pieces(data, 0):
        pieces.append(piece)
        size += len(piece)
        if size > 1 << 16:
            write(_JSON_UNSAFE.sub(_escaped, "".join(pieces)))
            pieces, size = [], 0
    write(_JSON_UNSAFE.sub(_escaped, "".join(pieces)) + "\n")


_LONG = 256  # a list longer than this is written item by item


def _pieces(data: Any, depth: int) -> Iterator[str]:
    """The JSON text of ``data`` at nesting ``depth``, in pieces."""
    if isinstance(data, dict) and any(isinstance(v, list) and len(v) > _LONG for v in data.values()) \
            and all(isinstance(k, str) for k in data):  # fmt: skip
        inner = "\n" + "  " * (depth + 1)
        yield "{"
        for i, (k, v) in enumerate(data.items()):
            yield ("," if i else "") + inner + _encoded(k, 0) + ": "
            yield from _pieces(v, depth + 1)
        yield "\n" + "  " * depth + "}"
    elif isinstance(data, list) and len(data) > _LONG:
        inner = "\n" + "  " * (depth + 1)
        yield "["
        for i, item in enumerate(data):
            yield ("," if i else "") + inner + _encoded(item, depth + 1)
        yield "\n" + "  " * depth + "]"
    else:
        yield _encoded(data, depth)


def _encoded(value: Any, depth: int) -> str:
    try:
        text = orjson.dumps(value, default=_json_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # beyond orjson (an integer of more than 64 bits): the standard library's
        text = json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def _escaped(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


class Progress:
    """A progress bar on stderr that appears only once a command has taken more than a moment; each
    stage is named by the catalogue's ``progress`` section."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.start = time.monotonic()
        self.bar = None
        self.tasks: dict[str, Any] = {}
        self.names = texts("progress")

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < 0.5:
                return
            from rich.progress import Progress

            self.bar = Progress(console=err, transient=True)
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(self.names.get(stage, stage), total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def check_output(fmt: str, output: Path | None, allowed: tuple[str, ...], example: str) -> None:
    """``-o`` goes with the formats that write a file; xlsx needs it (a workbook is no text for a
    terminal)."""
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter(t("cli.needs_output", fmt=fmt, example=example), param_hint="--format")
    if output is not None and fmt not in allowed:
        raise typer.BadParameter(t("cli.use_one_of", choices=", ".join(allowed)), param_hint="--format")
    if output is not None and output.is_dir():
        raise typer.BadParameter(t("view.is_folder", path=output, example=example), param_hint="-o")


def write_workbook(run: Any, output: Path, tables: list) -> None:
    """Write ``tables`` (:class:`~dangjian.report.tables.Table`) to the workbook ``output`` and say so
    (``--json``: its path, size and sheets)."""
    from dangjian.report.xlsx import write_xlsx

    write_xlsx(output, tables)
    names = [tb.title for tb in tables]
    run.output({"path": str(output), "bytes": output.stat().st_size, "sheets": names},
               lambda: out.print(t("cli.file_written", path=output, what=t("cli.sheets", names="、".join(names))),
                                 markup=False))  # fmt: skip
