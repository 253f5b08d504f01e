"""Running the gap rules: :func:`run_rules` runs them all (or those named) on a graph as of a date,
with a config's overrides, keeps the findings inside an area or at a severity and above, and
returns them ranked and sorted as they are reported.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> [(f.rule, f.entity) for f in run_rules(g, as_of="2026-11-22", min_severity="high")]
[('community-without-org', 'c')]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.perf import paused_gc
from dangjian.graph.roles import AREA
from dangjian.queries.config import ConfigError
from dangjian.queries.findings import Finding
from dangjian.queries.index import GraphIndex, as_of_date
from dangjian.queries.lookup import resolve
from dangjian.queries.ranking import rank_findings, sort_findings
from dangjian.queries.registry import SEVERITIES, rules_registry
from dangjian.wording import choose

__all__ = ["run_rules"]


def run_rules(g: nx.MultiDiGraph | Tables, *, as_of=None, config: dict[str, dict[str, Any]] | None = None,
              rules: Iterable[str] | None = None, area: str | None = None, min_severity: str | None = None,
              lang: str | None = None, index: GraphIndex | None = None,
              ordered: bool = True) -> list[Finding]:  # fmt: skip
    """Run the rules (all, or those named) on ``g`` (a graph, or a workspace's columns:
    :func:`~dangjian.graph.store.read_tables`) as of a date; findings sorted by severity,
    area and rule. ``area`` (an id or name) keeps the findings inside that area; ``min_severity``
    keeps that severity and the ones above it. ``index``: a :class:`GraphIndex` of ``g`` already
    built (its date is the date of the run), so that a caller that needs one builds it once.
    ``ordered=False``: the findings in the order the rules ran (rule by rule, ids sorted), not
    sorted and without ``facts.rank``, for a caller that regroups them anyway (the views)."""
    if index is not None and (index.g is not g or (as_of is not None and as_of_date(as_of) != index.as_of)):
        raise ValueError("index was built for another graph or date")
    with paused_gc():  # tens of thousands of findings, no cycles: see dangjian.graph.perf
        return _run(g, as_of, config or {}, rules, area, min_severity, choose(lang), index, ordered)


def _run(g, as_of, config, rules, area, min_severity, lang, index=None, ordered=True) -> list[Finding]:
    registry = rules_registry()
    chosen = list(rules) if rules is not None else list(registry)
    for rid in chosen:
        if rid not in registry:
            raise ConfigError("config.unknown_rule", rule=rid)
    ix = index if index is not None else GraphIndex(g, as_of)
    inside = None
    if area is not None:
        inside = set(ix.area_subtree(resolve(g, area, types=[AREA])))
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ConfigError("config.severity", choices=", ".join(SEVERITIES))
    findings: list[Finding] = []
    for rid in chosen:
        settings = dict(config.get(rid, {}))
        if settings.pop("enabled", True) is False:
            continue
        findings.extend(registry[rid].func(g, index=ix, lang=lang, **settings))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    if inside is not None:
        findings = [f for f in findings if ix.area_of(f.entity) in inside]
    if min_severity is not None:
        findings = [f for f in findings if order[f.severity] <= order[min_severity]]
    return sort_findings(rank_findings(findings)) if ordered else findings
