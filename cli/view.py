"""HTML network views.

>>> import tempfile
>>> from pathlib import Path
>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> tmp = Path(tempfile.mkdtemp())
>>> CliRunner().invoke(app, ["load", "examples/xianghe", "--db", str(tmp / "w.db")]).exit_code
0
>>> r = CliRunner().invoke(app, ["view", "community", "祥云社区", "--db", str(tmp / "w.db"), "-o", str(tmp / "v.html")])
>>> r.exit_code, (tmp / "v.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
(0, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dangjian.cli.common import (
    AsOfOpt,
    BackendOpt,
    DatabaseOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    UriOpt,
    _date,
    _emit_json,
    _graph_for,
    _lang,
    app,
    handles_errors,
    out,
)

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
    g, _ = _graph_for(backend, uri, database, db, entity=target if kind == "community" and target else None,
                      area=target, as_of=options["as_of"])  # the community view: the shard of its community
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


