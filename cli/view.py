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

from dangjian.cli.common import command
from dangjian.cli.options import ConfigOpt, Run, one_of
from dangjian.cli.output import out
from dangjian.wording import t


@command(shared=("backend", "as_of", "lang", "json"))
def view(
    run: Run,
    kind: Annotated[str, typer.Argument(help="help.view.kind", show_default=False)],
    target: Annotated[str | None, typer.Argument(help="help.view.target")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="help.view.output", show_default=False)] = None,
    config: ConfigOpt = None,
    severity: Annotated[str | None, typer.Option("--severity", help="help.view.severity")] = None,
    members: Annotated[bool, typer.Option("--members", help="help.view.members")] = False,
    show_names: Annotated[bool, typer.Option("--show-names", help="help.view.show_names")] = False,
) -> None:
    """Write an interactive network view as one offline HTML file."""
    from dangjian.queries import SEVERITIES, load_config
    from dangjian.viz import VIEWS, build_view, write_view

    one_of(kind, VIEWS, "KIND")
    severity = one_of(severity, SEVERITIES, "--severity", labels="severity.")
    options: dict[str, Any] = {"as_of": run.date, "show_names": show_names, "config": load_config(config),
                               "guard": None if show_names else run.guard(),
                               **({"min_severity": severity} if kind == "gaps" else {}),
                               **({"members": members} if kind in ("community", "gaps") else {})}  # fmt: skip
    # the community view reads the shard of its community
    g, _ = run.graph_for(entity=target if kind == "community" and target else None, area=target)
    built = build_view(g, kind, target, **options)
    path = write_view(built, output or Path(f"{kind}.html"))
    summary = {**built.summary(), "path": str(path), "bytes": path.stat().st_size}
    run.output(summary, lambda: out.print(t("cli.view_written", title=built.title, path=path, nodes=summary["nodes"],
                                            edges=summary["edges"]), markup=False))  # fmt: skip
