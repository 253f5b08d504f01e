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
    ConfigOpt,
    DatabaseOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    UriOpt,
    _date,
    _graph_for,
    _lang,
    command,
)
from dangjian.cli.output import emit_json, out
from dangjian.wording import t


@command()
def view(
    kind: Annotated[str, typer.Argument(help="help.view.kind", show_default=False)],
    target: Annotated[str | None, typer.Argument(help="help.view.target")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="help.view.output", show_default=False)] = None,
    db: DbOpt = None,
    as_of: AsOfOpt = None,
    config: ConfigOpt = None,
    severity: Annotated[str | None, typer.Option("--severity", help="help.view.severity")] = None,
    members: Annotated[bool, typer.Option("--members", help="help.view.members")] = False,
    show_names: Annotated[bool, typer.Option("--show-names", help="help.view.show_names")] = False,
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
        raise typer.BadParameter(t("cli.use_one_of", choices=", ".join(VIEWS)), param_hint="KIND")
    if severity is not None and severity not in SEVERITIES:
        raise typer.BadParameter(t("cli.use_one_of", choices=", ".join(SEVERITIES)), param_hint="--severity")
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
        emit_json(summary)
        return
    out.print(t("cli.view_written", title=built.title, path=path, nodes=summary["nodes"], edges=summary["edges"]),
              markup=False)


