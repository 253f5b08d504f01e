"""People in posts: a first secretary or liaison leader spread over too many communities, a grid with
no grid leader, a part-time member (兼职委员) of a working committee who comes from no resident unit.

>>> import networkx as nx
>>> from dangjian.queries.run import run_rules
>>> g = nx.MultiDiGraph()
>>> g.add_node("c1", type="Area", name="祥云社区", level="community")
>>> g.add_node("c2", type="Area", name="顺和社区", level="community")
>>> g.add_node("p", type="Person", name="周建国")
>>> _ = g.add_edge("p", "c1", type="LIAISON_FOR")
>>> _ = g.add_edge("p", "c2", type="LIAISON_FOR")
>>> [(f.entity, f.name, f.facts["count"]) for f in run_rules(g, as_of="2026-11-22", rules=["person-many-communities"])]
[('p', '周*国', 2)]
"""

from __future__ import annotations

from dangjian.graph.roles import (
    ANCHORED_IN,
    COVERS,
    FIRST_SECRETARY_OF,
    GRID_LEADER_OF,
    LIAISON_FOR,
    MEMBER_OF,
    ORG,
    PART_TIME_MEMBER_OF,
    UNIT,
    WORKS_AT,
)
from dangjian.queries.index import COMMUNITY_LEVELS, GraphIndex
from dangjian.queries.registry import rule

__all__ = ["person_many_communities", "grid_without_leader", "part_time_member_not_from_unit", "communities_served"]


def communities_served(ix: GraphIndex) -> dict[str, list[str]]:
    """Person -> the communities they serve as first secretary or liaison leader on the date (a post
    held at a community's organization counts for its community), each once, by id."""

    def build() -> dict[str, list[str]]:
        communities = set(ix.areas(*COMMUNITY_LEVELS))
        out: dict[str, set[str]] = {}
        for edge in (FIRST_SECRETARY_OF, LIAISON_FOR):
            for person, targets in ix.out[edge].items():
                for x in targets:
                    c = x if x in communities else ix.community_of(x)
                    if c in communities:
                        out.setdefault(person, set()).add(c)
        return {p: sorted(cs) for p, cs in out.items()}  # by code: the same order in every process

    return ix.cached("communities_served", build)


@rule("person-many-communities")
def person_many_communities(ix: GraphIndex, p: dict):
    """People who are first secretary or liaison leader of more than ``max_communities`` communities."""
    limit = p["max_communities"]
    for person, cs in sorted(communities_served(ix).items()):
        if len(cs) > limit:
            names = "、".join(str(ix.attr(c, "name", c)) for c in cs[:5]) + ("…" if len(cs) > 5 else "")
            yield person, {"count": len(cs), "communities": names, "community_ids": cs, "max_communities": limit}


@rule("grid-without-leader")
def grid_without_leader(ix: GraphIndex, p: dict):
    """Grids with no grid leader (网格长) on the date (a grid worker, 网格员, is not one)."""
    leaders = ix.inn[GRID_LEADER_OF]
    for g in ix.areas("grid"):
        if not leaders.get(g):
            yield g, {}


def _from_unit(ix: GraphIndex, person: str, unit_names: frozenset[str]) -> bool:
    """Whether ``person`` comes from a resident unit: works at one, is a member of an organization
    anchored in or covering one, or (a cadre without a membership here) names one as employer."""
    if ix.out[WORKS_AT].get(person):
        return True
    for o in ix.out[MEMBER_OF].get(person, ()):
        if any(ix.attr(x, "type") == UNIT for x in ix.out[ANCHORED_IN].get(o, ())) or ix.out[COVERS].get(o):
            return True
    employer = ix.attr(person, "employer")
    return isinstance(employer, str) and employer.strip() in unit_names


@rule("part-time-member-not-from-unit")
def part_time_member_not_from_unit(ix: GraphIndex, p: dict):
    """Part-time members (兼职委员) of a working committee who come from no resident unit."""
    committees = {o for o in ix.of_type(ORG) if ix.attr(o, "kind") == "working_committee"}
    unit_names = frozenset(str(n).strip() for n in ix.values(ix.of_type(UNIT), "name") if n)
    for person, orgs in sorted(ix.out[PART_TIME_MEMBER_OF].items()):
        held = sorted(o for o in orgs if o in committees)
        if held and not _from_unit(ix, person, unit_names):
            yield person, {"committee": str(ix.attr(held[0], "name", held[0])), "committee_id": held[0]}
