"""Co-construction (共驻共建): partner units per community, units with an organization and no
agreement, expired agreements, communities depending on one partner.

An agreement is in force on the date when its valid_from (else its signing date) is on or before
it and its valid_to is on or after it.

>>> from dangjian.queries.coconstruction import agreement_parties
>>> import networkx as nx
>>> from dangjian.queries.index import GraphIndex
>>> g = nx.MultiDiGraph()
>>> g.add_node("a", type="Agreement", name="共建协议")
>>> g.add_node("o", type="PartyOrg", name="社区党委")
>>> g.add_node("u", type="Unit", name="医院")
>>> _ = g.add_edge("o", "a", type="PARTY_TO", side="community")
>>> _ = g.add_edge("u", "a", type="PARTY_TO", side="unit")
>>> agreement_parties(GraphIndex(g, "2026-01-01"), "a")
(['o'], ['u'])
"""

from __future__ import annotations

from collections import defaultdict

from dangjian.graph.roles import AGREEMENT, ANCHORED_IN, LOCATED_IN, PARTY_TO, UNIT
from dangjian.queries.index import COMMUNITY_LEVELS, GraphIndex
from dangjian.queries.registry import rule

__all__ = [
    "community_few_partners",
    "unit_org_no_agreement",
    "agreement_expired",
    "community_single_partner",
    "agreement_parties",
    "in_force",
    "partners_by_community",
]


def agreement_parties(ix: GraphIndex, a: str) -> tuple[list[str], list[str]]:
    """(community-side organizations, partner units) of an agreement, whatever the date. A unit
    that signed through its organization counts as the unit."""
    community, units = [], []
    for src, d in ix.edges_in(a, PARTY_TO):
        if d.get("side") == "community":
            community.append(src)
        elif ix.attr(src, "type") == UNIT:
            units.append(src)
        else:
            anchored = [x for x, _ in ix.edges_out(src, ANCHORED_IN) if ix.attr(x, "type") == UNIT]
            units.extend(anchored or [src])
    return sorted(set(community)), sorted(set(units))


def in_force(ix: GraphIndex, a: str) -> bool:
    start = ix.attr(a, "valid_from") or ix.attr(a, "signed_on")
    end = ix.attr(a, "valid_to")
    return (not start or start <= ix.as_of) and (not end or end >= ix.as_of)


def partners_by_community(ix: GraphIndex) -> dict[str, set[str]]:
    """Community -> the partner units of its agreements in force on the date (once per index)."""
    return ix.cached("partners_by_community", lambda: _partners_by_community(ix))


def _partners_by_community(ix: GraphIndex) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a in ix.of_type(AGREEMENT):
        if not in_force(ix, a):
            continue
        orgs, units = agreement_parties(ix, a)
        for o in orgs:
            c = ix.community_of(o)
            if c is not None:
                out[c].update(units)
    return out


def _units_located(ix: GraphIndex, community: str) -> int:
    located = ix.in_count(LOCATED_IN)
    return sum(located[a] for a in ix.area_subtree(community))


@rule("community-few-partners")
def community_few_partners(ix: GraphIndex, p: dict):
    """Communities with fewer than ``min_partners`` partner units, ranked by how many units are
    located there (rank 1: the most)."""
    partners = partners_by_community(ix)
    short = [(c, len(partners.get(c, ()))) for c in ix.areas(*COMMUNITY_LEVELS)
             if len(partners.get(c, ())) < p["min_partners"]]  # fmt: skip
    ranked = sorted(((_units_located(ix, c), c, n) for c, n in short), key=lambda t: (-t[0], t[1]))
    for rank, (units, c, n) in enumerate(ranked, start=1):
        yield c, {"partners": n, "units": units, "rank": rank}


@rule("community-single-partner")
def community_single_partner(ix: GraphIndex, p: dict):
    """Communities whose agreements in force all have the same single partner unit."""
    for c, units in partners_by_community(ix).items():
        if len(units) == 1:
            (u,) = units
            yield c, {"partner": ix.attr(u, "name", u), "partner_id": u}


@rule("unit-org-no-agreement")
def unit_org_no_agreement(ix: GraphIndex, p: dict):
    """Units with an organization of their own and no agreement in force with the community
    where they are located."""
    partners = partners_by_community(ix)
    for u in ix.of_type(UNIT):
        if not ix.orgs_anchored(u):
            continue
        c = ix.community_of(u)
        if c is not None and u not in partners.get(c, ()):
            yield u, {"community": c}


@rule("agreement-expired")
def agreement_expired(ix: GraphIndex, p: dict):
    """Agreements that ended before the date and were not renewed (no agreement in force between
    the same community organization and unit)."""
    live_pairs = set()
    for a in ix.of_type(AGREEMENT):
        if in_force(ix, a):
            orgs, units = agreement_parties(ix, a)
            live_pairs.update((o, u) for o in orgs for u in units)
    for a in ix.of_type(AGREEMENT):
        end = ix.attr(a, "valid_to")
        if not end or end >= ix.as_of:
            continue
        orgs, units = agreement_parties(ix, a)
        if not any((o, u) in live_pairs for o in orgs for u in units):
            yield a, {"valid_to": end, "units": units}
