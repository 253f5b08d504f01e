"""Loading rosters and division tables, templates, the workspace's summary, synthetic data.

>>> import json, tempfile
>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> db = tempfile.mkdtemp() + "/w.db"
>>> CliRunner().invoke(app, ["load", "examples/xianghe", "--db", db, "--json"]).exit_code
0
>>> json.loads(CliRunner().invoke(app, ["info", "--db", db, "--json"]).stdout)["nodes"]["Area"] > 0
True
"""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path
from typing import Annotated

import typer

from dangjian.cli.common import (
    AsOfOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    T,
    Table,
    _date,
    _emit_json,
    _lang,
    _Progress,
    app,
    err,
    handles_errors,
    out,
)
from dangjian.graph import DangjianError, Workspace, default_db_path, model
from dangjian.graph.explain import localized


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


