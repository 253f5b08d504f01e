"""The tables handed up, as plain data: a title, headers and rows of text and numbers, in the
language asked for. Writers (:mod:`~dangjian.report.xlsx`, :mod:`~dangjian.report.docx`) only lay
them out.

>>> from dangjian.queries.findings import Finding
>>> f = Finding("community-without-org", "high", "社区没有党组织", "c1", "Area", "彩云社区", "c1",
...             ["古城区", "彩云社区"], {"orgs": 0}, "组建党组织", "《条例》第五条")
>>> t = findings_table([f], "zh")
>>> t.headers[:4], t.rows[0][:4]
(['级别', '问题', '对象', '编号'], ['高', '社区没有党组织', '彩云社区', 'c1'])
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dangjian.graph.schema import model
from dangjian.queries.findings import Finding
from dangjian.queries.registry import SEVERITIES
from dangjian.wording import choose, t

__all__ = ["Table", "findings_table", "breakdown_table", "stats_table", "kinds_table", "changes_tables",
           "changes_heading", "partners_tables", "partners_heading", "finding_title"]


@dataclass
class Table:
    """A table to hand up. ``rows`` hold text, whole numbers, decimals or None (an empty cell)."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def _h(key: str, lang: str) -> str:
    return t(f"handup.col_{key}", lang)


def findings_table(findings: Sequence[Finding], lang: str | None = None) -> Table:
    """One row per finding: severity, finding, entity (people masked, as the findings name them),
    id, type, area path, facts, action, source, rule."""
    lang = choose(lang)
    m = model()
    head = [_h(k, lang) for k in ("severity", "title", "name", "entity", "type", "path", "facts", "action", "cite",
                                  "rule")]  # fmt: skip
    rows = []
    for f in findings:
        kind = m.record(f.entity_type).label(lang) if f.entity_type in m.nodes else (f.entity_type or "")
        facts = json.dumps(f.facts, ensure_ascii=False) if f.facts else ""
        rows.append([t(f"severity.{f.severity}", lang), f.title, str(f.name), str(f.entity), kind,
                     ">".join(f.area_path), facts, f.action, f.cite, f.rule])  # fmt: skip
    return Table(t("handup.sheet_findings", lang), head, rows)


def breakdown_table(rows: Sequence[dict[str, Any]], level: str, lang: str | None = None,
                    with_findings: bool = True) -> Table:  # fmt: skip
    """The rows of :func:`~dangjian.queries.breakdown.breakdown` (``level``: street or community);
    without the columns of findings unless ``with_findings``."""
    lang = choose(lang)
    sev = [t(f"severity.{s}", lang) for s in SEVERITIES] if with_findings else []
    head = [_h("street" if level == "street" else "community", lang), _h("path", lang), _h("communities", lang),
            _h("with_org", lang), _h("rate", lang), _h("orgs", lang), _h("members", lang),
            *([_h("findings", lang), *sev] if with_findings else [])]  # fmt: skip
    out = [[r["name"], ">".join(r["path"][:-1]), r["communities"], r["with_org"], r["rate"], r["organizations"],
            r["members"], *([r["findings_total"], *(r["findings"].get(s, 0) for s in SEVERITIES)]
                            if with_findings else [])]
           for r in rows]  # fmt: skip
    return Table(t("handup.sheet_streets" if level == "street" else "handup.sheet_communities", lang), head, out)


def stats_table(stats: dict[str, Any], lang: str | None = None) -> Table:
    """The figures of :func:`~dangjian.queries.stats.area_stats` as (item, value) rows."""
    from dangjian.queries.stats import stats_rows

    lang = choose(lang)
    return Table(t("handup.sheet_stats", lang), [_h("item", lang), _h("value", lang)],
                 [[label, value] for label, value in stats_rows(stats, lang)])  # fmt: skip


def kinds_table(stats: dict[str, Any], lang: str | None = None) -> Table:
    """The organizations of :func:`~dangjian.queries.stats.area_stats` by kind, in the schema's order."""
    lang = choose(lang)
    kinds = model().enums["org_kind"]
    by_kind = stats["organizations"]["by_kind"]
    rows = [[kinds.label(k, lang), n] for k in kinds.values if (n := by_kind.get(k))]
    rows += [[str(k), n] for k, n in by_kind.items() if k not in kinds.values]
    return Table(t("handup.sheet_kinds", lang), [_h("kind", lang), _h("count", lang)], rows)


def finding_title(f: dict[str, Any], lang: str | None = None) -> str:
    """The title of a finding kept as plain data (a snapshot's), in ``lang``: the rule's own, else the
    one kept (a snapshot keeps the language it was saved in)."""
    from dangjian.queries.registry import rules_registry

    rule = rules_registry().get(f["rule"])
    return rule.title.get(choose(lang), f["title"]) if rule is not None else f["title"]


def _c(key: str, lang: str) -> str:
    return t(f"changes.{key}", lang)


def changes_heading(diff: dict[str, Any], lang: str | None = None) -> str:
    """The sentence that opens a comparison: since which snapshot, the counts of each change."""
    lang = choose(lang)
    f, e = diff["findings"], diff["entities"]
    after = diff["to"].get("name")
    return t("changes.heading", lang, name=diff["from"].get("name") or "", before=diff["from"]["as_of"],
             after_name=f"“{after}”" if after and lang == "zh" else (f"'{after}'" if after else _c("now", lang)),
             after=diff["to"]["as_of"], new=len(f["new"]), resolved=len(f["resolved"]), open=len(f["open"]),
             added=sum(e["added"].values()), removed=sum(e["removed"].values()))  # fmt: skip


def changes_tables(diff: dict[str, Any], lang: str | None = None, *, limit: int = 0) -> list[Table]:
    """The tables of :func:`~dangjian.queries.changes.compare`: changes by street, the findings new,
    resolved and still open (``limit``: at most that many rows each, 0 for all), the key figures
    before and after, the entities added and removed."""
    lang = choose(lang)
    m = model()
    elsewhere = t("handup.elsewhere", lang)
    cols = ("new", "resolved", "open", "added", "removed")
    streets = Table(_c("sheet_streets", lang), [_h("street", lang), *(_c(f"col_{k}", lang) for k in cols)],
                    [[r["name"] or elsewhere, *(r[k] for k in cols)] for r in diff["by_street"]])  # fmt: skip
    names = {r["street"]: r["name"] for r in diff["by_street"]}

    def finding_rows(rows: list[dict[str, Any]], with_before: bool) -> list[list[Any]]:
        out = []
        for f in rows[:limit] if limit else rows:
            title = finding_title(f, lang)
            kind = m.record(f["entity_type"]).label(lang) if f["entity_type"] in m.nodes else (f["entity_type"] or "")
            row = [t(f"severity.{f['severity']}", lang), title, str(f["name"]), str(f["entity"]), kind,
                   names.get(f["street"]) or elsewhere, f["action"], f["cite"], f["rule"]]  # fmt: skip
            if with_before:
                before = f.get("severity_before")
                row.insert(1, t(f"severity.{before}", lang) if before else "")
            out.append(row)
        return out

    head = [_h(k, lang) for k in ("severity", "title", "name", "entity", "type", "street", "action", "cite", "rule")]
    found = diff["findings"]
    tables = [streets,
              Table(_c("sheet_new", lang), list(head), finding_rows(found["new"], False)),
              Table(_c("sheet_resolved", lang), list(head), finding_rows(found["resolved"], False)),
              Table(_c("sheet_open", lang), [head[0], _c("col_severity_before", lang), *head[1:]],
                    finding_rows(found["open"], True))]  # fmt: skip
    if diff["figures"]:
        rows = [[t(f"changes.fig.{r['key']}", lang), r["before"], r["after"], r["change"]]
                for r in diff["figures"] if r["key_figure"]]  # fmt: skip
        tables.append(Table(_c("sheet_figures", lang), [_h("item", lang), _c("col_before", lang),
                                                         _c("col_after", lang), _c("col_change", lang)], rows))  # fmt: skip
    e = diff["entities"]
    rows = [[m.record(k).label(lang) if k in m.nodes else k, e["added"].get(k, 0), e["removed"].get(k, 0)]
            for k in sorted(set(e["added"]) | set(e["removed"]), key=_type_order)]  # fmt: skip
    listed = [[_c("added", lang), m.record(x["type"]).label(lang) if x["type"] in m.nodes else x["type"], x["name"],
               x["id"], names.get(x["street"]) or elsewhere] for x in e["added_list"]]  # fmt: skip
    listed += [[_c("removed", lang), m.record(x["type"]).label(lang) if x["type"] in m.nodes else x["type"], x["name"],
                x["id"], names.get(x["street"]) or elsewhere] for x in e["removed_list"]]  # fmt: skip
    tables.append(Table(_c("sheet_entities", lang), [_h("type", lang), _c("col_added", lang), _c("col_removed", lang)],
                        rows))  # fmt: skip
    if listed:
        tables.append(Table(_c("sheet_entity_list", lang), [_c("col_status", lang), _h("type", lang), _h("name", lang),
                                                             _h("entity", lang), _h("street", lang)], listed))  # fmt: skip
    return tables


def _type_order(type_name: str) -> int:
    order = list(model().nodes)
    return order.index(type_name) if type_name in order else len(order)


def partners_heading(plan: dict[str, Any], lang: str | None = None) -> str:
    """The sentence that sums up a plan of :func:`~dangjian.queries.partners.suggest_partners`."""
    lang = choose(lang)
    moves = plan["moves"]
    return t("partners.heading", lang, min=plan["min_partners"], communities=plan["before"]["communities"],
             short=plan["before"]["short"], missing=plan["before"]["missing"],
             adds=sum(m["action"] == "add" for m in moves), moves=sum(m["action"] == "move" for m in moves),
             after_short=plan["after"]["short"], after_missing=plan["after"]["missing"])  # fmt: skip


def partners_tables(plan: dict[str, Any], lang: str | None = None) -> list[Table]:
    """The tables of a plan: each move, the communities before and after, what is left short."""
    lang = choose(lang)
    moves = Table(t("partners.sheet_moves", lang),
                  [t(f"partners.col_{k}", lang) for k in ("action", "unit", "unit_id", "from", "to", "street", "nearness")],
                  [[t(f"partners.{m['action']}", lang), m["unit_name"], m["unit"], m["from_name"] or "", m["to_name"],
                    m["street"] or "", t(f"partners.near_{m['nearness']}", lang)] for m in plan["moves"]])  # fmt: skip
    rows = Table(t("partners.sheet_communities", lang),
                 [_h("community", lang), _h("street", lang), t("partners.col_before", lang),
                  t("partners.col_after", lang)],
                 [[r["name"], r["street"] or "", r["before"], r["after"]] for r in plan["communities"]])  # fmt: skip
    unmet = Table(t("partners.sheet_unmet", lang),
                  [_h("community", lang), _h("street", lang), t("partners.col_after", lang), t("partners.col_missing", lang)],
                  [[r["name"], r["street"] or "", r["partners"], r["missing"]] for r in plan["unmet"]])  # fmt: skip
    return [moves, rows, unmet]
