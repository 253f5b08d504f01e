"""Neo4j: push, bulk-import files, saved queries. Listing the saved queries needs no server:

>>> import json
>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> [q["name"] for q in json.loads(CliRunner().invoke(app, ["neo4j", "query", "--json"]).stdout)][:2]
['community_few_partners', 'community_without_org']
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from dangjian.cli.common import app, command
from dangjian.cli.options import Run
from dangjian.cli.output import Progress, out
from dangjian.cli.shell import Group
from dangjian.graph import Workspace
from dangjian.wording import t

neo4j_app = typer.Typer(name="neo4j", help="help.cmd.neo4j", cls=Group, no_args_is_help=True, rich_markup_mode=None)
app.add_typer(neo4j_app, name="neo4j")


@command("push", on=neo4j_app, shared=("db", "neo4j", "lang", "json"))
def neo4j_push(
    run: Run,
    batch_size: Annotated[int, typer.Option("--batch-size", help="help.neo4j.batch_size")] = 5_000,
    personal: Annotated[bool, typer.Option("--personal", help="help.neo4j.personal_push")] = False,
) -> None:
    """Send the workspace graph to Neo4j 5 (constraints first, then batches created into an empty
    database, merged otherwise; idempotent)."""
    with Workspace.open(run.db_path) as ws, run.store() as store:
        progress = Progress(not run.as_json and sys.stderr.isatty())
        try:
            result = store.push(ws, batch_size=batch_size, personal=personal, progress=progress)
        finally:
            progress.close()
    run.output(result.as_dict(), lambda: _print_push(run, result))


def _print_push(run: Run, result) -> None:
    nodes, rels = sum(result.nodes.values()), sum(result.relationships.values())
    out.print(t("cli.neo4j.pushed", uri=run.uri, database=run.database, nodes=nodes, rels=rels), markup=False)
    if result.skipped:
        out.print(t("cli.neo4j.push_skipped", n=result.skipped), markup=False)
    if result.pruned_nodes or result.pruned_relationships:
        out.print(t("cli.neo4j.pruned", nodes=result.pruned_nodes, rels=result.pruned_relationships), markup=False)


@command("export", on=neo4j_app, shared=("db", "lang", "json"))
def neo4j_export(
    run: Run,
    folder: Annotated[Path, typer.Argument(help="help.neo4j.folder")],
    personal: Annotated[bool, typer.Option("--personal", help="help.neo4j.personal_export")] = False,
) -> None:
    """Write the files for `neo4j-admin database import full` and print the import command."""
    from dangjian.graph.neo4j_export import export_workspace

    with Workspace.open(run.db_path) as ws:
        result = export_workspace(ws, folder, personal=personal)
    run.output(result.as_dict(), lambda: _print_export(folder, result))


def _print_export(folder: Path, result) -> None:
    out.print(t("cli.neo4j.exported", folder=folder, nodes=result.nodes, rels=result.relationships)
              + (t("cli.neo4j.export_skipped", n=result.skipped) if result.skipped else ""), markup=False)
    out.print(t("cli.neo4j.import_with"), markup=False)
    out.print(result.command, markup=False)


@command("query", on=neo4j_app, shared=("neo4j", "as_of", "lang", "json"))
def neo4j_query(
    run: Run,
    name: Annotated[str | None, typer.Argument(help="help.neo4j.query_name")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="help.neo4j.param")] = None,
) -> None:
    """Run a saved gap query (queries/cypher/*.cypher) on Neo4j, or list them."""
    from dangjian.queries.saved import run_saved, saved_queries

    if name is None:
        listing = [{"name": q.name, "rule": q.rule, "title": q.title, "params": q.params, "path": str(q.path)}
                   for q in saved_queries()]  # fmt: skip
        run.output(listing, lambda: _print_saved(listing))
        return
    params = _params(param or [])
    with run.store() as store:
        rows = run_saved(store, name, as_of=run.date, **params)
    run.output(json.loads(json.dumps(rows, ensure_ascii=False, default=str)), lambda: _print_rows(rows))


def _params(items: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs: each value read as JSON, else as text."""
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(t("cli.neo4j.key_value", item=item), param_hint="--param")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


def _print_saved(listing: list[dict]) -> None:
    for q in listing:
        out.print(t("cli.neo4j.saved", name=q["name"], rule=q["rule"], title=q["title"],
                    params=json.dumps(q["params"], ensure_ascii=False)), markup=False)  # fmt: skip


def _print_rows(rows: list[dict]) -> None:
    for row in rows:
        out.print("  ".join(f"{k}={v}" for k, v in row.items()), markup=False)
    out.print(t("cli.neo4j.rows", n=len(rows)), markup=False)
