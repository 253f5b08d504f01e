"""Figures street by street or community by community: the tables a work report carries (how many
communities each street has and how many have an organization, its organizations, its members, its
findings by severity).

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> for c in ("c1", "c2"):
...     g.add_node(c, type="Area", name=c, level="community")
...     _ = g.add_edge("s", c, type="CONTAINS")
>>> g.add_node("o", type="PartyOrg", name="c1党支部", kind="branch")
>>> _ = g.add_edge("o", "c1", type="ANCHORED_IN")
>>> [(r["name"], r["communities"], r["with_org"], r["rate"], r["organizations"]) for r in breakdown(g)]
[('祥和街道', 2, 1, 50.0, 1)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.roles import AREA, MEMBER, MEMBER_OF, ORG
from dangjian.queries.findings import Finding
from dangjian.queries.index import COMMUNITY_LEVELS, STREET_LEVELS, GraphIndex
from dangjian.queries.lookup import resolve
from dangjian.queries.registry import SEVERITIES

__all__ = ["breakdown", "group_findings", "LEVELS"]

#: what a row can stand for: a street (街道 or 乡镇) or a community (社区 or 村)
LEVELS = {"street": STREET_LEVELS, "community": COMMUNITY_LEVELS}


def breakdown(g: nx.MultiDiGraph | Tables, area: str | None = None, *, level: str = "street", as_of=None,
              findings: Sequence[Finding] = (), index: GraphIndex | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """One row per street (``level="street"``) or community (``"community"``) inside ``area`` (an id
    or name; everything when None), in the order of the area tree: ``id``, ``name``, ``path``
    (names from the top down), ``communities``, ``with_org``, ``rate`` (per cent, None without
    communities), ``organizations`` (anchored inside), ``members`` (of those organizations),
    ``findings`` (severity -> count, of the ``findings`` given that sit inside) and ``findings_total``.
    ``g``: a graph or a workspace's columns."""
    ix = index if index is not None else GraphIndex(g, as_of)
    groups, owner = _groups(g, ix, area, level)
    communities: dict[str, list[str]] = {grp: [] for grp in groups}
    for c in ix.areas(*COMMUNITY_LEVELS):
        if c in owner:
            communities[owner[c]].append(c)
    orgs = Counter()
    org_group: dict[str, str] = {}
    for o in ix.of_type(ORG):
        grp = owner.get(ix.area_of(o))
        if grp is not None:
            orgs[grp] += 1
            org_group[o] = grp
    members = Counter()
    for m in ix.of_type(MEMBER):
        for o in ix.out[MEMBER_OF].get(m, ()):
            if o in org_group:
                members[org_group[o]] += 1
                break
    found: dict[str, Counter] = {grp: Counter() for grp in groups}
    for f in findings:
        grp = _owner_of(ix, owner, f)
        if grp is not None:
            found[grp][f.severity] += 1
    rows = []
    for grp in groups:
        cs = communities[grp]
        with_org = sum(1 for c in cs if any(ix.orgs_anchored(a) for a in ix.area_subtree(c)))
        path = ix.path_of_area(grp)
        rows.append({
            "id": grp, "name": ix.attr(grp, "name", grp), "path": path, "communities": len(cs),
            "with_org": with_org, "rate": round(100 * with_org / len(cs), 1) if cs else None,
            "organizations": orgs[grp], "members": members[grp],
            "findings": {s: found[grp][s] for s in SEVERITIES if found[grp][s]},
            "findings_total": sum(found[grp].values()),
        })  # fmt: skip
    rows.sort(key=lambda r: _ids_down(ix, r["id"]))  # as the area tree goes: codes of each level in turn
    return rows


def group_findings(g: nx.MultiDiGraph | Tables, findings: Sequence[Finding], area: str | None = None, *,
                   level: str = "street", as_of=None, index: GraphIndex | None = None,
                   ) -> list[tuple[str | None, list[Finding]]]:  # fmt: skip
    """The findings by the street (or community) they sit in, streets in the order of the area tree
    and each one's findings in the order given; those in no street last, under None. Streets with no
    finding are left out."""
    ix = index if index is not None else GraphIndex(g, as_of)
    groups, owner = _groups(g, ix, area, level)
    by: dict[str | None, list[Finding]] = {}
    for f in findings:
        by.setdefault(_owner_of(ix, owner, f), []).append(f)
    order = sorted((grp for grp in by if grp is not None), key=lambda a: _ids_down(ix, a))
    return [(grp, by[grp]) for grp in order] + ([(None, by[None])] if None in by else [])


def _groups(g, ix: GraphIndex, area: str | None, level: str) -> tuple[list[str], dict[str, str]]:
    """(the streets or communities inside ``area``, area -> the one of them it lies in)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    scope = ix.area_subtree(resolve(g, area, types=[AREA])) if area is not None else ix.of_type(AREA)
    inside = set(scope)
    groups = [a for a in ix.areas(*LEVELS[level]) if a in inside]
    owner: dict[str, str] = {}
    for grp in groups:
        for a in ix.area_subtree(grp):
            owner.setdefault(a, grp)
    return groups, owner


def _owner_of(ix: GraphIndex, owner: dict[str, str], f: Finding) -> str | None:
    grp = owner.get(f.community) if f.community is not None else None
    return grp if grp is not None else owner.get(ix.area_of(f.entity))


def _ids_down(ix: GraphIndex, a: str) -> list[str]:
    chain, x = [], a
    while x is not None and len(chain) < 16:
        chain.append(str(x))
        x = ix.parent_area(x)
    return chain[::-1]
