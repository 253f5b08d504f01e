"""Resources and people of a community: liaison leader, first secretary, venue, funds.

>>> from dangjian.queries.resources import venue_under_standard
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="某社区", level="community", venue_area=120)
>>> [f.facts["tier"] for f in venue_under_standard(g, as_of="2026-01-01")]
['basic']
"""

from __future__ import annotations

from dangjian.graph.roles import FIRST_SECRETARY_OF, LIAISON_FOR
from dangjian.queries.index import COMMUNITY_LEVELS, GraphIndex
from dangjian.queries.registry import rule

__all__ = ["community_no_liaison", "community_no_first_secretary", "venue_under_standard",
           "funds_under_standard", "venue_tier"]  # fmt: skip

VENUE_TIERS = ((300, "model"), (150, "qualified"), (60, "basic"))


def _communities(ix: GraphIndex) -> list[str]:
    return ix.areas(*COMMUNITY_LEVELS)


def _posted(ix: GraphIndex, edge: str, community: str) -> bool:
    """Someone holds a post of this edge type in the community itself or in an organization
    anchored there."""
    if ix.inn[edge].get(community):
        return True
    return any(ix.inn[edge].get(o) for a in ix.area_subtree(community) for o in ix.orgs_anchored(a))


@rule("community-no-liaison")
def community_no_liaison(ix: GraphIndex, p: dict):
    """Communities with no liaison leader on the date."""
    for c in _communities(ix):
        if not _posted(ix, LIAISON_FOR, c):
            yield c, {}


@rule("community-no-first-secretary")
def community_no_first_secretary(ix: GraphIndex, p: dict):
    """Communities that must have a first secretary (``required_in``: ``all``, or a list of ids or
    names) and have none on the date."""
    required = p["required_in"]
    if not required:
        return
    wanted = None if required == "all" else {str(x) for x in required}
    for c in _communities(ix):
        if wanted is not None and c not in wanted and ix.attr(c, "name") not in wanted:
            continue
        if not _posted(ix, FIRST_SECRETARY_OF, c):
            yield c, {}


def venue_tier(m2: float) -> str:
    """model (300 m² or more), qualified (150), basic (60) or below."""
    return next((name for floor, name in VENUE_TIERS if m2 >= floor), "below")


@rule("venue-under-standard")
def venue_under_standard(ix: GraphIndex, p: dict):
    """Communities whose recorded venue is smaller than ``standard_m2``."""
    for c in _communities(ix):
        m2 = ix.attr(c, "venue_area")
        if m2 is not None and m2 < p["standard_m2"]:
            yield c, {"venue_area": m2, "standard_m2": p["standard_m2"], "tier": venue_tier(m2)}


@rule("funds-under-standard")
def funds_under_standard(ix: GraphIndex, p: dict):
    """Communities whose recorded yearly Party-work funds (the self-governance subsidy apart) are below
    the largest of ``per_community_yuan``, ``per_100_households_yuan`` for each 100 households,
    ``per_member_yuan`` for each member of the organizations there, and ``per_ring_yuan`` for the
    community's ring (圈层)."""
    for c in _communities(ix):
        funds = ix.attr(c, "funds")
        if funds is None:
            continue
        households = ix.attr(c, "households") or 0
        basis = {"community": p["per_community_yuan"], "households": p["per_100_households_yuan"] * households / 100}
        if p["per_member_yuan"]:
            members = {m for a in ix.area_subtree(c) for o in ix.orgs_anchored(a) for m in ix.members_of(o)}
            basis["members"] = p["per_member_yuan"] * len(members)
        ring = ix.attr(c, "ring")
        if ring in p["per_ring_yuan"]:
            basis["ring"] = p["per_ring_yuan"][ring]
        by, standard = max(basis.items(), key=lambda kv: kv[1])
        if funds < standard:
            yield c, {"funds": funds, "standard": round(standard), "households": households, "basis": by}
