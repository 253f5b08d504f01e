"""Findings in the order they are reported: :func:`rank_findings` numbers the findings of a ranking
rule (``rank_by`` in rules.yaml), :func:`sort_findings` orders them by severity, area, rule and
entity, and :func:`summarize` counts them by severity, rule and area.

>>> from dangjian.queries.findings import Finding
>>> fs = [Finding("community-few-partners", "medium", "", e, "Area", e, e, ["市", e], {"units": u}, "", "")
...       for e, u in (("b", 3), ("a", 9))]
>>> [(f.entity, f.facts["rank"]) for f in sort_findings(rank_findings(fs))]
[('a', 1), ('b', 2)]
>>> summarize(fs)["by_area"]
{'市>a': 1, '市>b': 1}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from dangjian.queries.findings import Finding
from dangjian.queries.registry import SEVERITIES, rules_registry

__all__ = ["rank_findings", "sort_findings", "summarize"]


def rank_findings(findings: list[Finding]) -> list[Finding]:
    """Number the findings of each ranking rule (``rank_by`` in rules.yaml) 1, 2, ... by that fact,
    largest first, ties by entity: the ranks count among the findings reported (in place)."""
    rank_by = {rid: r.rank_by for rid, r in rules_registry().items() if r.rank_by}
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.rule in rank_by:
            groups.setdefault(f.rule, []).append(f)
    for rid, group in groups.items():
        by = rank_by[rid]
        group.sort(key=lambda f: (-f.facts.get(by, 0), str(f.entity)))
        for i, f in enumerate(group, start=1):
            f.facts = {**f.facts, "rank": i}
    return findings


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in the order they are reported: by severity, area path, rule and entity (in place)."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    # area paths are lists shared per area: compare each distinct one once, not per comparison
    paths = {id(f.area_path): tuple(f.area_path) for f in findings}
    place = {p: i for i, p in enumerate(sorted(set(paths.values())))}
    rank = {k: place[p] for k, p in paths.items()}
    findings.sort(key=lambda f: (order[f.severity], rank[id(f.area_path)], f.rule, f.entity))
    return findings


def summarize(findings: list[Finding]) -> dict[str, Any]:
    """Counts by severity, by rule and by community (its area path)."""
    return {
        "total": len(findings),
        "by_severity": {s: n for s in SEVERITIES if (n := sum(f.severity == s for f in findings))},
        "by_rule": dict(Counter(f.rule for f in findings).most_common()),
        "by_area": dict(Counter(">".join(f.area_path) or "-" for f in findings).most_common()),
    }
