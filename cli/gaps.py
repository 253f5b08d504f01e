"""Gaps and rules, statistics: the findings and figures in table, JSON, CSV or Markdown.

>>> import json
>>> from typer.testing import CliRunner
>>> from dangjian.cli.main import app
>>> rules = json.loads(CliRunner().invoke(app, ["rules", "--json"]).stdout)
>>> "community-without-org" in {r["id"] for r in rules}
True
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dangjian.cli.common import command
from dangjian.cli.options import AreaOpt, ConfigOpt, Run, ShardOpt, ShardSizeOpt, one_of
from dangjian.cli.output import Progress, Table, check_output, emit_json, out, write_workbook
from dangjian.wording import t, texts

if TYPE_CHECKING:  # the queries load on a command's first use, not on every start
    from dangjian.queries.findings import Finding

FORMATS = ("table", "json", "csv", "md", "xlsx")
OutputOpt = Annotated[Path | None, typer.Option("-o", "--output", help="help.gaps.output", show_default=False)]


@command(shared=("backend", "as_of", "lang", "json"))
def gaps(
    run: Run,
    area: AreaOpt = None,
    rule_ids: Annotated[list[str] | None, typer.Option("--rule", help="help.gaps.rule")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="help.gaps.severity")] = None,
    config: ConfigOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="help.gaps.format")] = "table",
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="help.gaps.fail_on")] = None,
    limit: Annotated[int, typer.Option("--limit", help="help.gaps.limit")] = 50,
    shard_level: ShardOpt = "street",
    shard_size: ShardSizeOpt = 5_000,
    output: OutputOpt = None,
    since_name: Annotated[str | None, typer.Option("--since", help="help.gaps.since", show_default=False)] = None,
) -> None:
    """Coverage gaps and rule breaches, each with the regulation it breaks and what to do."""
    from dangjian.queries import SEVERITIES, summarize
    from dangjian.queries.formats import at_least, findings_csv, findings_md

    fmt = "json" if run.as_json and fmt != "xlsx" else one_of(fmt, FORMATS, "--format")
    check_output(fmt, output, ("csv", "md", "xlsx"), "问题清单.xlsx")
    severity = one_of(severity, SEVERITIES, "--severity", labels="severity.")
    fail_on = one_of(fail_on, SEVERITIES, "--fail-on", labels="severity.")
    if since_name is not None and (fmt not in ("table", "json") or run.backend != "embedded"):
        raise typer.BadParameter(t("cli.gaps.since_only"), param_hint="--since")
    findings = _findings(run, area, config, rule_ids, severity, shard_level, shard_size, fmt == "table")
    summary = summarize(findings)
    changes = _since(run, since_name, findings, area, config, rule_ids, severity) if since_name else None
    if changes is not None and fmt == "json":
        marks, gone, before = changes
        emit_json({"as_of": run.date, "summary": summary,
                   "since": {"name": since_name, "as_of": before["as_of"], "new": marks.count("new"),
                             "open": marks.count("open"), "resolved": len(gone)},
                   "findings": [{**f.to_dict(), "change": c} for f, c in zip(findings, marks, strict=True)],
                   "resolved": gone})  # fmt: skip
    elif changes is not None:
        _print_findings(findings, summary, run.lang, limit, marks=changes[0])
        _print_since(since_name, *changes, limit)
    elif fmt == "xlsx":
        from dangjian.report.work import gaps_workbook

        g, root = run.graph_for(area=area)
        write_workbook(run, output, gaps_workbook(g, findings, root or area, as_of=run.date))
    elif fmt == "json":
        emit_json({"as_of": run.date, "summary": summary, "findings": findings})
    elif fmt in ("csv", "md"):
        text = findings_csv(findings) if fmt == "csv" else findings_md(findings)
        if output is None:
            sys.stdout.write(text)
        else:
            from dangjian.graph.fileio import atomic_write_text

            atomic_write_text(output, text)
            out.print(t("cli.file_written", path=output, what=t("cli.md.total", n=len(findings))), markup=False)
    else:
        _print_findings(findings, summary, run.lang, limit)
    if fail_on is not None and at_least(findings, fail_on):
        raise typer.Exit(4)


def _findings(run: Run, area: str | None, config: Path | None, rules: list[str] | None, severity: str | None,
              level: str, size: int, show_progress: bool) -> list[Finding]:  # fmt: skip
    """The findings on the workspace, or on Neo4j shard by shard."""
    from dangjian.queries import load_config, run_rules

    options: dict[str, Any] = {"as_of": run.date, "config": load_config(config), "rules": rules,
                               "min_severity": severity, "area": area}  # fmt: skip
    with run.source() as source:
        if source is None:
            return run_rules(run.tables(), **options)
        from dangjian.queries.sharded import run_rules_sharded

        progress = Progress(show_progress and sys.stderr.isatty())
        try:
            return run_rules_sharded(source, level=level, size=size, progress=progress, **options)
        finally:
            progress.close()


def _since(run: Run, name: str, findings: list[Finding], area: str | None, config: Path | None,
           rule_ids: list[str] | None, severity: str | None) -> tuple[list[str], list[dict], dict]:  # fmt: skip
    """(each finding's change against the snapshot ``name``, the snapshot's findings resolved since,
    the snapshot), the resolved ones of the same rules, severity and area as the findings."""
    from dangjian.graph import Workspace
    from dangjian.graph.roles import AREA
    from dangjian.queries import GraphIndex, load_config
    from dangjian.queries.changes import check_snapshot_name, rules_run, since
    from dangjian.queries.lookup import resolve
    from dangjian.queries.registry import SEVERITIES

    with Workspace.open(run.db_path) as ws:
        before = ws.snapshot(check_snapshot_name(name))
    inside = None
    if area is not None:
        tables = run.tables()
        ix = GraphIndex(tables, run.date)
        inside = set(ix.area_subtree(resolve(tables, area, types=[AREA])))

    def keep(f: dict) -> bool:
        if severity is not None and SEVERITIES.index(f["severity"]) > SEVERITIES.index(severity):
            return False
        return inside is None or f.get("community") in inside or ix.area_of(f["entity"]) in inside

    marks, gone = since(before, findings, rules=rules_run(rule_ids, load_config(config)), keep=keep)
    return marks, gone, before


def _print_since(name: str, marks: list[str], gone: list[dict], before: dict, limit: int) -> None:
    """The line that counts the changes since the snapshot, and the findings resolved since."""
    from dangjian.report.tables import finding_title

    out.print(t("changes.since_line", name=name, as_of=before["as_of"], new=marks.count("new"),
                open=marks.count("open"), resolved=len(gone)), markup=False)  # fmt: skip
    if not gone:
        return
    sev = texts("severity")
    table = Table(title=t("changes.sheet_resolved"), title_justify="left")
    for col in ("severity", "finding", "entity", "action"):
        table.add_column(t(f"cli.table.{col}"), overflow="fold")
    shown = gone if limit <= 0 else gone[:limit]
    for f in shown:
        table.add_row(sev.get(f["severity"], f["severity"]), finding_title(f), f"{f['name']}\n{f['entity']}", f["action"])
    out.print(table)
    if len(shown) < len(gone):
        out.print(t("changes.more", n=len(gone) - len(shown)), markup=False)


def _print_findings(findings: list[Finding], summary: dict, lang: str, limit: int,
                    marks: list[str] | None = None) -> None:  # fmt: skip
    """The findings as a table (the first ``limit``), with their counts by area and by rule; with
    ``marks``, each one's change since a snapshot under its severity."""
    sev = texts("severity")
    table = Table(title=None)
    for col in ("severity", "finding", "entity", "area", "action"):
        table.add_column(t(f"cli.table.{col}"), overflow="fold")
    shown = findings if limit <= 0 else findings[:limit]
    change = {"new": t("changes.status_new"), "open": t("changes.status_open")}
    for i, f in enumerate(shown):
        area = ">".join(f.area_path[-2:])
        level = sev[f.severity] if marks is None else f"{sev[f.severity]}\n{change[marks[i]]}"
        table.add_row(level, f.title, f"{f.name}\n{f.entity}", area, f.action)
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


@command("rules", shared=("lang", "json"))
def rules_cmd(run: Run) -> None:
    """The gap rules with their citations, severities and thresholds."""
    from dangjian.queries import rules_registry

    rows = [{"id": r.id, "severity": r.severity, "title": r.title[run.lang], "cite": r.cite[run.lang],
             "params": r.params, "module": r.module} for r in rules_registry().values()]  # fmt: skip
    run.output(rows, lambda: _print_rules(rows))


def _print_rules(rows: list[dict]) -> None:
    table = Table()
    for i, col in enumerate(("rule", "severity", "title", "source", "thresholds")):
        table.add_column(t(f"cli.rules.{col}"), overflow="fold", no_wrap=i == 0)
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        table.add_row(r["id"], t(f"severity.{r['severity']}"), r["title"], r["cite"], params)
    out.print(table)


@command(shared=("backend", "as_of", "lang", "json"))
def stats(
    run: Run,
    area: AreaOpt = None,
    report: Annotated[bool, typer.Option("--report", help="help.stats.report")] = False,
    fmt: Annotated[str, typer.Option("--format", help="help.stats.format")] = "table",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="help.stats.output", show_default=False)] = None,
) -> None:
    """Organizations, members and coverage rates of an area."""
    from dangjian.queries.stats import area_stats, report_paragraph

    fmt = one_of(fmt, ("table", "xlsx"), "--format")
    check_output(fmt, output, ("xlsx",), "统计.xlsx")
    g, root = run.graph_for(area=area)
    if fmt == "xlsx":
        from dangjian.report.work import stats_workbook

        write_workbook(run, output, stats_workbook(g, root or area, as_of=run.date))
        return
    data = area_stats(g, root or area, as_of=run.date)
    if report:
        paragraph = report_paragraph(data)
        run.output({**data, "report": paragraph}, lambda: out.print(paragraph, markup=False))
    else:
        run.output(data, lambda: _print_stats(data))


def _print_stats(data: dict) -> None:
    from dangjian.queries.stats import stats_rows

    table = Table(title=t("cli.stats_title", name=data["name"], date=data["as_of"]), title_justify="left",
                  show_header=False)  # fmt: skip
    table.add_column()
    table.add_column(justify="right")
    for label, value in stats_rows(data):
        table.add_row(label, value)
    out.print(table)
