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
    RejectsOpt,
    StrictOpt,
    _date,
    _lang,
    command,
)
from dangjian.cli.output import Progress, Table, emit_json, err, out
from dangjian.graph import DangjianError, Workspace, default_db_path, model
from dangjian.wording import t


@command()
def template(
    directory: Annotated[Path, typer.Argument(help="help.template.directory")],
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Write empty rosters (one CSV each and one workbook with drop-down lists)."""
    from dangjian.loaders.template import write_templates

    lang = _lang(lang)
    written = write_templates(directory, lang=lang)
    if as_json:
        emit_json({"files": [str(p) for p in written]})
        return
    out.print(t("cli.written", n=len(written), dir=directory), markup=False)
    for p in written:
        out.print(f"  {p}", markup=False)


@command()
def load(
    paths: Annotated[list[Path], typer.Argument(help="help.load.paths")],
    db: DbOpt = None,
    rejects: RejectsOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Load rosters into the workspace: every row is loaded, merged or reported as a reject."""
    from dangjian.loaders.load import load_paths

    _run_load(lambda ws, **kw: load_paths(ws, paths, strict=strict, **kw), db, rejects, strict, lang, as_json)


@command("load-divisions")
def load_divisions_cmd(
    region: Annotated[str, typer.Option("--region", help="help.load_divisions.region", show_default=False)],
    src: Annotated[Path | None, typer.Option("--from", help="help.opt.divisions_from", show_default=False)] = None,
    db: DbOpt = None,
    rejects: RejectsOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Load official areas (NBS 2023 division codes) under a code: official code and name, short name,
    communities and villages told apart."""
    from dangjian.loaders.divisions import load_divisions

    _run_load(lambda ws, **kw: load_divisions(ws, region, src, **kw), db, rejects, strict, lang, as_json)


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
    progress = Progress(enabled=not as_json and err.is_terminal)
    told: list[bool] = []

    def on_wait() -> None:
        if not told:
            told.append(True)
            err.print(t("cli.waiting"))

    kw = {"lang": lang, "progress": progress, "rejects_path": rejects or default_rejects_path(str(db_path)),
          "rejects_unique": rejects is None}  # a default name never replaces another load's report
    try:
        with _terminate_as_exit():
            result = _load_into(db_path, do_load, on_wait, lang, kw)
    finally:
        progress.close()
    if as_json:
        emit_json({"workspace": str(db_path), **result.to_dict()})
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
            raise DangjianError("workspace.dangling_link", path=db_path)
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
    raise DangjianError("workspace.flickering", path=db_path)


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


def _print_load(result, lang: str) -> None:
    m = model()
    table = Table(title=None, show_footer=True)
    cols = ("read", "new", "updated", "merged", "skipped", "rejected")
    table.add_column(t("cli.roster"), footer=t("cli.total"))
    for c in cols:
        table.add_column(t(f"cli.{c}"), justify="right", footer=str(getattr(result, c)))
    for name, c in result.by_type.items():
        table.add_row(m.record(name).label(lang), *(str(getattr(c, k)) for k in cols))
    out.print(table)
    for f in result.failed_files:
        out.print(t("cli.file_failed", file=f["file"], reason=result.shown(f["reason"])), markup=False)
    for s in result.skipped_sheets:
        out.print(t("cli.skipped_sheet", **s), markup=False)
    for s in result.sheets:
        if s["ignored_columns"]:
            out.print(t("cli.ignored", cols="、".join(s["ignored_columns"]), **s), markup=False)
    for text in result.notes():
        out.print(t("cli.note", text=text), markup=False)
    if result.rejects_path:
        out.print(t("cli.report_at", r=result.rejected, w=result.warnings, s=result.skipped,
                    f=len(result.failed_files), path=result.rejects_path), markup=False)  # fmt: skip
    elif not result.rejects:
        out.print(t("cli.nothing_rejected"))


@command()
def info(db: DbOpt = None, lang: LangOpt = "zh", as_json: JsonOpt = False) -> None:
    """Counts of entities and relations in the workspace, by type."""
    lang = _lang(lang)
    db_path = db or default_db_path()
    with Workspace.open(db_path) as ws:
        counts = ws.counts()
        loads = ws.loads()
        version = ws.schema_version
    if as_json:
        emit_json({"workspace": str(db_path), "schema_version": version, "loads": len(loads), **counts})
        return
    m = model()
    out.print(t("cli.workspace", path=db_path, v=version, n=len(loads)), markup=False)
    for kind, labeler in (("nodes", m.record), ("edges", m.edge)):
        table = Table(title=t(f"cli.{kind}"), title_justify="left", show_footer=True)
        table.add_column(t("cli.type"), footer=t("cli.total"))
        table.add_column(t("cli.count"), justify="right", footer=str(sum(counts[kind].values())))
        for name, n in sorted(counts[kind].items(), key=lambda kv: -kv[1]):
            table.add_row(labeler(name).label(lang), str(n))
        out.print(table)


@command()
def synth(
    region: Annotated[str, typer.Option("--region", help="help.synth.region", show_default=False)],
    preset: Annotated[str, typer.Option("--preset", help="help.synth.preset")] = "lijiang",
    output: Annotated[Path, typer.Option("-o", "--output", help="help.synth.output", show_default=False)] = Path("synth"),
    scale: Annotated[float, typer.Option("--scale", help="help.synth.scale")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="help.synth.seed")] = 1,
    communities: Annotated[int | None, typer.Option("--communities", help="help.synth.communities",
                                                    show_default=False)] = None,
    src: Annotated[Path | None, typer.Option("--from", help="help.opt.divisions_from", show_default=False)] = None,
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
        emit_json({"folder": str(output), "as_of": plan.as_of, "files": written})
        return
    for name, n in written.items():
        out.print(f"{output / name}: {n}", markup=False)
    out.print(t("cli.synth_next", folder=output, truth=output / "ground_truth.json", date=plan.as_of), markup=False)


