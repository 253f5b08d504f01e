"""What every command shares: the app, the consoles, option types, errors as one line, JSON
output, progress, the backend choice. JSON never carries an invisible character raw:

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
import sqlite3
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as _RichTable
from rich.text import Text

from dangjian.graph import DangjianError, Workspace, default_db_path
from dangjian.graph.explain import localized, message
from dangjian.graph.safe import printable

app = typer.Typer(
    name="dangjian",
    help="Community Party-building knowledge graph: load rosters, find gaps, draw networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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


class _SafeConsole(Console):
    """A Console that prints text with its control characters escaped and never as markup."""

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

DbOpt = Annotated[
    Path | None,
    typer.Option("--db", envvar="DANGJIAN_DB", help="Workspace file [default: ./dangjian.db].",
                 show_default=False),
]  # fmt: skip
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of labels and reports: zh or en.")]
BackendOpt = Annotated[str, typer.Option("--backend", help="embedded (the workspace file) or neo4j (the database, "
                                                           "pulled shard by shard).")]  # fmt: skip
UriOpt = Annotated[str | None, typer.Option("--uri", envvar="NEO4J_URI", show_default=False,
                                            help="Neo4j URI: neo4j://, neo4j+s://, bolt:// … [env NEO4J_URI]. "
                                                 "User and password: NEO4J_USERNAME, NEO4J_PASSWORD, or asked.")]
DatabaseOpt = Annotated[str, typer.Option("--database", envvar="NEO4J_DATABASE", help="Neo4j database.")]
ShardOpt = Annotated[str, typer.Option("--shard-level", help="neo4j backend: pull street or district shards.")]
ShardSizeOpt = Annotated[int, typer.Option("--shard-size", min=0, help="neo4j backend: pull areas of that level "
                                           "together up to about this many relationships (the memory it takes; "
                                           "0: one area at a time).")]  # fmt: skip

T = {
    "zh": {
        "roster": "台账", "read": "读入", "loaded": "导入", "new": "新增", "updated": "更新",
        "merged": "合并重复", "rejected": "拒绝", "total": "合计", "type": "类型", "count": "数量",
        "rejects_at": "拒绝明细（{n} 条问题）已写入：{path}", "skipped": "已跳过（不是台账）：{file} [{sheet}] {rows} 行",
        "ignored": "未识别的列（已忽略）：{file} [{sheet}]：{cols}", "nodes": "实体", "edges": "关系",
        "workspace": "工作区：{path}（模式版本 {v}，导入 {n} 次）", "written": "已写入 {n} 个模板文件到 {dir}",
        "header": "表头在第 {row} 行", "no_rejects": "没有被拒绝的行。",
    },
    "en": {
        "roster": "roster", "read": "read", "loaded": "loaded", "new": "new", "updated": "updated",
        "merged": "merged", "rejected": "rejected", "total": "total", "type": "type", "count": "count",
        "rejects_at": "rejects report ({n} problems): {path}", "skipped": "skipped (not a roster): {file} [{sheet}] {rows} rows",
        "ignored": "unrecognised columns (ignored): {file} [{sheet}]: {cols}", "nodes": "entities",
        "edges": "relations", "workspace": "workspace: {path} (schema version {v}, {n} loads)",
        "written": "wrote {n} template files to {dir}", "header": "header on row {row}",
        "no_rejects": "no rows rejected.",
    },
}  # fmt: skip


def _lang(lang: str) -> str:
    if lang not in T:
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    return lang


def _fail(exc: BaseException, lang: str = "zh") -> None:
    """One line on stderr for an error the user can fix: its text in ``lang`` (its cause, for an
    error of the system or of SQLite)."""
    err.print(f"error: {message(exc, lang)}", markup=False)


def handles_errors(fn):
    """Turn the library's errors, and the system's (disk full, no permission, a locked or damaged
    workspace), into one line on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") if kwargs.get("lang") in T else "zh"
        try:
            return fn(*args, **kwargs)
        except BrokenPipeError:
            _quiet_stdout()
            raise typer.Exit(1) from None
        except (DangjianError, OSError, sqlite3.Error) as exc:
            _fail(exc, lang)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("已中断" if lang == "zh" else "interrupted")
            raise typer.Exit(130) from None

    return wrapper


def _quiet_stdout() -> None:
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


def _emit_json(data: Any) -> None:
    """``data`` as JSON on stdout, written as it is encoded (a province's findings would otherwise be
    held twice more, as one text and its escaped copy). Findings are written as their ``to_dict()``."""
    pieces: list[str] = []
    size = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2, default=_json_default).iterencode(data):
        pieces.append(piece)
        size += len(piece)
        if size > 1 << 16:
            sys.stdout.write(_JSON_UNSAFE.sub(_escaped, "".join(pieces)))
            pieces, size = [], 0
    sys.stdout.write(_JSON_UNSAFE.sub(_escaped, "".join(pieces)) + "\n")


def _escaped(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


class _Progress:
    """A progress bar on stderr that appears only once a load has taken more than a moment."""

    def __init__(self, enabled: bool, lang: str):
        self.enabled = enabled
        self.start = time.monotonic()
        self.bar = None
        self.tasks: dict[str, Any] = {}
        self.names = {"read": "读取文件", "check": "校验", "write": "写入", "nodes": "推送节点",
                      "relationships": "推送关系", "shards": "按分片检查"} if lang == "zh" else \
            {"read": "reading", "check": "checking", "write": "writing", "nodes": "pushing nodes",
             "relationships": "pushing relationships", "shards": "checking shards"}  # fmt: skip

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



@contextlib.contextmanager
def _neo4j(uri: str | None, database: str):
    """A connection to Neo4j; the user and password from the environment, else asked for."""
    from dangjian.graph.neo4j_store import connect

    if not uri:
        raise typer.BadParameter("give the Neo4j URI or set NEO4J_URI", param_hint="--uri")
    user = os.environ.get("NEO4J_USERNAME") or os.environ.get("NEO4J_USER")
    if not user:
        user = typer.prompt("Neo4j user", default="neo4j", err=True)
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        password = typer.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    store = connect(uri, user, password, database)
    try:
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def _source(backend: str, uri: str | None, database: str):
    """None for the embedded backend, else a shard source over Neo4j."""
    if backend == "embedded":
        yield None
    elif backend == "neo4j":
        from dangjian.graph.neo4j_store import Neo4jSource

        with _neo4j(uri, database) as store:
            yield Neo4jSource(store)
    else:
        raise typer.BadParameter("use embedded or neo4j", param_hint="--backend")


def _graph_for(backend: str, uri: str | None, database: str, db: Path | None, *, entity: str | None = None,
               area: str | None = None, as_of: str | None = None):  # fmt: skip
    """(the graph a command reads, the id its target resolves to or None): the workspace's whole
    graph (the command resolves the target in it), or from Neo4j the shard that describes ``entity``
    (its community) or holds ``area``."""
    with _source(backend, uri, database) as source:
        if source is None:
            return _graph(db), None
        from dangjian.queries.sharded import pull_area, pull_entity

        return pull_entity(source, entity, as_of) if entity is not None else pull_area(source, area)


def _graph(db: Path | None):
    from dangjian.graph import to_networkx

    with Workspace.open(db or default_db_path()) as ws:
        return to_networkx(ws)


SEV_LABEL = {"zh": {"high": "高", "medium": "中", "low": "低"}, "en": {"high": "high", "medium": "medium", "low": "low"}}
FINDING_COLUMNS = ["severity", "rule", "title", "entity", "entity_type", "name", "area_path", "facts", "action", "cite"]


DATE_RANGE = ("1900-01-01", "2100-12-31")  # the dates the rules' arithmetic (terms, months) can handle


def _date(value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return date.today().isoformat()
    try:
        iso = date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-11-22", param_hint="--as-of") from None
    if not DATE_RANGE[0] <= iso <= DATE_RANGE[1]:
        lo, hi = DATE_RANGE
        raise localized(DangjianError(f"--as-of {iso} 超出可用范围：日期应在 {lo} 至 {hi} 之间"),
                        f"--as-of {iso} 超出可用范围：日期应在 {lo} 至 {hi} 之间",
                        f"--as-of {iso} is out of range: use a date from {lo} to {hi}")  # fmt: skip
    return iso



AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Evaluate on this date (YYYY-MM-DD) [default: today].")]

