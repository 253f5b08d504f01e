"""Activities, the matters ledger and two-way service: partner units that took part in nothing for half
a year (同江's “连续半年不参加”), reported members with no activity where they reported, agreements with
nothing under them in their first year, joint meetings not held each half-year, matters past their due
date, reported members the community has not evaluated in a year (双评议).

Taking part is recorded on the activity (its ``taking_part`` column: units, organizations, members);
a unit also takes part through its own organization, and in what it organizes.

>>> import networkx as nx
>>> from dangjian.queries.run import run_rules
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> g.add_node("wc", type="PartyOrg", name="祥和街道党工委", kind="working_committee")
>>> _ = g.add_edge("wc", "s", type="ANCHORED_IN")
>>> g.add_node("a", type="Activity", name="联席会议", date="2026-01-10", kind="joint_meeting")
>>> _ = g.add_edge("a", "s", type="HELD_IN")
>>> [(f.entity, f.facts["last"]) for f in run_rules(g, as_of="2026-11-22", rules=["joint-meeting-overdue"])]
[('s', '2026-01-10')]
"""

from __future__ import annotations

from collections.abc import Iterable

from dangjian.graph.roles import (
    ACTIVITY,
    AGREEMENT,
    EVALUATED_BY,
    EVALUATES,
    EVALUATION,
    HELD_IN,
    MATTER,
    ORGANIZED_BY,
    REPORTED_TO,
    TOOK_PART,
    UNDER,
    UNIT,
)
from dangjian.graph.schema import model
from dangjian.queries.coconstruction import agreement_parties, in_force
from dangjian.queries.index import COMMUNITY_LEVELS, STREET_LEVELS, GraphIndex, add_months
from dangjian.queries.registry import rule

__all__ = ["partner_unit_inactive", "reported_member_inactive", "agreement_no_activity", "joint_meeting_overdue",
           "matter_overdue", "reported_member_not_evaluated", "activities_of", "is_meeting"]


def is_meeting(kind: str | None) -> bool:
    """Whether an activity of this kind is a meeting (联席会议, 协调委员会): the schema says so."""
    enum = model().enums["activity_kind"]
    return kind in enum.values and bool(enum.attr(kind, "meeting"))


def activities_of(ix: GraphIndex, x: str) -> list[str]:
    """The activities ``x`` took part in or organized; for a unit, also those of its own organizations."""
    whom = [x, *(o for o in ix.orgs_anchored(x))] if ix.attr(x, "type") == UNIT else [x]
    found: dict[str, None] = {}
    for w in whom:
        found.update(dict.fromkeys(ix.out[TOOK_PART].get(w, ())))
        found.update(dict.fromkeys(ix.inn[ORGANIZED_BY].get(w, ())))
    return list(found)


def _held_in(ix: GraphIndex, a: str) -> set[str]:
    """The communities an activity counts for: where it was held, and the communities of the
    agreements it was under (kept per index: thousands of members share an activity)."""
    memo = ix.cached("activity communities", dict)
    found = memo.get(a)
    if found is None:
        found = memo[a] = _communities_of_activity(ix, a)
    return found


def _reported_communities(ix: GraphIndex, m: str) -> set[str]:
    """The communities a member reported to (to the community, or to an organization in it)."""
    memo = ix.cached("report target communities", dict)
    out = set()
    for t in ix.out[REPORTED_TO].get(m, ()):
        c = memo.get(t, memo)
        if c is memo:
            c = memo[t] = ix.community_of(t)
        if c is not None:
            out.add(c)
    return out


def _communities_of_activity(ix: GraphIndex, a: str) -> set[str]:
    out = set()
    c = ix.community_of(a)
    if c is not None:
        out.add(c)
    for ag in ix.out[UNDER].get(a, ()):
        for o in agreement_parties(ix, ag)[0]:
            oc = ix.community_of(o)
            if oc is not None:
                out.add(oc)
    return out


def _dated(ix: GraphIndex, activities: Iterable[str], since: str) -> list[str]:
    """Those of ``activities`` dated from ``since`` to the date."""
    return [a for a in activities if since <= (ix.attr(a, "date") or "") <= ix.as_of]


def _start(ix: GraphIndex, ag: str) -> str | None:
    return ix.attr(ag, "valid_from") or ix.attr(ag, "signed_on")


@rule("partner-unit-inactive")
def partner_unit_inactive(ix: GraphIndex, p: dict):
    """Partner units of an agreement in force for ``months`` or more that took part in no activity of
    that community in the last ``months`` months."""
    since = add_months(ix.as_of, -p["months"])
    idle: dict[str, list[str]] = {}
    for ag in ix.of_type(AGREEMENT):
        start = _start(ix, ag)
        if not in_force(ix, ag) or not start or start > since:
            continue
        orgs, units = agreement_parties(ix, ag)
        communities = {c for o in orgs if (c := ix.community_of(o)) is not None}
        for u in units:
            recent = _dated(ix, activities_of(ix, u), since)
            if not any(_held_in(ix, a) & communities for a in recent):
                idle.setdefault(u, []).extend(sorted(communities))
    for u, cs in sorted(idle.items()):
        names = "、".join(dict.fromkeys(str(ix.attr(c, "name", c)) for c in cs))
        yield u, {"communities": names, "community_ids": sorted(set(cs)), "months": p["months"]}


@rule("reported-member-inactive")
def reported_member_inactive(ix: GraphIndex, p: dict):
    """In-service members who reported to a community ``months`` months ago or more and took part in
    no activity there in the last ``months`` months."""
    since = add_months(ix.as_of, -p["months"])
    for m in ix.members_in("in_service"):
        if not ix.out[REPORTED_TO].get(m):
            continue
        reported_on = ix.attr(m, "reported_on")
        if reported_on and reported_on > since:  # reported lately: not yet a year to judge
            continue
        communities = _reported_communities(ix, m)
        if not communities:
            continue
        recent = _dated(ix, ix.out[TOOK_PART].get(m, ()), since)
        if not any(_held_in(ix, a) & communities for a in recent):
            c = min(communities)
            yield m, {"community": c, "months": p["months"]}


@rule("agreement-no-activity")
def agreement_no_activity(ix: GraphIndex, p: dict):
    """Agreements in force whose first ``months`` months are over with no activity under them in
    that time."""
    for ag in ix.of_type(AGREEMENT):
        start = _start(ix, ag)
        if not start or not in_force(ix, ag):
            continue
        end = add_months(start, p["months"])
        if end > ix.as_of:
            continue
        under = [a for a in ix.inn[UNDER].get(ag, ()) if start <= (ix.attr(a, "date") or "") <= end]
        if not under:
            yield ag, {"start": start, "first_year_end": end, "months": p["months"]}


def _last_meeting(ix: GraphIndex, areas: Iterable[str]) -> str | None:
    held = ix.inn[HELD_IN]
    dates = [d for a in areas for x in held.get(a, ()) if ix.attr(x, "type") == ACTIVITY
             and is_meeting(ix.attr(x, "kind")) and (d := ix.attr(x, "date")) and d <= ix.as_of]  # fmt: skip
    return max(dates) if dates else None


@rule("joint-meeting-overdue")
def joint_meeting_overdue(ix: GraphIndex, p: dict):
    """Streets with a working committee (held in the street itself) and communities with an
    organization (held in them or below) whose last joint meeting (联席会议, 协调委员会) is more than
    ``months`` months old, or never held."""
    since = add_months(ix.as_of, -p["months"])
    levels = set(p["levels"])
    for a in ix.areas(*STREET_LEVELS):
        if "street" in levels and any(ix.attr(o, "kind") == "working_committee" for o in ix.orgs_anchored(a)):
            last = _last_meeting(ix, [a])
            if last is None or last < since:
                yield a, {"last": last or "—", "months": p["months"]}
    for c in ix.areas(*COMMUNITY_LEVELS):
        if "community" in levels and any(ix.orgs_anchored(x) for x in ix.area_subtree(c)):
            last = _last_meeting(ix, ix.area_subtree(c))
            if last is None or last < since:
                yield c, {"last": last or "—", "months": p["months"]}


@rule("matter-overdue")
def matter_overdue(ix: GraphIndex, p: dict):
    """Matters of the ledger (议事台账) still open after their due date."""
    for x in ix.of_type(MATTER):
        due = ix.attr(x, "due")
        if ix.attr(x, "status") != "settled" and due and due < ix.as_of:
            yield x, {"due": due}



@rule("reported-member-not-evaluated")
def reported_member_not_evaluated(ix: GraphIndex, p: dict):
    """Where a community evaluates its reported members (双评议: it has evaluation records at all), the
    in-service members who reported there ``months`` months ago or more with no evaluation by it in
    the last ``months`` months."""
    since = add_months(ix.as_of, -p["months"])
    evaluator = {}  # evaluation -> the community that made it
    for e in ix.of_type(EVALUATION):
        for x in ix.out[EVALUATED_BY].get(e, ()):
            c = ix.community_of(x)
            if c is not None:
                evaluator[e] = c
    practising = set(evaluator.values())
    if not practising:
        return
    for m in ix.members_in("in_service"):
        if not ix.out[REPORTED_TO].get(m):
            continue
        communities = _reported_communities(ix, m) & practising
        reported_on = ix.attr(m, "reported_on")
        if not communities or (reported_on and reported_on > since):
            continue
        recent = {evaluator.get(e) for e in ix.inn[EVALUATES].get(m, ())
                  if since <= (ix.attr(e, "date") or "") <= ix.as_of}  # fmt: skip
        if not communities & recent:
            yield m, {"community": min(communities), "months": p["months"]}
