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
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dangjian.cli.common import (
    FINDING_COLUMNS,
    SEV_LABEL,
    AsOfOpt,
    BackendOpt,
    DatabaseOpt,
    DbOpt,
    JsonOpt,
    LangOpt,
    ShardOpt,
    ShardSizeOpt,
    Table,
    UriOpt,
    _date,
    _emit_json,
    _graph,
    _graph_for,
    _lang,
    _Progress,
    _source,
    app,
    handles_errors,
    out,
)
from dangjian.graph import model
from dangjian.graph.safe import printable, spreadsheet_cell

if TYPE_CHECKING:  # the queries load on a command's first use, not on every start
    from dangjian.queries.findings import Finding


@app.command()
@handles_errors
def gaps(
    db: DbOpt = None,
    area: Annotated[str | None, typer.Option("--area", help="Only this area (id or name) and below.")] = None,
    rule_ids: Annotated[list[str] | None, typer.Option("--rule", help="Only this rule (repeatable).")] = None,
    severity: Annotated[str | None, typer.Option("--severity", help="Only this severity and above: high, medium, low.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate on this date (YYYY-MM-DD) [default: today].")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Rule thresholds (YAML), see `dangjian rules`.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json, csv or md.")] = "table",
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Exit 4 if a finding of this severity or above is found.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows shown in the table (0: all).")] = 50,
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
        raise typer.BadParameter("use table, json, csv or md", param_hint="--format")
    for opt, value in (("--severity", severity), ("--fail-on", fail_on)):
        if value is not None and value not in SEVERITIES:
            raise typer.BadParameter(f"use one of {', '.join(SEVERITIES)}", param_hint=opt)
    as_of = _date(as_of)
    options = {"as_of": as_of, "config": load_config(config), "rules": rule_ids, "min_severity": severity, "lang": lang}
    with _source(backend, uri, database) as source:
        if source is None:
            findings = run_rules(_graph(db), area=area, **options)
        else:
            from dangjian.queries.sharded import run_rules_sharded

            progress = _Progress(fmt == "table" and sys.stderr.isatty(), lang)
            try:
                findings = run_rules_sharded(source, level=shard_level, area=area, size=shard_size, progress=progress,
                                             **options)
            finally:
                progress.close()
    summary = summarize(findings)
    if fmt == "json":
        _emit_json({"as_of": as_of, "summary": summary, "findings": findings})
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
    head = ["严重程度", "问题", "对象", "区域", "建议", "依据"] if lang == "zh" else \
        ["severity", "finding", "entity", "area", "action", "source"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in findings:
        cells = [SEV_LABEL[lang][f.severity], f.title, f"{f.name} ({f.entity})", ">".join(f.area_path),
                 f.action, f.cite]  # fmt: skip
        lines.append("| " + " | ".join(_md(c) for c in cells) + " |")
    total = f"{'共' if lang == 'zh' else 'total'} {summary['total']}"
    return "\n".join(lines) + f"\n\n{total}\n"


def _print_findings(findings: list[Finding], summary: dict, lang: str, limit: int) -> None:
    zh = lang == "zh"
    table = Table(title=None)
    for col in (["级别", "问题", "对象", "区域", "建议"] if zh else ["sev", "finding", "entity", "area", "action"]):
        table.add_column(col, overflow="fold")
    shown = findings if limit <= 0 else findings[:limit]
    for f in shown:
        area = ">".join(f.area_path[-2:])
        table.add_row(SEV_LABEL[lang][f.severity], f.title, f"{f.name}\n{f.entity}", area, f.action)
    if findings:
        out.print(table)
    if len(shown) < len(findings):
        out.print((f"（仅显示前 {len(shown)} 条，共 {len(findings)} 条；--limit 0 显示全部）" if zh else
                   f"(first {len(shown)} of {len(findings)}; --limit 0 shows all)"), markup=False)  # fmt: skip
    by_sev = "，".join(f"{SEV_LABEL[lang][s]} {n}" for s, n in summary["by_severity"].items())
    out.print((f"共发现问题 {summary['total']} 个（{by_sev}）" if zh else
               f"{summary['total']} findings ({by_sev})"), markup=False)  # fmt: skip
    from dangjian.queries import rules_registry

    reg = rules_registry()
    for title, key, labeler in ((("按区域" if zh else "by area"), "by_area", str),
                                (("按规则" if zh else "by rule"), "by_rule", lambda r: reg[r].title[lang])):  # fmt: skip
        t = Table(title=title, title_justify="left")
        t.add_column("区域" if zh and key == "by_area" else "规则" if zh else key[3:])
        t.add_column("数量" if zh else "count", justify="right")
        items = list(summary[key].items())  # most findings first
        cap = limit if key == "by_area" and limit else len(items)
        for k, n in items[:cap]:
            t.add_row(labeler(k), str(n))
        if len(items) > cap:  # the table's --limit also caps the areas listed
            t.add_row(f"…另有 {len(items) - cap} 个区域（--limit 0 显示全部）" if zh
                      else f"… {len(items) - cap} more areas (--limit 0 shows all)", str(sum(n for _, n in items[cap:])))  # fmt: skip
        if summary[key]:
            out.print(t)


@app.command("rules")
@handles_errors
def rules_cmd(lang: LangOpt = "zh", as_json: JsonOpt = False) -> None:
    """The gap rules with their citations, severities and thresholds."""
    from dangjian.queries import rules_registry

    lang = _lang(lang)
    reg = rules_registry()
    rows = [{"id": r.id, "severity": r.severity, "title": r.title[lang], "cite": r.cite[lang],
             "params": r.params, "module": r.module} for r in reg.values()]  # fmt: skip
    if as_json:
        _emit_json(rows)
        return
    table = Table()
    for i, col in enumerate(["规则", "级别", "名称", "依据", "阈值"] if lang == "zh" else
                            ["rule", "sev", "title", "source", "thresholds"]):  # fmt: skip
        table.add_column(col, overflow="fold", no_wrap=i == 0)
    for r in rows:
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        table.add_row(r["id"], SEV_LABEL[lang][r["severity"]], r["title"], r["cite"], params)
    out.print(table)




@app.command()
@handles_errors
def stats(
    db: DbOpt = None,
    area: Annotated[str | None, typer.Option("--area", help="Area (id or name) [default: everything].")] = None,
    report: Annotated[bool, typer.Option("--report", help="Write the opening paragraph of a work report.")] = False,
    as_of: AsOfOpt = None,
    backend: BackendOpt = "embedded",
    uri: UriOpt = None,
    database: DatabaseOpt = "neo4j",
    lang: LangOpt = "zh",
    as_json: JsonOpt = False,
) -> None:
    """Organizations, members and coverage rates of an area."""
    from dangjian.queries.stats import area_stats, report_paragraph

    lang = _lang(lang)
    g, root = _graph_for(backend, uri, database, db, area=area)
    data = area_stats(g, root or area, as_of=_date(as_of))
    if as_json:
        _emit_json({**data, "report": report_paragraph(data, lang)} if report else data)
        return
    if report:
        out.print(report_paragraph(data, lang), markup=False)
        return
    m = model()
    zh = lang == "zh"
    t = Table(title=f"{data['name']}（{data['as_of']}）" if zh else f"{data['name']} ({data['as_of']})",
              title_justify="left", show_header=False)  # fmt: skip
    t.add_column()
    t.add_column(justify="right")

    def enum_rows(title: str, enum: str, counts: dict) -> None:
        for k, n in counts.items():
            label = m.enums[enum].label(k, lang) if k in m.enums[enum].values else \
                ("不详" if zh else "unknown") if k in (None, "unknown") else k  # a roster without the column
            t.add_row(f"{title}：{label}" if zh else f"{title}: {label}", str(n))

    c, u, r = data["communities"], data["units"], data["two_way_reporting"]
    t.add_row("社区（村）" if zh else "communities", f"{c['total']}")
    t.add_row("建立党组织的社区" if zh else "with an organization", f"{c['with_org']}（{_pct(c['rate'])}）")
    t.add_row("党组织" if zh else "organizations", str(data["organizations"]["total"]))
    enum_rows("党组织" if zh else "organizations", "org_kind", data["organizations"]["by_kind"])
    t.add_row("党员" if zh else "members", str(data["members"]["total"]))
    enum_rows("党员" if zh else "members", "member_situation", data["members"]["by_situation"])
    ages = {"under_35": "35岁以下", "35_to_60": "35至60岁", "over_60": "60岁以上", "unknown": "年龄不详"}
    for k, n in data["members"]["by_age"].items():
        t.add_row(ages[k] if zh else k.replace("_", " "), str(n))
    enum_rows("学历" if zh else "education", "education", data["members"]["by_education"])
    enum_rows("性别" if zh else "sex", "sex", data["members"]["by_sex"])
    t.add_row("驻区单位" if zh else "resident units", str(u["total"]))
    t.add_row("两新组织" if zh else "new economic/social orgs", str(u["two_new"]))
    t.add_row("具备条件的两新组织建党组织" if zh else "eligible ones with an organization",
              f"{u['two_new_eligible_with_org']}/{u['two_new_eligible']}（{_pct(u['two_new_org_rate'])}）")
    t.add_row("两新组织工作覆盖率" if zh else "work coverage", _pct(u["two_new_work_coverage_rate"]))
    t.add_row("在职党员双报到" if zh else "two-way reporting", f"{r['reported']}/{r['in_service_residents']}（{_pct(r['rate'])}）")
    t.add_row("有效共建协议" if zh else "agreements in force", str(data["co_construction"]["agreements_in_force"]))
    t.add_row("平均每社区共建单位" if zh else "partners per community", str(data["co_construction"]["partners_per_community"]))
    out.print(t)


def _pct(x) -> str:
    return "—" if x is None else f"{x:g}%"


