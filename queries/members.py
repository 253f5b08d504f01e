"""Members: two-way reporting where they live, mobile and lost-contact members, members with no
organization. Findings name members masked (张*华), never with ID or phone numbers.

>>> from dangjian.queries.members import member_without_org
>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("m", type="Member", name="张小华", situation="retired", status="formal")
>>> [(f.entity, f.name) for f in member_without_org(g, as_of="2026-11-22")]
[('m', '张*华')]
"""

from __future__ import annotations

from itertools import filterfalse

from dangjian.graph.roles import LIVES_IN, MEMBER_OF, REPORTED_TO
from dangjian.queries.index import GraphIndex, add_months
from dangjian.queries.registry import rule

__all__ = ["member_not_reported", "mobile_member_unattached", "lost_contact", "member_without_org"]


@rule("member-not-reported")
def member_not_reported(ix: GraphIndex, p: dict):
    """In-service members who live in a community and have not reported to it (by the date). A
    report reaches the community when made to the community itself, to an area inside it or to an
    organization anchored there."""
    lives, communities, reported = ix.first(LIVES_IN), ix.community_map(), ix.out[REPORTED_TO]
    reached: dict[str, str | None] = {}  # report target -> its community
    for m in ix.members_in("in_service"):
        community = communities.get(lives.get(m))
        if community is None:
            continue
        targets = reported.get(m, ())
        for t in targets:
            if t not in reached:
                reached[t] = ix.community_of(t)
            if reached[t] == community:
                break
        else:
            yield m, {"community": community, "reported_elsewhere": sorted(targets)}


@rule("mobile-member-unattached")
def mobile_member_unattached(ix: GraphIndex, p: dict):
    """Mobile members with no organization holding their membership on the date."""
    member_of = ix.sources(MEMBER_OF)
    for m in filterfalse(member_of.__contains__, ix.members_in("mobile")):
        yield m, {"away_at": ix.attr(m, "mobile_destination"), "since": ix.attr(m, "mobile_since")}


@rule("lost-contact")
def lost_contact(ix: GraphIndex, p: dict):
    """Members who lost contact ``months`` months or more before the date."""
    for m in ix.members_in("lost_contact"):
        since = ix.attr(m, "lost_since")
        if since and add_months(since, p["months"]) <= ix.as_of:
            yield m, {"lost_since": since}


@rule("member-without-org")
def member_without_org(ix: GraphIndex, p: dict):
    """Members (other than mobile ones, see mobile-member-unattached) with no organization."""
    member_of = ix.sources(MEMBER_OF)
    for situation, members in ix.situations().items():
        if situation == "mobile":
            continue
        for m in filterfalse(member_of.__contains__, members):
            yield m, {"situation": situation}
