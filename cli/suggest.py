"""Suggestions that meet the rules: ``dangjian suggest partners`` plans the partner units to add or
move so that every community has the minimum of them.

>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> r = CliRunner().invoke(app, ["suggest", "partners", "--min", "0"])
>>> r.exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dangjian.cli.common import app, command
from dangjian.cli.options import AreaOpt, ConfigOpt, Run, one_of
from dangjian.cli.output import check_output, emit_json, out, print_table, write_workbook
from dangjian.cli.shell import Group
from dangjian.wording import t

suggest_app = typer.Typer(name="suggest", help="help.cmd.suggest", cls=Group, no_args_is_help=True,
                          rich_markup_mode=None)  # fmt: skip
app.add_typer(suggest_app, name="suggest")

FORMATS = ("table", "json", "xlsx")


@command("partners", on=suggest_app, shared=("db", "as_of", "lang", "json"))
def suggest_partners_cmd(
    run: Run,
    area: AreaOpt = None,
    min_partners: Annotated[int | None, typer.Option("--min", min=1, help="help.suggest.min", show_default=False)] = None,
    per_unit: Annotated[int, typer.Option("--per-unit", min=0, help="help.suggest.per_unit")] = 1,
    no_moves: Annotated[bool, typer.Option("--no-moves", help="help.suggest.no_moves")] = False,
    config: ConfigOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="help.suggest.format")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="help.suggest.output", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", help="help.suggest.limit")] = 50,
) -> None:
    """A plan of partner units added or moved so that every community reaches the minimum."""
    from dangjian.queries import load_config
    from dangjian.queries.partners import suggest_partners
    from dangjian.report.tables import partners_heading, partners_tables

    fmt = "json" if run.as_json and fmt != "xlsx" else one_of(fmt, FORMATS, "--format")
    check_output(fmt, output, ("xlsx",), "共建调配.xlsx")
    plan = suggest_partners(run.tables(), area, min_partners=min_partners, per_unit=per_unit, moves=not no_moves,
                            as_of=run.date, config=load_config(config))  # fmt: skip
    if fmt == "json":
        emit_json(plan)
        return
    if fmt == "xlsx":
        write_workbook(run, output, partners_tables(plan, run.lang))
        return
    if not plan["before"]["short"]:
        out.print(t("partners.none_short", min=plan["min_partners"]), markup=False)
        return
    out.print(partners_heading(plan, run.lang), markup=False)
    for tb in partners_tables(plan, run.lang):
        print_table(tb, limit)
