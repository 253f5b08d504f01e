"""What changed since the last check: ``dangjian snapshot save|list|delete`` keeps the findings,
key figures and entities of a day in the workspace; ``dangjian diff NAME [NAME2]`` compares.

>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> r = CliRunner().invoke(app, ["snapshot", "save", "-x", "--db", "none.db"])
>>> r.exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dangjian.cli.common import app, command
from dangjian.cli.options import AreaOpt, ConfigOpt, Run, one_of
from dangjian.cli.output import Table, check_output, out, print_table, write_workbook
from dangjian.cli.shell import Group
from dangjian.wording import t

snapshot_app = typer.Typer(name="snapshot", help="help.cmd.snapshot", cls=Group, no_args_is_help=True,
                           rich_markup_mode=None)  # fmt: skip
app.add_typer(snapshot_app, name="snapshot")

NameArg = Annotated[str, typer.Argument(help="help.snapshot.name", show_default=False)]
DIFF_FORMATS = ("table", "json", "xlsx")


@command("save", on=snapshot_app, shared=("db", "as_of", "lang", "json"))
def snapshot_save(
    run: Run,
    name: NameArg,
    config: ConfigOpt = None,
    replace: Annotated[bool, typer.Option("--replace", help="help.snapshot.replace")] = False,
) -> None:
    """Keep a snapshot of the workspace now (findings, key figures, entities)."""
    from dangjian.graph import Workspace
    from dangjian.queries import load_config
    from dangjian.queries.changes import check_snapshot_name, save_snapshot

    name = _name(check_snapshot_name, name)
    settings = load_config(config)
    with Workspace.open(run.db_path, write=True) as ws:
        kept = save_snapshot(ws, name, as_of=run.date, config=settings, replace=replace, lang=run.lang)
    run.output(kept, lambda: out.print(t("changes.saved", **kept), markup=False))


@command("list", on=snapshot_app, shared=("db", "lang", "json"))
def snapshot_list(run: Run) -> None:
    """List the snapshots kept in the workspace."""
    from dangjian.graph import Workspace

    with Workspace.open(run.db_path) as ws:
        kept = ws.snapshots()
    run.output(kept, lambda: _print_list(kept))


def _print_list(kept: list[dict[str, Any]]) -> None:
    if not kept:
        out.print(t("changes.none_kept"), markup=False)
        return
    table = Table(title=None)
    for key in ("snapshot", "as_of", "saved", "entities"):
        table.add_column(t(f"changes.col_{key}"))
    for sev in ("high", "medium", "low"):
        table.add_column(t(f"severity.{sev}"), justify="right")
    for s in kept:
        by = s["summary"].get("by_severity", {})
        table.add_row(s["name"], s["as_of"], s["saved"], str(s["summary"].get("entities", "")),
                      *(str(by.get(sev, 0)) for sev in ("high", "medium", "low")))  # fmt: skip
    out.print(table)


@command("delete", on=snapshot_app, shared=("db", "lang", "json"))
def snapshot_delete(run: Run, name: NameArg) -> None:
    """Delete a snapshot."""
    from dangjian.graph import Workspace
    from dangjian.queries.changes import check_snapshot_name

    name = _name(check_snapshot_name, name)
    with Workspace.open(run.db_path, write=True) as ws, ws.transaction():
        ws.delete_snapshot(name)
    run.output({"deleted": name}, lambda: out.print(t("changes.deleted", name=name), markup=False))


@command("diff", shared=("db", "as_of", "lang", "json"))
def diff(
    run: Run,
    name: Annotated[str, typer.Argument(help="help.diff.name", show_default=False)],
    other: Annotated[str | None, typer.Argument(help="help.diff.other", show_default=False)] = None,
    area: AreaOpt = None,
    config: ConfigOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="help.diff.format")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="help.diff.output", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", help="help.diff.limit")] = 20,
) -> None:
    """What changed since a snapshot: findings new, resolved and still open, entities added and
    removed, street by street, and the key figures."""
    from dangjian.graph import Workspace
    from dangjian.queries import load_config
    from dangjian.queries.changes import check_snapshot_name, diff_workspace

    fmt = "json" if run.as_json and fmt != "xlsx" else one_of(fmt, DIFF_FORMATS, "--format")
    check_output(fmt, output, ("xlsx",), "变化.xlsx")
    name = _name(check_snapshot_name, name)
    other = _name(check_snapshot_name, other) if other is not None else None
    settings = load_config(config)
    with Workspace.open(run.db_path) as ws:
        found = diff_workspace(ws, name, other, area=area, as_of=run.date, config=settings, lang=run.lang)
    if fmt == "json":
        from dangjian.cli.output import emit_json

        emit_json(found)
        return
    from dangjian.report.tables import changes_tables

    if fmt == "xlsx":
        write_workbook(run, output, changes_tables(found, run.lang))
        return
    print_changes(found, run.lang, limit)


def print_changes(found: dict[str, Any], lang: str, limit: int) -> None:
    """A comparison for people: the sentence that sums it up, the changes by street, the findings
    new, resolved and still open (each list cut at ``limit`` rows), the key figures and the entities."""
    from dangjian.report.tables import changes_heading, changes_tables

    out.print(changes_heading(found, lang), markup=False)
    tables = changes_tables(found, lang)
    names = {r["street"]: r["name"] for r in found["by_street"]}
    for i, tb in enumerate(tables):
        if 1 <= i <= 3 and tb.rows:  # the findings: fewer columns than the workbook's
            _print_findings(tb.title, found["findings"][("new", "resolved", "open")[i - 1]], names, lang, limit)
        else:
            print_table(tb)


def _print_findings(title: str, rows: list[dict[str, Any]], names: dict, lang: str, limit: int) -> None:
    from dangjian.report.tables import finding_title

    sev = {s: t(f"severity.{s}") for s in ("high", "medium", "low")}
    table = Table(title=title, title_justify="left")
    for col in ("severity", "finding", "entity", "area", "action"):
        table.add_column(t(f"cli.table.{col}"), overflow="fold")
    shown = rows[:limit] if limit > 0 else rows
    for f in shown:
        level = sev.get(f["severity"], f["severity"])
        if f.get("severity_before"):
            level = f"{sev.get(f['severity_before'], '')}→{level}"
        table.add_row(level, finding_title(f, lang), f"{f['name']}\n{f['entity']}", names.get(f["street"]) or "", f["action"])
    out.print(table)
    if len(shown) < len(rows):
        out.print(t("changes.more", n=len(rows) - len(shown)), markup=False)


def _name(check, name: str) -> str:
    """A snapshot's name checked as a usage error (exit 2) on the argument."""
    from dangjian.graph import DangjianError

    try:
        return check(name)
    except DangjianError as exc:
        raise typer.BadParameter(str(exc), param_hint="NAME") from None
