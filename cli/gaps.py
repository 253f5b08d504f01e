"""Gaps and rules, statistics: the findings and figures in table, JSON, CSV or Markdown.

>>> import json
>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> rules = json.loads(CliRunner().invoke(app, ["rules", "--json"]).stdout)
>>> "community-without-org" in {r["id"] for r in rules}
True
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from dangjian.cli.common import (
    FINDING_COLUMNS,
    AreaOpt,
    AsOfOpt,
    BackendOpt,
    ConfigOpt,
    DatabaseOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    ShardOpt,
    ShardSizeOpt,
    UriOpt,
    _date,
    _graph,
    _graph_for,
    _lang,
    _source,
    command,
)
from dangjian.cli.output import Progress, Table, emit_json, out
from dangjian.graph.safe import printable, spreadsheet_cell
from dangjian.wording import t, texts

if TYPE_CHECKING:  # the queries load on a command's first use, not on every start
    from dangjian.queries.findings import Finding


@command()
def gaps(
    db: DbOpt = None,
    area: AreaOpt = None,
    rule_ids: Annotated[list[str] | None, typer.Option("--rule", help="help.gaps.rule")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="help.gaps.severity")] = None,
    as_of: AsOfOpt = None,
    config: ConfigOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="help.gaps.format")] = "table",
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="help.gaps.fail_on")] = None,
    limit: Annotated[int, typer.Option("--limit", help="help.gaps.limit")] = 50,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    shard_level: ShardOpt = "street",
    shard_size: ShardSizeOpt = 5_000,
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Coverage gaps and rule breaches, each with the regulation it breaks and what to do."""
    from dangjian.queries import SEVERITIES, load_config, run_rules, summarize

    lang = _lang(lang)
    fmt = "json" if as_json else fmt
    if fmt not in ("table", "json", "csv", "md"):
        raise typer.BadParameter(t("cli.use_one_of", choices="table, json, csv, md"), param_hint="--format")
    for opt, value in (("--severity", severity), ("--fail-on", fail_on)):
        if value is not None and value not in SEVERITIES:
            raise typer.BadParameter(t("cli.use_one_of", choices=", ".join(SEVERITIES)), param_hint=opt)
    as_of = _date(as_of)
    options = {"as_of": as_of, "config": load_config(config), "rules": rule_ids, "min_severity": severity, "lang": lang}
    with _source(backend, uri, database) as source:
        if source is None:
            findings = run_rules(_graph(db), area=area, **options)
        else:
            from dangjian.queries.sharded import run_rules_sharded

            progress = Progress(fmt == "table" and sys.stderr.isatty())
            try:
                findings = run_rules_sharded(source, level=shard_level, area=area, size=shard_size, progress=progress,
                                             **options)
            finally:
                progress.close()
    summary = summarize(findings)
    if fmt == "json":
        emit_json({"as_of": as_of, "summary": summary, "findings": findings})
    elif fmt == "csv":
        sys.stdout.write(_findings_csv(findings))
    elif fmt == "md":
        sys.stdout.write(_findings_md(findings, summary, lang))  # cells made printable by _md
    else:
        _print_findings(findings, summary, lang, limit)
    if fail_on is not None:
        order = {s: i for i, s in enumerate(SEVERITIES)}
        if any(order[f.severity] <= order[fail_on] for f in findings):
            raise typer.Exit(4)




def _cell(f: Finding, key: str) -> str:
    v = getattr(f, key)
    if key == "area_path":
        return ">".join(v)
    if key == "facts":
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _findings_csv(findings: list[Finding]) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(FINDING_COLUMNS)
    for f in findings:  # a spreadsheet runs none of it as a formula, a terminal sees no control
        w.writerow([spreadsheet_cell(printable(_cell(f, k))) for k in FINDING_COLUMNS])
    return buf.getvalue()


def _md(text: str) -> str:
    return printable(text.replace("\n", " ")).replace("|", "\\|")


def _findings_md(findings: list[Finding], summary: dict, lang: str) -> str:
    head = [t(f"cli.md.{k}") for k in ("severity", "finding", "entity", "area", "action", "source")]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    sev = texts("severity")
    for f in findings:
        cells = [sev[f.severity], f.title, f"{f.name} ({f.entity})", ">".join(f.area_path), f.action, f.cite]
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    return "\n".join(lines) + f"\n\n{t('cli.md.total', n=summary['total'])}\n"


def _print_findings(findings: list[Finding], summary: dict, lang: str, limit: int) -> None:
    sev = texts("severity")
    table = Table(title=None)
    for col in ("severity", "finding", "entity", "area", "action"):
        table.add_column(t(f"cli.table.{col}"), overflow="fold")
    shown = findings if limit <= 0 else findings[:limit]
    for f in shown:
        area = ">".join(f.area_path[-2:])
        table.add_row(sev[f.severity], f.title, f"{f.name}\n{f.entity}", area, f.action)
    if findings:
        out.print(table)
    if len(shown) < len(findings):
        out.print(t("cli.gaps.first", n=len(shown), total=len(findings)), markup=False)
    by_sev = t("cli.list_sep").join(f"{sev[s]} {n}" for s, n in summary["by_severity"].items())
    out.print(t("cli.gaps.total", n=summary["total"], by_severity=by_sev), markup=False)
    from dangjian.queries import rules_registry

    reg = rules_registry()
    for key, labeler in (("by_area", str), ("by_rule", lambda r: reg[r].title[lang])):
        part = Table(title=t(f"cli.gaps.{key}"), title_justify="left")
        part.add_column(t(f"cli.gaps.{key}_column"))
        part.add_column(t("cli.count"), justify="right")
        items = list(summary[key].items())  # most findings first
        cap = limit if key == "by_area" and limit else len(items)
        for k, n in items[:cap]:
            part.add_row(labeler(k), str(n))
        if len(items) > cap:  # the table's --limit also caps the areas listed
            part.add_row(t("cli.gaps.more_areas", n=len(items) - cap), str(sum(n for _, n in items[cap:])))
        if summary[key]:
            out.print(part)


@command("rules")
def rules_cmd(lang: LangOpt = "zh", as_json: JsonOpt = False) -> None:
    """The gap rules with their citations, severities and thresholds."""
    from dangjian.queries import rules_registry

    lang = _lang(lang)
    reg = rules_registry()
    rows = [{"id": r.id, "severity": r.severity, "title": r.title[lang], "cite": r.cite[lang],
             "params": r.params, "module": r.module} for r in reg.values()]  # fmt: skip
    if as_json:
        emit_json(rows)
        return
    table = Table()
    for i, col in enumerate(("rule", "severity", "title", "source", "thresholds")):
        table.add_column(t(f"cli.rules.{col}"), overflow="fold", no_wrap=i == 0)
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        table.add_row(r["id"], t(f"severity.{r['severity']}"), r["title"], r["cite"], params)
    out.print(table)




@command()
def stats(
    db: DbOpt = None,
    area: AreaOpt = None,
    report: Annotated[bool, typer.Option("--report", help="help.stats.report")] = False,
    as_of: AsOfOpt = None,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Organizations, members and coverage rates of an area."""
    from dangjian.queries.stats import area_stats, report_paragraph, stats_rows

    lang = _lang(lang)
    g, root = _graph_for(backend, uri, database, db, area=area)
    data = area_stats(g, root or area, as_of=_date(as_of))
    if as_json:
        emit_json({**data, "report": report_paragraph(data, lang)} if report else data)
        return
    if report:
        out.print(report_paragraph(data, lang), markup=False)
        return
    table = Table(title=t("cli.stats_title", name=data["name"], date=data["as_of"]), title_justify="left",
                  show_header=False)  # fmt: skip
    table.add_column()
    table.add_column(justify="right")
    for label, value in stats_rows(data, lang):
        table.add_row(label, value)
    out.print(table)
