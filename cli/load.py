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

from dangjian.cli.common import command
from dangjian.cli.options import Run
from dangjian.cli.output import Progress, Table, err, out
from dangjian.graph import DangjianError, Workspace, model
from dangjian.wording import t


@command(shared=("lang", "json"))
def template(run: Run, directory: Annotated[Path, typer.Argument(help="help.template.directory")]) -> None:
    """Write empty rosters (one CSV each and one workbook with drop-down lists)."""
    from dangjian.loaders.template import write_templates

    written = write_templates(directory)
    run.output({"files": [str(p) for p in written]}, lambda: _print_written(written, directory))


def _print_written(written: list[Path], directory: Path) -> None:
    out.print(t("cli.written", n=len(written), dir=directory), markup=False)
    for p in written:
        out.print(f"  {p}", markup=False)


@command(shared=("load", "lang", "json"))
def load(run: Run, paths: Annotated[list[Path], typer.Argument(help="help.load.paths")]) -> None:
    """Load rosters into the workspace: every row is loaded, merged or reported as a reject."""
    from dangjian.loaders.load import load_paths

    _run_load(run, lambda ws, **kw: load_paths(ws, paths, strict=run.strict, **kw))


@command("load-divisions", shared=("load", "lang", "json"))
def load_divisions_cmd(
    run: Run,
    region: Annotated[str, typer.Option("--region", help="help.load_divisions.region", show_default=False)],
    src: Annotated[Path | None, typer.Option("--from", help="help.opt.divisions_from", show_default=False)] = None,
) -> None:
    """Load official areas (NBS 2023 division codes) under a code: official code and name, short name,
    communities and villages told apart."""
    from dangjian.loaders.divisions import load_divisions

    _run_load(run, lambda ws, **kw: load_divisions(ws, region, src, strict=run.strict, **kw))


def _run_load(run: Run, do_load) -> None:
    """Run ``do_load(ws, progress=, rejects_path=, ...)`` on the workspace and print the summary.

    An existing workspace is loaded into in place (one transaction: a failed or killed load leaves
    it as it was; a second load at the same time waits for the first, saying so once on stderr).
    A new one is built in a hidden temporary file beside it (:meth:`Workspace.create_new`) and put
    in place only once complete, never over a file that another load created meanwhile (then this
    load goes into that one): a failed or killed first load leaves no workspace behind."""
    from dangjian.loaders.load import default_rejects_path

    db_path = run.db_path
    progress = Progress(enabled=not run.as_json and err.is_terminal)
    told: list[bool] = []

    def on_wait() -> None:
        if not told:
            told.append(True)
            err.print(t("cli.waiting"))

    kw = {"progress": progress, "rejects_path": run.rejects or default_rejects_path(str(db_path)),
          "rejects_unique": run.rejects is None}  # a default name never replaces another load's report
    try:
        with _terminate_as_exit():
            result = _load_into(db_path, do_load, on_wait, kw)
    finally:
        progress.close()
    run.output({"workspace": str(db_path), **result.to_dict()}, lambda: _print_load(result))
    if run.strict and result.rejected:
        raise typer.Exit(3)


def _load_into(db_path: Path, do_load, on_wait, kw: dict):
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


def _print_load(result) -> None:
    m = model()
    table = Table(title=None, show_footer=True)
    cols = ("read", "new", "updated", "merged", "skipped", "rejected")
    table.add_column(t("cli.roster"), footer=t("cli.total"))
    for c in cols:
        table.add_column(t(f"cli.{c}"), justify="right", footer=str(getattr(result, c)))
    for name, c in result.by_type.items():
        table.add_row(m.record(name).label(), *(str(getattr(c, k)) for k in cols))
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


@command(shared=("db", "lang", "json"))
def info(run: Run) -> None:
    """Counts of entities and relations in the workspace, by type."""
    with Workspace.open(run.db_path) as ws:
        data = {"workspace": str(run.db_path), "schema_version": ws.schema_version, "loads": len(ws.loads()),
                **ws.counts()}  # fmt: skip
    run.output(data, lambda: _print_counts(data))


def _print_counts(data: dict) -> None:
    m = model()
    out.print(t("cli.workspace", path=data["workspace"], v=data["schema_version"], n=data["loads"]), markup=False)
    for kind, labeler in (("nodes", m.record), ("edges", m.edge)):
        table = Table(title=t(f"cli.{kind}"), title_justify="left", show_footer=True)
        table.add_column(t("cli.type"), footer=t("cli.total"))
        table.add_column(t("cli.count"), justify="right", footer=str(sum(data[kind].values())))
        for name, n in sorted(data[kind].items(), key=lambda kv: -kv[1]):
            table.add_row(labeler(name).label(), str(n))
        out.print(table)


@command(shared=("as_of", "json"))
def synth(
    run: Run,
    region: Annotated[str, typer.Option("--region", help="help.synth.region", show_default=False)],
    preset: Annotated[str, typer.Option("--preset", help="help.synth.preset")] = "lijiang",
    output: Annotated[Path, typer.Option("-o", "--output", help="help.synth.output", show_default=False)] = Path("synth"),
    scale: Annotated[float, typer.Option("--scale", help="help.synth.scale")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", help="help.synth.seed")] = 1,
    communities: Annotated[int | None, typer.Option("--communities", help="help.synth.communities",
                                                    show_default=False)] = None,
    src: Annotated[Path | None, typer.Option("--from", help="help.opt.divisions_from", show_default=False)] = None,
) -> None:
    """Write synthetic rosters over real areas, with planted gaps listed in ground_truth.json."""
    from dangjian.loaders.divisions import shipped_divisions
    from dangjian.synth import synthesize, write_plan

    plan = synthesize(src or shipped_divisions(), region, preset, scale=scale, seed=seed, as_of=run.date,
                      communities=communities)
    about = {"communities": communities} if communities is not None else {}
    written = write_plan(plan, output, region=region, preset=preset, scale=scale, seed=seed, **about)
    run.output({"folder": str(output), "as_of": plan.as_of, "files": written},
               lambda: _print_plan(written, output, plan.as_of))


def _print_plan(written: dict, output: Path, as_of: str) -> None:
    for name, n in written.items():
        out.print(f"{output / name}: {n}", markup=False)
    out.print(t("cli.synth_next", folder=output, truth=output / "ground_truth.json", date=as_of), markup=False)


