"""Organization coverage: communities, streets, units, compounds and grids that no Party
organization covers.

>>> from dangjian.queries.coverage import community_without_org
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c1", type="Area", name="彩云社区", level="community")
>>> [f.entity for f in community_without_org(g, as_of="2026-11-22")]
['c1']
"""

from __future__ import annotations

from dangjian.graph.roles import CONTAINS, COVERS, INSTRUCTOR_OF, LIVES_IN, UNIT, WORKS_AT
from dangjian.queries.index import COMMUNITY_LEVELS, STREET_LEVELS, GraphIndex
from dangjian.queries.registry import rule

__all__ = [
    "community_without_org",
    "street_without_working_committee",
    "unit_needs_own_branch",
    "small_unit_uncovered",
    "two_new_unit_no_coverage",
    "joint_branch_too_many_units",
    "residence_without_group",
    "grid_without_group",
]


def _has_org_in_subtree(ix: GraphIndex, area: str) -> bool:
    return any(ix.orgs_anchored(a) for a in ix.area_subtree(area))


@rule("community-without-org")
def community_without_org(ix: GraphIndex, p: dict):
    """Communities and villages where no organization is anchored, in them or below them."""
    for c in ix.areas(*COMMUNITY_LEVELS):
        if not _has_org_in_subtree(ix, c):
            yield c, {"level": ix.attr(c, "level")}


@rule("street-without-working-committee")
def street_without_working_committee(ix: GraphIndex, p: dict):
    """Streets and townships with communities but no working committee anchored in them (a township
    may have its committee, 乡镇党委, instead)."""
    for s in ix.areas(*STREET_LEVELS):
        communities = [a for a in ix.out[CONTAINS].get(s, ()) if ix.attr(a, "level") in COMMUNITY_LEVELS]
        if not communities:
            continue
        kinds = {"working_committee", "committee"} if ix.attr(s, "level") == "township" else {"working_committee"}
        if not any(ix.attr(o, "kind") in kinds for o in ix.orgs_anchored(s)):
            yield s, {"communities": len(communities)}


def _unit_members(ix: GraphIndex, unit: str) -> tuple[int, int]:
    """(formal members, all members) working in a unit."""
    return ix.formal_of(unit, WORKS_AT), ix.in_count(WORKS_AT)[unit]


def _covered(ix: GraphIndex, unit: str) -> bool:
    """A unit has an organization of its own or is covered by a joint branch."""
    return bool(ix.orgs_anchored(unit) or ix.inn[COVERS].get(unit))


@rule("unit-needs-own-branch")
def unit_needs_own_branch(ix: GraphIndex, p: dict):
    """Units with ``min_formal`` or more formal members and no organization anchored in them."""
    for u in ix.of_type(UNIT):
        formal, _ = _unit_members(ix, u)
        if formal >= p["min_formal"] and not ix.orgs_anchored(u):
            yield u, {"formal": formal, "covered_by_joint_branch": bool(ix.inn[COVERS].get(u))}


@rule("small-unit-uncovered")
def small_unit_uncovered(ix: GraphIndex, p: dict):
    """Units with 1..``max_formal`` formal members that no organization covers; names up to
    ``max_units - 1`` other such units of the same community to join with."""
    small = {}
    for u in ix.of_type(UNIT):
        formal, _ = _unit_members(ix, u)
        if 1 <= formal <= p["max_formal"] and not _covered(ix, u):
            small[u] = formal
    by_community: dict[str | None, list[str]] = {}
    for u in small:
        by_community.setdefault(ix.community_of(u), []).append(u)
    for u, formal in small.items():
        peers = [x for x in by_community[ix.community_of(u)] if x != u][: p["max_units"] - 1]
        nearby = "、".join(ix.attr(x, "name", x) for x in peers) or "相邻单位"
        yield u, {"formal": formal, "nearby": nearby, "nearby_ids": peers}


@rule("two-new-unit-no-coverage")
def two_new_unit_no_coverage(ix: GraphIndex, p: dict):
    """两新 units with no members working there, no organization and no instructor."""
    for u in ix.of_type(UNIT):
        if not ix.attr(u, "two_new"):
            continue
        _, members = _unit_members(ix, u)
        if members == 0 and not _covered(ix, u) and not ix.inn[INSTRUCTOR_OF].get(u):
            yield u, {"members": 0}


@rule("joint-branch-too-many-units")
def joint_branch_too_many_units(ix: GraphIndex, p: dict):
    """Joint branches that cover more than ``max_units`` units."""
    for o, units in ix.out[COVERS].items():
        if len(units) > p["max_units"]:
            yield o, {"units": len(units)}


@rule("residence-without-group")
def residence_without_group(ix: GraphIndex, p: dict):
    """Compounds and buildings where ``min_members`` or more members live (counting the buildings of
    a compound) and no organization is anchored, there or below."""
    living = ix.in_count(LIVES_IN)
    for a in ix.areas("compound", "building"):
        below = ix.area_subtree(a)
        members = sum(living[x] for x in below)
        if members >= p["min_members"] and not any(ix.orgs_anchored(x) for x in below):
            yield a, {"members": members}


@rule("grid-without-group")
def grid_without_group(ix: GraphIndex, p: dict):
    """Grids with no organization anchored in them or below them."""
    for a in ix.areas("grid"):
        if not _has_org_in_subtree(ix, a):
            yield a, {}
