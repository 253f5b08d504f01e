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

from dangjian.cli.common import (
    AsOfOpt,
    DatabaseOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    UriOpt,
    _date,
    _emit_json,
    _lang,
    _neo4j,
    _Progress,
    app,
    handles_errors,
    out,
)
from dangjian.graph import Workspace, default_db_path

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


