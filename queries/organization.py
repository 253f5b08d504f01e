"""Organization form: branch size, committees, secretaries, terms of office, and the leadership
tree itself (cycles, organizations with no superior).

>>> from dangjian.queries.organization import term_end
>>> import networkx as nx
>>> from dangjian.queries.index import GraphIndex
>>> g = nx.MultiDiGraph()
>>> g.add_node("b", type="PartyOrg", name="某支部", kind="branch", elected_on="2021-03-01")
>>> term_end(GraphIndex(g, "2026-01-01"), "b", community_term_years=5)
'2024-03-01'
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter

import networkx as nx

from dangjian.graph.roles import (
    ANCHORED_IN,
    COMMITTEE_MEMBER_OF,
    DEPUTY_SECRETARY_OF,
    LEADS,
    MEMBER_OF,
    ORG,
    SECRETARY_OF,
)
from dangjian.graph.schema import model
from dangjian.queries.index import COMMUNITY_LEVELS, GraphIndex, add_months
from dangjian.queries.registry import rule

__all__ = [
    "branch_too_large",
    "branch_too_small",
    "needs_committee",
    "large_org_not_committee",
    "org_without_secretary",
    "term_overdue",
    "term_ending_soon",
    "leadership_cycle",
    "org_without_superior",
    "term_end",
]


def _branches(ix: GraphIndex) -> list[str]:
    return [o for o in ix.of_type(ORG) if ix.attr(o, "kind") == "branch"]


@rule("branch-too-large")
def branch_too_large(ix: GraphIndex, p: dict):
    """Branches with more than ``max_members`` members."""
    members = ix.in_count(MEMBER_OF)
    for o in _branches(ix):
        n = members[o]
        if n > p["max_members"]:
            yield o, {"members": n}


@rule("branch-too-small")
def branch_too_small(ix: GraphIndex, p: dict):
    """Branches with fewer than ``min_formal`` formal members."""
    for o in _branches(ix):
        formal = ix.formal_of(o)
        if formal < p["min_formal"]:
            yield o, {"formal": formal}


def _has_committee(ix: GraphIndex, o: str) -> bool:
    """Declared in the roster, or shown by two or more committee posts held now."""
    if ix.attr(o, "has_committee"):
        return True
    posts = len(ix.inn[DEPUTY_SECRETARY_OF].get(o, ())) + len(ix.inn[COMMITTEE_MEMBER_OF].get(o, ()))
    return posts >= 2


@rule("needs-committee")
def needs_committee(ix: GraphIndex, p: dict):
    """Branches with ``min_formal`` or more formal members and no committee."""
    for o in _branches(ix):
        formal = ix.formal_of(o)
        if formal >= p["min_formal"] and not _has_committee(ix, o):
            yield o, {"formal": formal}


@rule("large-org-not-committee")
def large_org_not_committee(ix: GraphIndex, p: dict):
    """Organizations with ``min_members`` or more members (their own and those of the organizations
    they lead) that are not committees."""
    members = ix.in_count(MEMBER_OF)
    for o in ix.of_type(ORG):
        if ix.attr(o, "kind") in ("committee", "working_committee"):
            continue
        n = sum(members[x] for x in ix.subordinates(o))
        if n >= p["min_members"]:
            yield o, {"members": n}


@rule("org-without-secretary")
def org_without_secretary(ix: GraphIndex, p: dict):
    """Organizations with no secretary (a group: no leader) in post on the date."""
    for o in ix.of_type(ORG):
        if not ix.inn[SECRETARY_OF].get(o):
            yield o, {"kind": ix.attr(o, "kind")}


def term_end(ix: GraphIndex, o: str, community_term_years: int = 5) -> str | None:
    """When the organization's current term ends: its election date plus its term (the roster's
    任期年限; else 5 years for a community's or village's own organization; else by kind)."""
    elected = ix.attr(o, "elected_on")
    if not elected:
        return None
    years = ix.attr(o, "term_years")
    if not years:
        anchored = ix.out[ANCHORED_IN].get(o, ())
        if any(ix.attr(a, "level") in COMMUNITY_LEVELS for a in anchored) and ix.attr(o, "kind") != "group":
            years = community_term_years
        else:
            years = model().enums["org_kind"].attr(ix.attr(o, "kind"), "term_years")
    if not years:
        return None
    return add_months(elected, 12 * int(years))


def _term_ends(ix: GraphIndex, community_term_years: int) -> dict[str, str]:
    """Organization -> end of its current term, for those with a known one (once per index)."""
    def make() -> dict[str, str]:
        ends = ((o, term_end(ix, o, community_term_years)) for o in ix.of_type(ORG))
        return {o: end for o, end in ends if end is not None}
    return ix.cached(f"term_end\x1f{community_term_years}", make)


@rule("term-overdue")
def term_overdue(ix: GraphIndex, p: dict):
    """Organizations whose term ended before the date."""
    for o, end in _term_ends(ix, p["community_term_years"]).items():
        if end < ix.as_of:
            yield o, {"elected_on": ix.attr(o, "elected_on"), "term_end": end}


@rule("term-ending-soon")
def term_ending_soon(ix: GraphIndex, p: dict):
    """Organizations whose term ends on the date or within ``months`` months after it."""
    horizon = add_months(ix.as_of, p["months"])
    for o, end in _term_ends(ix, p["community_term_years"]).items():
        if ix.as_of <= end <= horizon:
            yield o, {"elected_on": ix.attr(o, "elected_on"), "term_end": end}


@rule("leadership-cycle")
def leadership_cycle(ix: GraphIndex, p: dict):
    """Organizations that lead themselves through a chain of superiors: one finding per cycle."""
    # Peel off organizations that nothing leads, then those only they lead, and so on: what is left
    # sits on a cycle or under one (usually nothing, so the components are rarely computed).
    leads, led_by = ix.out[LEADS], Counter(map(itemgetter(1), ix.leads))
    stack = [o for o in leads if not led_by[o]]
    while stack:
        for child in leads.get(stack.pop(), ()):
            led_by[child] -= 1
            if not led_by[child]:
                stack.append(child)
    left = {o for o, n in led_by.items() if n > 0}
    if not left:
        return
    d = nx.DiGraph()
    d.add_edges_from((u, v) for u, v in ix.leads if u in left and v in left)
    for scc in nx.strongly_connected_components(d):
        if len(scc) > 1 or any(d.has_edge(n, n) for n in scc):
            members = sorted(scc)
            names = " → ".join(ix.attr(x, "name", x) for x in members)
            yield members[0], {"cycle": names, "orgs": members}


@rule("org-without-superior")
def org_without_superior(ix: GraphIndex, p: dict):
    """Organizations that no organization leads, other than those of the ``top_kinds`` and the
    committees anchored in an area of the ``top_committee_levels`` (a township's committee: the
    county committee that leads it sits above the rosters)."""
    top, levels = set(p["top_kinds"]), set(p["top_committee_levels"])
    for o in ix.of_type(ORG):
        kind = ix.attr(o, "kind")
        if kind in top or ix.inn[LEADS].get(o):
            continue
        if kind == "committee" and any(ix.attr(a, "level") in levels for a in ix.out[ANCHORED_IN].get(o, ())):
            continue
        yield o, {"kind": kind}
