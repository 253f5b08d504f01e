"""The ``dangjian`` command: a thin face over the library. Each command calls one library function
and only turns its errors into one-line messages with a non-zero exit."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as _RichTable
from rich.text import Text

from dangjian.graph import DangjianError, Workspace, default_db_path, model
from dangjian.graph.explain import localized, message
from dangjian.graph.safe import printable, spreadsheet_cell

__all__ = ["app", "main"]

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


Table = SafeTable  # every table of this module, _print_load's included


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


def _json_text(data: Any) -> str:
    return _JSON_UNSAFE.sub(_escaped, json.dumps(data, ensure_ascii=False, indent=2))


def _emit_json(data: Any) -> None:
    """``data`` as JSON on stdout, written as it is encoded (a province's findings would otherwise be
    held twice more, as one text and its escaped copy)."""
    pieces: list[str] = []
    size = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data):
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


@app.command()
@handles_errors
def template(
    directory: Annotated[Path, typer.Argument(help="Folder to write the empty rosters into.")],
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Write empty rosters (one CSV each and one workbook with drop-down lists)."""
    from dangjian.loaders.template import write_templates

    lang = _lang(lang)
    written = write_templates(directory, lang=lang)
    if as_json:
        _emit_json({"files": [str(p) for p in written]})
        return
    out.print(T[lang]["written"].format(n=len(written), dir=directory), markup=False)
    for p in written:
        out.print(f"  {p}", markup=False)


@app.command()
@handles_errors
def load(
    paths: Annotated[list[Path], typer.Argument(help="Roster files or folders (CSV, XLSX).")],
    db: DbOpt = None,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Where to write the rejects report [default: beside the workspace]."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 3 when any row is rejected.")] = False,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Load rosters into the workspace: every row is loaded, merged or reported as a reject."""
    from dangjian.loaders.load import load_paths

    _run_load(lambda ws, **kw: load_paths(ws, paths, strict=strict, **kw), db, rejects, strict, lang, as_json)


@app.command("load-divisions")
@handles_errors
def load_divisions_cmd(
    region: Annotated[str, typer.Option("--region", help="Division code prefix: 53 (a province), 5307 (a city), "
                                                         "530702 (a district), 530702003 (a street).",
                                        show_default=False)],
    src: Annotated[Path | None, typer.Option("--from", help="Folder of the division tables (provinces.csv … "
                                                            "villages.csv) [default: the extract shipped: 5307, 430111].",
                                             show_default=False)] = None,
    db: DbOpt = None,
    rejects: Annotated[Path | None, typer.Option("--rejects", help="Where to write the rejects report.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit with code 3 when any row is rejected.")] = False,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Load official areas (NBS 2023 division codes) under a code: official code and name, short name,
    communities and villages told apart."""
    from dangjian.loaders.divisions import load_divisions

    _run_load(lambda ws, **kw: load_divisions(ws, region, src, **kw), db, rejects, strict, lang, as_json)


WAIT_MESSAGE = {"zh": "另一个导入正在写入工作区，等待中…", "en": "another load is writing to the workspace; waiting…"}


def _run_load(do_load, db: Path | None, rejects: Path | None, strict: bool, lang: str, as_json: bool) -> None:
    """Run ``do_load(ws, lang=, progress=, rejects_path=)`` on the workspace and print the summary.

    An existing workspace is loaded into in place (one transaction: a failed or killed load leaves
    it as it was; a second load at the same time waits for the first, saying so once on stderr).
    A new one is built in a hidden temporary file beside it (:meth:`Workspace.create_new`) and put
    in place only once complete, never over a file that another load created meanwhile (then this
    load goes into that one): a failed or killed first load leaves no workspace behind."""
    from dangjian.loaders.load import default_rejects_path

    lang = _lang(lang)
    db_path = db or default_db_path()
    progress = _Progress(enabled=not as_json and err.is_terminal, lang=lang)
    told: list[bool] = []

    def on_wait() -> None:
        if not told:
            told.append(True)
            err.print(WAIT_MESSAGE[lang])

    kw = {"lang": lang, "progress": progress, "rejects_path": rejects or default_rejects_path(str(db_path)),
          "rejects_unique": rejects is None}  # a default name never replaces another load's report
    try:
        with _terminate_as_exit():
            result = _load_into(db_path, do_load, on_wait, lang, kw)
    finally:
        progress.close()
    if as_json:
        _emit_json({"workspace": str(db_path), **result.to_dict()})
    else:
        _print_load(result, lang)
    if strict and result.rejected:
        raise typer.Exit(3)


def _load_into(db_path: Path, do_load, on_wait, lang: str, kw: dict):
    for _ in range(3):
        Workspace.remove_stale(db_path)  # temporary files of first loads that were killed
        if db_path.exists():
            with Workspace.open(db_path, create=True) as ws:  # read-write; an empty file becomes a workspace
                ws.on_wait = on_wait
                return do_load(ws, **kw)
        if db_path.is_symlink():
            raise localized(DangjianError(f"{db_path} 是指向不存在文件的符号链接"), f"{db_path} 是指向不存在文件的符号链接",
                            f"{db_path} is a symbolic link to a file that does not exist")  # fmt: skip
        ws = Workspace.create_new(db_path)
        ws.on_wait = on_wait
        try:
            result = do_load(ws, **kw)
        except BaseException:
            ws.discard()
            raise
        if ws.publish():
            return result
        # another load created the workspace meanwhile: load into that one instead
    raise localized(DangjianError(f"工作区 {db_path} 在导入期间反复被创建又删除，请稍后重试"),
                    f"工作区 {db_path} 在导入期间反复被创建又删除，请稍后重试",
                    f"workspace {db_path} kept appearing and disappearing during the load; try again")  # fmt: skip


@contextlib.contextmanager
def _terminate_as_exit():
    """SIGTERM ends a load as Ctrl-C does: rolled back, its temporary file removed (SIGKILL cannot
    be caught: then the next open rolls back and the next load removes the file)."""
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt


_LOAD_TEXT = {
    "zh": {"skipped_lines": "跳过", "failed": "未能读入的文件：{file}：{reason}", "note": "说明：{text}",
           "report_at": "导入报告（拒绝 {r} 行，警告 {w} 条，跳过 {s} 行，未读入 {f} 个文件）已写入：{path}",
           "nothing": "没有被拒绝或跳过的行。"},
    "en": {"skipped_lines": "skipped", "failed": "file not read: {file}: {reason}", "note": "note: {text}",
           "report_at": "load report ({r} rows rejected, {w} warnings, {s} lines skipped, {f} files not read): {path}",
           "nothing": "no rows rejected or skipped."},
}  # fmt: skip


def _print_load(result, lang: str) -> None:
    t, lt, m = T[lang], _LOAD_TEXT[lang], model()
    table = Table(title=None, show_footer=True)
    cols = ("read", "new", "updated", "merged", "skipped", "rejected")
    table.add_column(t["roster"], footer=t["total"])
    for c in cols:
        table.add_column(lt["skipped_lines"] if c == "skipped" else t[c], justify="right", footer=str(getattr(result, c)))
    for name, c in result.by_type.items():
        table.add_row(m.record(name).label(lang), *(str(getattr(c, k)) for k in cols))
    out.print(table)
    for f in result.failed_files:
        out.print(lt["failed"].format(file=f["file"], reason=result.shown(f["reason"])), markup=False)
    for s in result.skipped_sheets:
        out.print(t["skipped"].format(**s), markup=False)
    for s in result.sheets:
        if s["ignored_columns"]:
            out.print(t["ignored"].format(cols="、".join(s["ignored_columns"]), **s), markup=False)
    for text in result.notes():
        out.print(lt["note"].format(text=text), markup=False)
    if result.rejects_path:
        out.print(lt["report_at"].format(r=result.rejected, w=result.warnings, s=result.skipped,
                                         f=len(result.failed_files), path=result.rejects_path), markup=False)  # fmt: skip
    elif not result.rejects:
        out.print(lt["nothing"])


@app.command()
@handles_errors
def info(db: DbOpt = None, lang: LangOpt = "zh", as_json: JsonOpt = False) -> None:
    """Counts of entities and relations in the workspace, by type."""
    lang = _lang(lang)
    db_path = db or default_db_path()
    with Workspace.open(db_path) as ws:
        counts = ws.counts()
        loads = ws.loads()
        version = ws.schema_version
    if as_json:
        _emit_json({"workspace": str(db_path), "schema_version": version, "loads": len(loads), **counts})
        return
    t, m = T[lang], model()
    out.print(t["workspace"].format(path=db_path, v=version, n=len(loads)), markup=False)
    for kind, labeler in (("nodes", m.record), ("edges", m.edge)):
        table = Table(title=t[kind], title_justify="left", show_footer=True)
        table.add_column(t["type"], footer=t["total"])
        table.add_column(t["count"], justify="right", footer=str(sum(counts[kind].values())))
        for name, n in sorted(counts[kind].items(), key=lambda kv: -kv[1]):
            table.add_row(labeler(name).label(lang), str(n))
        out.print(table)


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


def _graph(db: Path | None):
    from dangjian.graph import to_networkx

    with Workspace.open(db or default_db_path()) as ws:
        return to_networkx(ws)


SEV_LABEL = {"zh": {"high": "高", "medium": "中", "low": "低"}, "en": {"high": "high", "medium": "medium", "low": "low"}}
FINDING_COLUMNS = ["severity", "rule", "title", "entity", "entity_type", "name", "area_path", "facts", "action", "cite"]


@app.command()
@handles_errors
def gaps(
    db: DbOpt = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this area (id or name) and below.")] = None,
    rule_ids: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule (repeatable).")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="Only this severity and above: high, medium, low.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate on this date (YYYY-MM-DD) [default: today].")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Rule thresholds (YAML), see `dangjian rules`.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or md.")] = "table",
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Exit 4 if a finding of this severity or above is found.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown in the table (0: all).")] = 50,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    shard_level: ShardOpt = "street",
    shard_size: ShardSizeOpt = 5_000,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Coverage gaps and rule breaches, each with the regulation it breaks and what to do."""
    from dangjian.queries import SEVERITIES, load_config, run_rules, summarize

    lang = _lang(lang)
    fmt = "json" if as_json else fmt
    if fmt not in ("table", "json", "csv", "md"):
        raise typer.BadParameter("use table, json, csv or md", param_hint="--format")
    for opt, value in (("--severity", severity), ("--fail-on", fail_on)):
        if value is not None and value not in SEVERITIES:
            raise typer.BadParameter(f"use one of {', '.join(SEVERITIES)}", param_hint=opt)
    as_of = _date(as_of)
    options = {"as_of": as_of, "config": load_config(config), "rules": rule_ids, "min_severity": severity, "lang": lang}
    with _source(backend, uri, database) as source:
        if source is None:
            findings = run_rules(_graph(db), area=area, **options)
        else:
            from dangjian.queries.sharded import run_rules_sharded

            progress = _Progress(fmt == "table" and sys.stderr.isatty(), lang)
            try:
                findings = run_rules_sharded(source, level=shard_level, area=area, size=shard_size, progress=progress,
                                             **options)
            finally:
                progress.close()
    summary = summarize(findings)
    if fmt == "json":
        _emit_json({"as_of": as_of, "summary": summary, "findings": findings})
    elif fmt == "csv":
        sys.stdout.write(_findings_csv(findings))
    elif fmt == "md":
        sys.stdout.write(_findings_md(findings, summary, lang))  # cells made printable by _md
    else:
        _print_findings(findings, summary, lang, limit)
    if fail_on is not None:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        if any(order[f["severity"]] <= order[fail_on] for f in findings):
            raise typer.Exit(4)


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


def _cell(f: dict, key: str) -> str:
    v = f[key]
    if key == "area_path":
        return ">".join(v)
    if key == "facts":
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _findings_csv(findings: list[dict]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(FINDING_COLUMNS)
    for f in findings:  # a spreadsheet runs none of it as a formula, a terminal sees no control
        w.writerow([spreadsheet_cell(printable(_cell(f, k))) for k in FINDING_COLUMNS])
    return buf.getvalue()


def _md(text: str) -> str:
    return printable(text.replace("\n", " ")).replace("|", "\\|")


def _findings_md(findings: list[dict], summary: dict, lang: str) -> str:
    head = ["严重程度", "问题", "对象", "区域", "建议", "依据"] if lang == "zh" else \
        ["severity", "finding", "entity", "area", "action", "source"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in findings:
        cells = [SEV_LABEL[lang][f["severity"]], f["title"], f"{f['name']} ({f['entity']})",
                 ">".join(f["area_path"]), f["action"], f["cite"]]  # fmt: skip
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    total = f"{'共' if lang == 'zh' else 'total'} {summary['total']}"
    return "\n".join(lines) + f"\n\n{total}\n"


def _print_findings(findings: list[dict], summary: dict, lang: str, limit: int) -> None:
    zh = lang == "zh"
    table = Table(title=None)
    for col in (["级别", "问题", "对象", "区域", "建议"] if zh else ["sev", "finding", "entity", "area", "action"]):
        table.add_column(col, overflow="fold")
    shown = findings if limit <= 0 else findings[:limit]
    for f in shown:
        area = ">".join(f["area_path"][-2:])
        table.add_row(SEV_LABEL[lang][f["severity"]], f["title"], f"{f['name']}\n{f['entity']}", area, f["action"])
    if findings:
        out.print(table)
    if len(shown) < len(findings):
        out.print((f"（仅显示前 {len(shown)} 条，共 {len(findings)} 条；--limit 0 显示全部）" if zh else
                   f"(first {len(shown)} of {len(findings)}; --limit 0 shows all)"), markup=False)  # fmt: skip
    by_sev = "，".join(f"{SEV_LABEL[lang][s]} {n}" for s, n in summary["by_severity"].items())
    out.print((f"共发现问题 {summary['total']} 个（{by_sev}）" if zh else
               f"{summary['total']} findings ({by_sev})"), markup=False)  # fmt: skip
    from dangjian.queries import rules_registry

    reg = rules_registry()
    for title, key, labeler in ((("按区域" if zh else "by area"), "by_area", str),
                                (("按规则" if zh else "by rule"), "by_rule", lambda r: reg[r].title[lang])):  # fmt: skip
        t = Table(title=title, title_justify="left")
        t.add_column("区域" if zh and key == "by_area" else "规则" if zh else key[3:])
        t.add_column("数量" if zh else "count", justify="right")
        items = list(summary[key].items())  # most findings first
        cap = limit if key == "by_area" and limit else len(items)
        for k, n in items[:cap]:
            t.add_row(labeler(k), str(n))
        if len(items) > cap:  # the table's --limit also caps the areas listed
            t.add_row(f"…另有 {len(items) - cap} 个区域（--limit 0 显示全部）" if zh
                      else f"… {len(items) - cap} more areas (--limit 0 shows all)", str(sum(n for _, n in items[cap:])))  # fmt: skip
        if summary[key]:
            out.print(t)


@app.command("rules")
@handles_errors
def rules_cmd(lang: LangOpt = "zh", as_json: JsonOpt = False) -> None:
    """The gap rules with their citations, severities and thresholds."""
    from dangjian.queries import rules_registry

    lang = _lang(lang)
    reg = rules_registry()
    rows = [{"id": r.id, "severity": r.severity, "title": r.title[lang], "cite": r.cite[lang],
             "params": r.params, "module": r.module} for r in reg.values()]  # fmt: skip
    if as_json:
        _emit_json(rows)
        return
    table = Table()
    for i, col in enumerate(["规则", "级别", "名称", "依据", "阈值"] if lang == "zh" else
                            ["rule", "sev", "title", "source", "thresholds"]):  # fmt: skip
        table.add_column(col, overflow="fold", no_wrap=i == 0)
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        table.add_row(r["id"], SEV_LABEL[lang][r["severity"]], r["title"], r["cite"], params)
    out.print(table)


AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Evaluate on this date (YYYY-MM-DD) [default: today].")]


@app.command()
@handles_errors
def stats(
    db: DbOpt = None,
    area: Annotated[str | None, typer.Option("--area", help="Area (id or name) [default: everything].")] = None,
    report: Annotated[bool, typer.Option("--report", help="Write the opening paragraph of a work report.")] = False,
    as_of: AsOfOpt = None,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Organizations, members and coverage rates of an area."""
    from dangjian.queries.stats import area_stats, report_paragraph

    lang = _lang(lang)
    with _source(backend, uri, database) as source:
        if source is None:
            data = area_stats(_graph(db), area, as_of=_date(as_of))
        else:
            from dangjian.queries.sharded import pull_area

            g, root = pull_area(source, area)
            data = area_stats(g, root, as_of=_date(as_of))
    if as_json:
        _emit_json({**data, "report": report_paragraph(data, lang)} if report else data)
        return
    if report:
        out.print(report_paragraph(data, lang), markup=False)
        return
    m = model()
    zh = lang == "zh"
    t = Table(title=f"{data['name']}（{data['as_of']}）" if zh else f"{data['name']} ({data['as_of']})",
              title_justify="left", show_header=False)  # fmt: skip
    t.add_column()
    t.add_column(justify="right")

    def enum_rows(title: str, enum: str, counts: dict) -> None:
        for k, n in counts.items():
            label = m.enums[enum].label(k, lang) if k in m.enums[enum].values else \
                ("不详" if zh else "unknown") if k in (None, "unknown") else k  # a roster without the column
            t.add_row(f"{title}：{label}" if zh else f"{title}: {label}", str(n))

    c, u, r = data["communities"], data["units"], data["two_way_reporting"]
    t.add_row("社区（村）" if zh else "communities", f"{c['total']}")
    t.add_row("建立党组织的社区" if zh else "with an organization", f"{c['with_org']}（{_pct(c['rate'])}）")
    t.add_row("党组织" if zh else "organizations", str(data["organizations"]["total"]))
    enum_rows("党组织" if zh else "organizations", "org_kind", data["organizations"]["by_kind"])
    t.add_row("党员" if zh else "members", str(data["members"]["total"]))
    enum_rows("党员" if zh else "members", "member_situation", data["members"]["by_situation"])
    ages = {"under_35": "35岁以下", "35_to_60": "35至60岁", "over_60": "60岁以上", "unknown": "年龄不详"}
    for k, n in data["members"]["by_age"].items():
        t.add_row(ages[k] if zh else k.replace("_", " "), str(n))
    enum_rows("学历" if zh else "education", "education", data["members"]["by_education"])
    enum_rows("性别" if zh else "sex", "sex", data["members"]["by_sex"])
    t.add_row("驻区单位" if zh else "resident units", str(u["total"]))
    t.add_row("两新组织" if zh else "new economic/social orgs", str(u["two_new"]))
    t.add_row("具备条件的两新组织建党组织" if zh else "eligible ones with an organization",
              f"{u['two_new_eligible_with_org']}/{u['two_new_eligible']}（{_pct(u['two_new_org_rate'])}）")
    t.add_row("两新组织工作覆盖率" if zh else "work coverage", _pct(u["two_new_work_coverage_rate"]))
    t.add_row("在职党员双报到" if zh else "two-way reporting", f"{r['reported']}/{r['in_service_residents']}（{_pct(r['rate'])}）")
    t.add_row("有效共建协议" if zh else "agreements in force", str(data["co_construction"]["agreements_in_force"]))
    t.add_row("平均每社区共建单位" if zh else "partners per community", str(data["co_construction"]["partners_per_community"]))
    out.print(t)


def _pct(x) -> str:
    return "—" if x is None else f"{x:g}%"


@app.command()
@handles_errors
def show(
    target: Annotated[str, typer.Argument(help="An id or a unique name.")],
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """What an entity is, where it sits, its organization chain, neighbours and findings."""
    from dangjian.queries.explore import describe

    lang = _lang(lang)
    with _source(backend, uri, database) as source:
        if source is None:
            d = describe(_graph(db), target, as_of=_date(as_of), lang=lang)
        else:
            from dangjian.queries.sharded import pull_entity

            g, n = pull_entity(source, target, _date(as_of))
            d = describe(g, n, as_of=_date(as_of), lang=lang)
    if as_json:
        _emit_json(d)
        return
    zh = lang == "zh"
    out.print(f"{d['name']}  [{d['type_label']} {d['id']}]", markup=False)
    if d["area_path"]:
        out.print(("位置：" if zh else "where: ") + " > ".join(d["area_path"]), markup=False)
    if d["org_chain"]:
        out.print(("组织链：" if zh else "organization chain: ") + " ← ".join(o["name"] for o in d["org_chain"]),
                  markup=False)  # fmt: skip
    for k, v in d["properties"].items():
        out.print(f"  {k}: {v}", markup=False)
    for rel, items in d["neighbours"].items():
        names = "、".join(f"{x['name']}({x['id']})" for x in items[:10])
        more = f" …+{len(items) - 10}" if len(items) > 10 else ""
        out.print(f"{rel}（{len(items)}）：{names}{more}" if zh else f"{rel} ({len(items)}): {names}{more}", markup=False)
    for f in d["findings"]:
        out.print(f"[{SEV_LABEL[lang][f['severity']]}] {f['title']}：{f['action']}（{f['cite']}）", markup=False)
    if d["source"]:
        out.print(("来源：" if zh else "source: ") + " ".join(str(x) for x in d["source"]), markup=False)


@app.command()
@handles_errors
def find(
    text: Annotated[str, typer.Argument(help="Part of a name or id, pinyin, or pinyin initials (xysq).")],
    db: DbOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many matches.")] = 20,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Find entities by name, id, pinyin or pinyin initials."""
    from dangjian.queries.explore import find as find_entities

    lang = _lang(lang)
    hits = find_entities(_graph(db), text, limit=limit, lang=lang)
    if as_json:
        _emit_json(hits)
        return
    if not hits:
        err.print(f"error: 没有匹配“{text}”的实体" if lang == "zh" else f"error: nothing matches '{text}'")
        raise typer.Exit(1)
    t = Table()
    for col in (["编号", "类型", "名称"] if lang == "zh" else ["id", "type", "name"]):
        t.add_column(col, no_wrap=col in ("编号", "id"))
    for h in hits:
        t.add_row(h["id"], h["type_label"], h["name"])
    out.print(t)


@app.command()
@handles_errors
def path(
    a: Annotated[str, typer.Argument(help="First entity (id or unique name).")],
    b: Annotated[str, typer.Argument(help="Second entity (id or unique name).")],
    db: DbOpt = None,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """How two entities are connected, naming each relation."""
    from dangjian.queries.explore import path as find_path

    lang = _lang(lang)
    steps = find_path(_graph(db), a, b, lang=lang)
    if as_json:
        _emit_json(steps)
        return
    if not steps:
        out.print("同一实体" if lang == "zh" else "the same entity")
        return
    out.print(steps[0]["from_name"], markup=False)
    for s in steps:
        arrow = f"—{s['relation_label']}→" if s["forward"] else f"←{s['relation_label']}—"
        out.print(f"  {arrow} {s['to_name']} ({s['to']})", markup=False)


@app.command()
@handles_errors
def synth(
    region: Annotated[str, typer.Option("--region", help="Division code prefix of the real areas (e.g. 5307).",
                                        show_default=False)],
    preset: Annotated[str, typer.Option("--preset", help="lijiang, yuhua, tongjiang or chengdu.")] = "lijiang",
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the rosters into.",
                                         show_default=False)] = Path("synth"),
    scale: Annotated[float, typer.Option("--scale", help="Members per community, times this.")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 1,
    communities: Annotated[int | None, typer.Option(
        "--communities", help="Only this many communities of the region; at the preset's report size "
                              "(lijiang 49, yuhua 78) the statistics equal the report's figures.",
        show_default=False)] = None,
    src: Annotated[Path | None, typer.Option("--from", help="Folder of the division tables "
                                                            "[default: the extract shipped: 5307, 430111].",
                                             show_default=False)] = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write synthetic rosters over real areas, with planted gaps listed in ground_truth.json."""
    from dangjian.loaders.divisions import shipped_divisions
    from dangjian.synth import synthesize, write_plan

    plan = synthesize(src or shipped_divisions(), region, preset, scale=scale, seed=seed, as_of=_date(as_of),
                      communities=communities)
    about = {"communities": communities} if communities is not None else {}
    written = write_plan(plan, output, region=region, preset=preset, scale=scale, seed=seed, **about)
    if as_json:
        _emit_json({"folder": str(output), "as_of": plan.as_of, "files": written})
        return
    for name, n in written.items():
        out.print(f"{output / name}: {n}", markup=False)
    out.print(f"load with: dangjian load {output}   (the gaps are listed in {output / 'ground_truth.json'}, "
              f"as on {plan.as_of})", markup=False)


VIEW_NAMES = "overview, community, tree, coconstruction or gaps"


@app.command()
@handles_errors
def view(
    kind: Annotated[str, typer.Argument(help=f"Which view: {VIEW_NAMES}.", show_default=False)],
    target: Annotated[str | None, typer.Argument(help="Area (id or name): the community for `community`; "
                                                     "for the others [default: everything].")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="HTML file to write [default: ./KIND.html].",
                                                show_default=False)] = None,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    config: Annotated[Path | None, typer.Option("--config", help="Rule thresholds (YAML), see `dangjian rules`.")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="gaps view: only this severity and above.")] = None,
    members: Annotated[bool, typer.Option("--members", help="community view: one node per member.")] = False,
    show_names: Annotated[bool, typer.Option("--show-names", help="Show members' full names (masked by default).")] = False,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Write an interactive network view as one offline HTML file."""
    from dangjian.queries import SEVERITIES, load_config
    from dangjian.viz import VIEWS, build_view, write_view

    lang = _lang(lang)
    if kind not in VIEWS:
        raise typer.BadParameter(f"use {VIEW_NAMES}", param_hint="KIND")
    if severity is not None and severity not in SEVERITIES:
        raise typer.BadParameter(f"use one of {', '.join(SEVERITIES)}", param_hint="--severity")
    options: dict[str, Any] = {"as_of": _date(as_of), "lang": lang, "show_names": show_names,
                               "config": load_config(config)}  # fmt: skip
    if kind == "gaps":
        options["min_severity"] = severity
    if kind == "community":
        options["members"] = members
    with _source(backend, uri, database) as source:
        if source is None:
            g = _graph(db)
        else:  # the shard of the target: its community for the community view
            from dangjian.queries.sharded import pull_area, pull_entity

            g, _ = pull_entity(source, target, options["as_of"]) if kind == "community" and target \
                else pull_area(source, target)  # fmt: skip
    built = build_view(g, kind, target, **options)
    path = write_view(built, output or Path(f"{kind}.html"))
    summary = {**built.summary(), "path": str(path), "bytes": path.stat().st_size}
    if as_json:
        _emit_json(summary)
        return
    if lang == "zh":
        out.print(f"已写入视图「{built.title}」：{path}（节点 {summary['nodes']}，连线 {summary['edges']}）", markup=False)
    else:
        out.print(f"wrote {built.title}: {path} ({summary['nodes']} nodes, {summary['edges']} edges)", markup=False)


neo4j_app = typer.Typer(help="Neo4j: push the workspace, write bulk-import files, run the saved queries.",
                        no_args_is_help=True, rich_markup_mode=None)  # fmt: skip
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("push")
@handles_errors
def neo4j_push(
    db: DbOpt = None,
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    batch_size: Annotated[int, typer.Option("--batch-size", help="Rows per transaction.")] = 5_000,
    personal: Annotated[bool, typer.Option("--personal", help="Send full names, ID and phone numbers (masked "
                                                               "and left out by default).")] = False,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Send the workspace graph to Neo4j 5 (constraints first, then batches created into an empty
    database, merged otherwise; idempotent)."""
    lang = _lang(lang)
    with Workspace.open(db or default_db_path()) as ws, _neo4j(uri, database) as store:
        progress = _Progress(not as_json and sys.stderr.isatty(), lang)
        try:
            result = store.push(ws, batch_size=batch_size, personal=personal, progress=progress)
        finally:
            progress.close()
    data = result.as_dict()
    if as_json:
        _emit_json(data)
        return
    zh = lang == "zh"
    nodes, rels = sum(result.nodes.values()), sum(result.relationships.values())
    out.print((f"已推送到 {uri}（数据库 {database}）：节点 {nodes}，关系 {rels}" if zh else
               f"pushed to {uri} (database {database}): {nodes} nodes, {rels} relationships"), markup=False)  # fmt: skip
    if result.skipped:
        out.print((f"跳过 {result.skipped} 条端点不在工作区的关系" if zh else
                   f"skipped {result.skipped} relationships whose end is not in the workspace"), markup=False)  # fmt: skip
    if result.pruned_nodes or result.pruned_relationships:
        out.print((f"删除工作区已没有的节点 {result.pruned_nodes}、关系 {result.pruned_relationships}" if zh else
                   f"removed {result.pruned_nodes} nodes and {result.pruned_relationships} relationships the "
                   "workspace no longer has"), markup=False)  # fmt: skip


@neo4j_app.command("export")
@handles_errors
def neo4j_export(
    folder: Annotated[Path, typer.Argument(help="Folder to write the CSV and header files into.")],
    db: DbOpt = None,
    personal: Annotated[bool, typer.Option("--personal", help="Write full names, ID and phone numbers (masked "
                                                               "and left out by default).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the files for `neo4j-admin database import full` and print the import command."""
    from dangjian.graph.neo4j_export import export_workspace

    with Workspace.open(db or default_db_path()) as ws:
        result = export_workspace(ws, folder, personal=personal)
    if as_json:
        _emit_json(result.as_dict())
        return
    out.print(f"{folder}: {result.nodes} nodes, {result.relationships} relationships"
              + (f", {result.skipped} skipped (end not in the workspace)" if result.skipped else ""), markup=False)
    out.print("import with (Neo4j stopped, the database is replaced):", markup=False)
    out.print(result.command, markup=False)


@neo4j_app.command("query")
@handles_errors
def neo4j_query(
    name: Annotated[str | None, typer.Argument(help="A saved query (without .cypher); none: list them.")] = None,
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    as_of: AsOfOpt = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="KEY=VALUE (a JSON value or text); repeatable.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run a saved gap query (queries/cypher/*.cypher) on Neo4j, or list them."""
    from dangjian.queries.saved import run_saved, saved_queries

    if name is None:
        listing = [{"name": q.name, "rule": q.rule, "title": q.title, "params": q.params, "path": str(q.path)}
                   for q in saved_queries()]  # fmt: skip
        if as_json:
            _emit_json(listing)
            return
        for q in listing:
            out.print(f"{q['name']}  [{q['rule']}] {q['title']}  params: {json.dumps(q['params'], ensure_ascii=False)}",
                      markup=False)  # fmt: skip
        return
    params: dict[str, Any] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r}: use KEY=VALUE", param_hint="--param")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    with _neo4j(uri, database) as store:
        rows = run_saved(store, name, as_of=_date(as_of), **params)
    if as_json:
        _emit_json(json.loads(json.dumps(rows, ensure_ascii=False, default=str)))
        return
    for row in rows:
        out.print("  ".join(f"{k}={v}" for k, v in row.items()), markup=False)
    out.print(f"{len(rows)} rows", markup=False)


def main() -> None:
    """Console entry point: anything unexpected still ends in one line, not a traceback. An error of
    the system (disk full, no permission) or of SQLite that no command turned into its message is
    still told by its cause, with exit code 1; only a bug is an internal error (70)."""
    lang = "en" if _lang_of(sys.argv[1:]) == "en" else "zh"
    try:
        app()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(1)
    except (DangjianError, OSError, sqlite3.Error) as exc:
        _fail(exc, lang)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - last resort for the user's terminal
        err.print(f"internal error: {type(exc).__name__}: {printable(str(exc), newlines=False)}", markup=False)
        sys.exit(70)


def _lang_of(argv: list[str]) -> str | None:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None
