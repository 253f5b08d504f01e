"""The work report to hand up: ``dangjian report -o 报告.docx`` (or ``.xlsx``).

>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> r = CliRunner().invoke(app, ["report", "-o", "报告.pdf"])
>>> r.exit_code, "docx" in r.stderr
(2, True)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dangjian.cli.common import command
from dangjian.cli.options import AreaOpt, ConfigOpt, Run
from dangjian.cli.output import out
from dangjian.wording import t

SUFFIXES = (".docx", ".xlsx")


@command(shared=("backend", "as_of", "lang", "json"))
def report(
    run: Run,
    output: Annotated[Path, typer.Option("-o", "--output", help="help.report.output", show_default=False)],
    area: AreaOpt = None,
    config: ConfigOpt = None,
    since_name: Annotated[str | None, typer.Option("--since", help="help.report.since", show_default=False)] = None,
) -> None:
    """Write the work report to hand up (Word or Excel)."""
    from dangjian.queries import load_config

    if output.suffix.lower() not in SUFFIXES:
        raise typer.BadParameter(t("cli.report_suffix", path=output), param_hint="-o")
    if output.is_dir():
        raise typer.BadParameter(t("view.is_folder", path=output, example="报告.docx"), param_hint="-o")
    from dangjian.report.work import work_report

    if since_name is not None and run.backend != "embedded":
        raise typer.BadParameter(t("cli.gaps.since_only"), param_hint="--since")
    before = None
    if since_name is not None:
        from dangjian.graph import Workspace
        from dangjian.queries.changes import check_snapshot_name

        with Workspace.open(run.db_path) as ws:
            before = ws.snapshot(check_snapshot_name(since_name))
    g, root = run.graph_for(area=area)
    built = work_report(g, root or area, as_of=run.date, lang=run.lang, config=load_config(config), since=before)
    if output.suffix.lower() == ".docx":
        from dangjian.report.docx import write_docx

        write_docx(output, built)
    else:
        from dangjian.report.xlsx import write_xlsx

        write_xlsx(output, built.tables())
    summary = {"path": str(output), "bytes": output.stat().st_size, "title": built.title, "as_of": built.as_of,
               "streets": len(built.streets.rows), "communities": len(built.communities.rows),
               "findings": len(built.findings.rows)}  # fmt: skip
    run.output(summary, lambda: out.print(t("cli.report_written", path=output, streets=summary["streets"],
                                            communities=summary["communities"], findings=summary["findings"]),
                                          markup=False))  # fmt: skip
