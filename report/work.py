"""The work report a street, district or city hands up, in the shape of the seed reports: the
opening paragraph with the figures, the organizations by kind, the figures street by street and
community by community, and the gaps grouped by street with the regulation each breaks. Plain data
(:class:`WorkReport`); :func:`~dangjian.report.docx.write_docx` and
:func:`~dangjian.report.xlsx.write_xlsx` lay it out.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> g.add_node("c", type="Area", name="彩云社区", level="community")
>>> _ = g.add_edge("s", "c", type="CONTAINS")
>>> r = work_report(g, as_of="2026-11-22", lang="zh")
>>> r.title, [(name, "community-without-org" in [f.rule for f in fs]) for name, fs in r.gaps]
('祥和街道基层党建工作情况报告', [('祥和街道', True)])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.queries.breakdown import breakdown, group_findings
from dangjian.queries.findings import Finding
from dangjian.queries.index import GraphIndex
from dangjian.queries.run import run_rules
from dangjian.queries.stats import area_stats, report_paragraph
from dangjian.report.tables import (
    Table,
    breakdown_table,
    changes_tables,
    findings_table,
    kinds_table,
    stats_table,
)
from dangjian.wording import choose, t

__all__ = ["WorkReport", "work_report", "gaps_workbook", "stats_workbook"]


@dataclass
class WorkReport:
    """What a work report says: ``gaps`` are (street name, its findings), in the area tree's order."""

    title: str
    as_of: str
    lang: str
    paragraph: str
    stats: dict[str, Any]
    figures: Table  # the statistics, item by item
    kinds: Table  # organizations by kind
    streets: Table
    communities: Table
    findings: Table  # every finding, one row each
    gaps: list[tuple[str, list[Finding]]] = field(default_factory=list)
    changes: dict[str, Any] | None = None  # what changed since a snapshot (queries.changes.compare)

    def tables(self) -> list[Table]:
        """The tables in the order a workbook of the report holds them (those of the changes last)."""
        found = [self.figures, self.kinds, self.streets, self.communities, self.findings]
        if self.changes is not None:
            found += changes_tables(self.changes, self.lang)
        return found


def work_report(g: nx.MultiDiGraph | Tables, area: str | None = None, *, as_of=None, lang: str | None = None,
                config: dict | None = None, since: dict[str, Any] | None = None) -> WorkReport:  # fmt: skip
    """The report of ``area`` (an id or name; everything when None) as of a date, in ``lang``
    (default: the language in use); the rules run with ``config``. ``g``: a graph or a workspace's
    columns. ``since``: a snapshot (:func:`~dangjian.queries.changes.take_snapshot`) to say what
    changed since, in a section of its own."""
    lang = choose(lang)
    ix = GraphIndex(g, as_of)
    stats = area_stats(g, area, as_of=ix.as_of, index=ix)
    findings = run_rules(g, as_of=ix.as_of, config=config, area=area, lang=lang, index=ix)
    streets = breakdown(g, area, level="street", findings=findings, index=ix)
    communities = breakdown(g, area, level="community", findings=findings, index=ix)
    gaps = [(ix.attr(grp, "name", grp) if grp is not None else t("handup.elsewhere", lang), fs)
            for grp, fs in group_findings(g, findings, area, index=ix)]  # fmt: skip
    return WorkReport(
        title=t("handup.title", lang, name=stats["name"]), as_of=ix.as_of, lang=lang,
        paragraph=report_paragraph(stats, lang), stats=stats, figures=stats_table(stats, lang),
        kinds=kinds_table(stats, lang), streets=breakdown_table(streets, "street", lang),
        communities=breakdown_table(communities, "community", lang), findings=findings_table(findings, lang),
        gaps=gaps, changes=_changes(g, ix, area, since, config, lang) if since is not None else None,
    )  # fmt: skip


def _changes(g, ix: GraphIndex, area: str | None, before: dict[str, Any], config: dict | None,
             lang: str) -> dict[str, Any]:  # fmt: skip
    """What changed from the snapshot ``before`` to now, in the streets of ``area``."""
    from dangjian.graph.roles import AREA
    from dangjian.queries.changes import compare, take_snapshot
    from dangjian.queries.lookup import resolve

    after = take_snapshot(g, as_of=ix.as_of, config=config, lang=lang, index=ix)
    streets = None
    if area is not None:
        inside = set(ix.area_subtree(resolve(g, area, types=[AREA])))
        streets = {s for s, _ in after["streets"] + before["streets"] if s in inside}
    return compare(before, after, streets=streets)


def gaps_workbook(g: nx.MultiDiGraph | Tables, findings: list[Finding], area: str | None = None, *, as_of=None,
                  lang: str | None = None) -> list[Table]:  # fmt: skip
    """The sheets of ``gaps --format xlsx``: the findings, then street by street and community by
    community with their findings by severity."""
    lang = choose(lang)
    ix = GraphIndex(g, as_of)
    return [findings_table(findings, lang),
            *(breakdown_table(breakdown(g, area, level=level, findings=findings, index=ix), level, lang)
              for level in ("street", "community"))]  # fmt: skip


def stats_workbook(g: nx.MultiDiGraph | Tables, area: str | None = None, *, as_of=None,
                   lang: str | None = None) -> list[Table]:  # fmt: skip
    """The sheets of ``stats --format xlsx``: the figures, the organizations by kind, then street by
    street and community by community."""
    lang = choose(lang)
    ix = GraphIndex(g, as_of)
    stats = area_stats(g, area, as_of=ix.as_of, index=ix)
    return [stats_table(stats, lang), kinds_table(stats, lang),
            *(breakdown_table(breakdown(g, area, level=level, index=ix), level, lang, with_findings=False)
              for level in ("street", "community"))]  # fmt: skip
