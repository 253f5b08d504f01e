"""Each gap rule on a tiny graph: firing and not firing at its threshold."""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
import pytest

from dangjian.queries import ConfigError, load_config, rules_registry
from dangjian.queries import run_rules as _run_rules

DAY = "2026-11-22"
YESTERDAY, TOMORROW = "2026-11-21", "2026-11-23"


class B:
    """A tiny graph builder: a city > district > street, and helpers for the rest."""

    def __init__(self):
        self.g = nx.MultiDiGraph()
        self.area("city", "city")
        self.area("dist", "district", "city")
        self.area("st", "street", "dist")
        self.n = 0

    def area(self, aid, level, parent=None, **attrs):
        self.g.add_node(aid, type="Area", name=attrs.pop("name", aid), level=level, **attrs)
        if parent:
            self.edge(parent, aid, "CONTAINS")
        return aid

    def community(self, cid="c1", **attrs):
        return self.area(cid, "community", "st", **attrs)

    def org(self, oid, kind="branch", anchor=None, parent=None, **attrs):
        self.g.add_node(oid, type="PartyOrg", name=attrs.pop("name", oid), kind=kind, **attrs)
        if anchor:
            self.edge(oid, anchor, "ANCHORED_IN")
        if parent:
            self.edge(parent, oid, "LEADS")
        return oid

    def unit(self, uid, where="c1", **attrs):
        self.g.add_node(uid, type="Unit", name=attrs.pop("name", uid), category="private",
                        two_new=attrs.pop("two_new", False), **attrs)  # fmt: skip
        self.edge(uid, where, "LOCATED_IN")
        return uid

    def members(self, count, org=None, status="formal", situation="retired", unit=None, home=None, **attrs):
        out = []
        for _ in range(count):
            self.n += 1
            m = f"m{self.n}"
            self.g.add_node(m, type="Member", name="张小华", status=status, situation=situation, **attrs)
            if org:
                self.edge(m, org, "MEMBER_OF")
            if unit:
                self.edge(m, unit, "WORKS_AT")
            if home:
                self.edge(m, home, "LIVES_IN")
            out.append(m)
        return out

    def edge(self, u, v, t, **attrs):
        self.g.add_edge(u, v, type=t, **attrs)

    def agreement(self, aid, community_org, unit, valid_to="2027-12-31", valid_from="2024-01-01"):
        self.g.add_node(aid, type="Agreement", name=aid, valid_from=valid_from, valid_to=valid_to)
        self.edge(community_org, aid, "PARTY_TO", side="community", valid_from=valid_from, valid_to=valid_to)
        self.edge(unit, aid, "PARTY_TO", side="unit", valid_from=valid_from, valid_to=valid_to)

    def run(self, rule, **settings):
        found = run_rules(self.g, as_of=DAY, rules=[rule], config={rule: settings} if settings else None)
        return [f.entity for f in found]


FIRED: set[str] = set()  # the rules that found something, since it was last cleared


def run_rules(g, **options):
    """The library's run_rules, noting which rules fired."""
    found = _run_rules(g, **options)
    FIRED.update(f.rule for f in found)
    return found


def test_every_rule_is_tested_here_and_its_test_makes_it_fire():
    """Each rule has its test (test_<rule id>), and that test builds a graph where the rule finds
    something: a test that never makes its rule fire proves nothing about it."""
    missing = [r for r in rules_registry() if f"test_{r.replace('-', '_')}" not in globals()]
    assert not missing, missing
    silent = []
    for rule in rules_registry():
        FIRED.clear()
        globals()[f"test_{rule.replace('-', '_')}"]()
        if rule not in FIRED:
            silent.append(rule)
    assert not silent, f"these rules' tests never make them fire: {silent}"


# --- coverage ---------------------------------------------------------------------------------
def test_community_without_org():
    b = B()
    b.community("c1")
    b.area("g1", "grid", "c1")
    b.community("c2")
    b.org("o1", "group", anchor="g1")  # an organization anywhere inside the community covers it
    assert b.run("community-without-org") == ["c2"]


def test_street_without_working_committee():
    b = B()
    assert b.run("street-without-working-committee") == []  # no communities yet
    b.community()
    b.org("o", "committee", anchor="st")
    assert b.run("street-without-working-committee") == ["st"]
    b.org("w", "working_committee", anchor="st")
    assert b.run("street-without-working-committee") == []


def test_unit_needs_own_branch():
    b = B()
    b.community()
    b.unit("u")
    b.members(2, unit="u")
    b.members(1, unit="u", status="probationary")
    assert b.run("unit-needs-own-branch") == []  # 2 formal
    b.members(1, unit="u")
    assert b.run("unit-needs-own-branch") == ["u"]  # 3 formal
    b.org("ub", anchor="u")
    assert b.run("unit-needs-own-branch") == []


def test_small_unit_uncovered():
    b = B()
    b.community()
    for u, n in (("u0", 0), ("u1", 1), ("u2", 2), ("u3", 3), ("u4", 2)):
        b.unit(u)
        b.members(n, unit=u)
    b.org("joint", branch_kind="joint", anchor="c1")
    b.edge("joint", "u4", "COVERS")
    found = run_rules(b.g, as_of=DAY, rules=["small-unit-uncovered"])
    assert [f.entity for f in found] == ["u1", "u2"]
    assert found[0].facts["nearby_ids"] == ["u2"] and "u2" in found[0].action


def test_two_new_unit_no_coverage():
    b = B()
    b.community()
    b.unit("a", two_new=True)
    b.unit("b", two_new=True)
    b.unit("c", two_new=True)
    b.unit("d", two_new=False)
    b.members(1, unit="b")
    b.g.add_node("p", type="Person", name="李指导")
    b.edge("p", "c", "INSTRUCTOR_OF")
    assert b.run("two-new-unit-no-coverage") == ["a"]


def test_joint_branch_too_many_units():
    b = B()
    b.community()
    b.org("j5", anchor="c1")
    b.org("j6", anchor="c1")
    for i in range(6):
        b.unit(f"u{i}")
        b.edge("j6", f"u{i}", "COVERS")
        if i < 5:
            b.edge("j5", f"u{i}", "COVERS")
    assert b.run("joint-branch-too-many-units") == ["j6"]


def test_residence_without_group():
    b = B()
    b.community()
    b.area("cp", "compound", "c1")
    b.area("bd", "building", "cp")
    b.members(1, home="cp")
    b.members(1, home="bd")
    assert b.run("residence-without-group") == []  # 2 members
    assert b.run("residence-without-group", min_members=2) == ["cp"]  # the compound counts its building
    b.members(1, home="bd")
    assert sorted(b.run("residence-without-group")) == ["cp"]
    assert sorted(b.run("residence-without-group", min_members=2)) == ["bd", "cp"]
    b.org("grp", "group", anchor="bd")
    assert b.run("residence-without-group") == []


def test_grid_without_group():
    b = B()
    b.community()
    b.area("g1", "grid", "c1")
    b.area("g2", "grid", "c1")
    b.org("grp", "group", anchor="g1")
    assert b.run("grid-without-group") == ["g2"]


# --- organization form ------------------------------------------------------------------------
def test_branch_too_large():
    b = B()
    b.community()
    b.org("b50", anchor="c1")
    b.org("b51", anchor="c1")
    b.members(50, org="b50")
    b.members(50, org="b51")
    b.members(1, org="b51", status="probationary")
    assert b.run("branch-too-large") == ["b51"]


def test_branch_too_small():
    b = B()
    b.community()
    b.org("b3", anchor="c1")
    b.org("b2", anchor="c1")
    b.members(3, org="b3")
    b.members(2, org="b2")
    b.members(1, org="b2", status="probationary")
    assert b.run("branch-too-small") == ["b2"]


def test_needs_committee():
    b = B()
    b.community()
    for o, formal in (("b6", 6), ("b7", 7), ("b7c", 7), ("b7p", 7)):
        b.org(o, anchor="c1")
        b.members(formal, org=o)
    b.g.nodes["b7c"]["has_committee"] = True
    b.g.nodes["b6"]["has_committee"] = False
    b.edge("m20", "b7p", "DEPUTY_SECRETARY_OF")
    b.edge("m21", "b7p", "COMMITTEE_MEMBER_OF")
    assert b.run("needs-committee") == ["b7"]


def test_large_org_not_committee():
    b = B()
    b.community()
    b.org("gb", "general_branch", anchor="c1")
    b.org("gb2", "general_branch", anchor="c1")
    b.org("cm", "committee", anchor="c1")
    b.org("x1", parent="gb")
    b.org("x2", parent="gb2")
    b.members(99, org="x1")
    b.members(50, org="x2")
    b.members(50, org="gb2")
    b.members(100, org="cm")
    assert b.run("large-org-not-committee") == ["gb2"]


def test_org_without_secretary():
    b = B()
    b.community()
    b.org("o1", anchor="c1")
    b.org("o2", anchor="c1")
    b.org("o3", anchor="c1")
    b.members(3)
    b.edge("m1", "o1", "SECRETARY_OF", valid_from="2024-01-01")
    b.edge("m2", "o2", "SECRETARY_OF", valid_from="2024-01-01", valid_to=YESTERDAY)  # left yesterday
    b.edge("m3", "o3", "SECRETARY_OF", valid_from="2024-01-01", valid_to=DAY)  # leaves today
    assert b.run("org-without-secretary") == ["o2"]


def _elected(years_ago: int, days: int) -> str:
    d = date.fromisoformat(DAY)
    return (date(d.year - years_ago, d.month, d.day) + timedelta(days=days)).isoformat()


def test_term_overdue():
    b = B()
    b.community()
    b.unit("u")
    b.org("ended_yesterday", anchor="u", elected_on=_elected(3, -1))
    b.org("ends_tomorrow", anchor="u", elected_on=_elected(3, 1))
    b.org("community_org", anchor="c1", elected_on=_elected(4, 0))  # community organizations: 5 years
    b.org("explicit", anchor="u", elected_on=_elected(4, 0), term_years=5)
    b.org("group", "group", anchor="c1", elected_on=_elected(9, 0))  # groups have no term
    b.org("unknown", anchor="u")
    assert b.run("term-overdue") == ["ended_yesterday"]
    assert b.run("term-overdue", community_term_years=3) == ["community_org", "ended_yesterday"]


def test_term_ending_soon():
    b = B()
    b.community()
    b.unit("u")
    b.org("ended_yesterday", anchor="u", elected_on=_elected(3, -1))
    b.org("ends_tomorrow", anchor="u", elected_on=_elected(3, 1))
    b.org("ends_in_7_months", anchor="u", elected_on="2024-06-22")  # ends 2027-06-22
    assert b.run("term-ending-soon") == ["ends_tomorrow"]
    assert sorted(b.run("term-ending-soon", months=7)) == ["ends_in_7_months", "ends_tomorrow"]


def test_leadership_cycle():
    b = B()
    b.community()
    b.org("a", parent="c")
    b.org("b", parent="a")
    b.org("c", parent="b")
    b.org("d", parent="a")
    b.org("e", parent="e")
    found = run_rules(b.g, as_of=DAY, rules=["leadership-cycle"])
    assert [f.entity for f in found] == ["a", "e"]
    assert found[0].facts["orgs"] == ["a", "b", "c"]


def test_org_without_superior():
    b = B()
    b.community()
    b.org("w", "working_committee", anchor="st")
    b.org("led", parent="w")
    b.org("orphan")
    assert b.run("org-without-superior") == ["orphan"]
    assert sorted(b.run("org-without-superior", top_kinds=[])) == ["orphan", "w"]


# --- members ----------------------------------------------------------------------------------
def test_member_not_reported():
    b = B()
    b.community("c1")
    b.community("c2")
    b.area("cp", "compound", "c1")
    b.org("o1", anchor="c1")
    b.org("o2", anchor="c2")
    ok, none, elsewhere, later, to_area = b.members(5, situation="in_service", home="cp")
    b.members(1, situation="retired", home="cp")
    b.members(1, situation="in_service")  # lives nowhere known: not checked
    b.edge(ok, "o1", "REPORTED_TO", valid_from="2025-01-01")
    b.edge(elsewhere, "o2", "REPORTED_TO")
    b.edge(later, "o1", "REPORTED_TO", valid_from=TOMORROW)
    b.edge(to_area, "c1", "REPORTED_TO")
    assert b.run("member-not-reported") == [none, elsewhere, later]


def test_mobile_member_unattached():
    b = B()
    b.community()
    b.org("o", anchor="c1")
    b.members(1, org="o", situation="mobile")
    (loose,) = b.members(1, situation="mobile")
    b.members(1, situation="retired")  # not mobile: member-without-org
    assert b.run("mobile-member-unattached") == [loose]


def test_lost_contact():
    b = B()
    b.community()
    b.org("o", anchor="c1")
    (six,) = b.members(1, org="o", situation="lost_contact", lost_since="2026-05-22")
    b.members(1, org="o", situation="lost_contact", lost_since="2026-05-23")
    b.members(1, org="o", situation="lost_contact")  # no date: cannot tell
    assert b.run("lost-contact") == [six]


def test_member_without_org():
    b = B()
    b.community()
    b.org("o", anchor="c1")
    b.members(1, org="o")
    (loose,) = b.members(1)
    b.members(1, situation="mobile")
    (left,) = b.members(1)
    b.edge(left, "o", "MEMBER_OF", valid_to=YESTERDAY)
    assert sorted(b.run("member-without-org")) == sorted([loose, left])
    found = run_rules(b.g, as_of=DAY, rules=["member-without-org"])
    assert {f.name for f in found} == {"张*华"}


# --- co-construction --------------------------------------------------------------------------
def _partnered(b: B, community: str, units: list[str], valid_to: str = "2027-12-31"):
    org = f"o_{community}"
    if org not in b.g:
        b.org(org, "committee", anchor=community)
    for u in units:
        if u not in b.g:
            b.unit(u, where=community)
        b.agreement(f"a_{community}_{u}", org, u, valid_to=valid_to)


def test_community_few_partners():
    b = B()
    for c in ("c1", "c2", "c3"):
        b.community(c)
    _partnered(b, "c1", ["u1"])
    _partnered(b, "c2", ["u2"], valid_to=YESTERDAY)
    b.unit("u9", where="c3")
    found = run_rules(b.g, as_of=DAY, rules=["community-few-partners"])
    assert sorted(f.entity for f in found) == ["c2", "c3"]
    assert all(f.facts["units"] == 1 for f in found)
    assert sorted(b.run("community-few-partners", min_partners=2)) == ["c1", "c2", "c3"]


def test_community_single_partner():
    b = B()
    b.community("c1")
    b.community("c2")
    _partnered(b, "c1", ["u1"])
    _partnered(b, "c2", ["u2", "u3"])
    assert b.run("community-single-partner") == ["c1"]


def test_unit_org_no_agreement():
    b = B()
    b.community("c1")
    b.community("c2")
    _partnered(b, "c1", ["u1"])
    b.unit("u2", where="c1")
    b.unit("u3", where="c1")
    for u in ("u1", "u2", "u3"):
        b.org(f"b_{u}", anchor=u)
    _partnered(b, "c2", ["u3"])  # an agreement, but with another community
    assert sorted(b.run("unit-org-no-agreement")) == ["u2", "u3"]


def test_agreement_expired():
    b = B()
    b.community()
    _partnered(b, "c1", ["u1"], valid_to=YESTERDAY)
    _partnered(b, "c1", ["u2"], valid_to=DAY)
    b.unit("u3")
    b.agreement("old", "o_c1", "u3", valid_to="2023-12-31")
    b.agreement("renewed", "o_c1", "u3", valid_from="2024-01-01", valid_to="2027-12-31")
    assert b.run("agreement-expired") == ["a_c1_u1"]


# --- resources and people ---------------------------------------------------------------------
def test_community_no_liaison():
    b = B()
    b.community("c1")
    b.community("c2")
    b.community("c3")
    b.g.add_node("p", type="Person", name="周建国")
    b.edge("p", "c1", "LIAISON_FOR", valid_from="2023-01-01")
    b.edge("p", "c2", "LIAISON_FOR", valid_from="2023-01-01", valid_to=YESTERDAY)
    assert b.run("community-no-liaison") == ["c2", "c3"]


def test_community_no_first_secretary():
    b = B()
    b.community("c1", name="祥云社区")
    b.community("c2", name="顺和社区")
    b.org("o2", anchor="c2")
    b.g.add_node("p", type="Person", name="王书记")
    b.edge("p", "o2", "FIRST_SECRETARY_OF")
    assert b.run("community-no-first-secretary") == []  # nothing required by default
    assert b.run("community-no-first-secretary", required_in="all") == ["c1"]
    assert b.run("community-no-first-secretary", required_in=["顺和社区"]) == []
    assert b.run("community-no-first-secretary", required_in=["祥云社区"]) == ["c1"]


def test_person_many_communities():
    b = B()
    for c in ("c1", "c2", "c3"):
        b.community(c, name=c + "社区")
    b.org("o3", anchor="c3")
    b.g.add_node("p", type="Person", name="周建国")
    b.g.add_node("q", type="Person", name="李明")
    b.g.add_node("r", type="Person", name="王芳")
    b.edge("p", "c1", "LIAISON_FOR")
    b.edge("p", "o3", "FIRST_SECRETARY_OF")  # at a community's organization: counts for the community
    b.edge("q", "c1", "LIAISON_FOR")
    b.edge("q", "c2", "LIAISON_FOR", valid_to=YESTERDAY)  # no longer in force
    b.edge("r", "c2", "FIRST_SECRETARY_OF")
    b.edge("r", "c2", "LIAISON_FOR")  # two posts, one community
    found = run_rules(b.g, as_of=DAY, rules=["person-many-communities"])
    assert [(f.entity, f.name, f.facts["count"], f.facts["communities"]) for f in found] == [("p", "周*国", 2, "c1社区、c3社区")]
    assert "每人不超过1个" in found[0].action
    assert b.run("person-many-communities", max_communities=2) == []
    # a community and a village: listed by id, whatever order the levels come in
    b.area("a0", "village", "st", name="金山村")
    b.edge("q", "a0", "LIAISON_FOR")
    found = run_rules(b.g, as_of=DAY, rules=["person-many-communities"])
    assert [f.facts["community_ids"] for f in found if f.entity == "q"] == [["a0", "c1"]]


def test_grid_without_leader():
    b = B()
    b.community()
    b.area("g1", "grid", "c1")
    b.area("g2", "grid", "c1")
    b.area("g3", "grid", "c1")
    b.g.add_node("p", type="Person", name="周建国")
    b.edge("p", "g1", "GRID_LEADER_OF")
    b.edge("p", "g2", "GRID_WORKER_OF")  # a grid worker is no grid leader
    b.edge("p", "g3", "GRID_LEADER_OF", valid_to=YESTERDAY)
    assert b.run("grid-without-leader") == ["g2", "g3"]


def test_part_time_member_not_from_unit():
    b = B()
    b.community()
    wc = b.org("wc", "working_committee", anchor="st")
    b.unit("u1", name="祥和医院")
    b.unit("u2", name="古城供电局")
    ub = b.org("ub", anchor="u1")
    m_unit, m_works, m_resident = b.members(3, org="ob")
    b.org("ob", anchor="c1")
    b.edge(m_unit, ub, "MEMBER_OF")  # a member of the unit's branch
    b.edge(m_works, "u2", "WORKS_AT")  # works at a unit
    b.g.add_node("cadre", type="Person", name="李明", employer="古城供电局")  # a cadre naming a resident unit
    b.g.add_node("other", type="Person", name="王芳", employer="区政协")
    for p in (m_unit, m_works, m_resident, "cadre", "other"):
        b.edge(p, wc, "PART_TIME_MEMBER_OF")
    b.edge(m_resident, "ob", "PART_TIME_MEMBER_OF")  # a branch is no working committee: once only
    assert sorted(b.run("part-time-member-not-from-unit")) == sorted([m_resident, "other"])


def _activity(b, aid, day, where, kind="joint_activity", under=None, by=None, took=()):
    b.g.add_node(aid, type="Activity", name=aid, date=day, kind=kind)
    b.edge(aid, where, "HELD_IN")
    if under:
        b.edge(aid, under, "UNDER")
    if by:
        b.edge(aid, by, "ORGANIZED_BY")
    for x in took:
        b.edge(x, aid, "TOOK_PART")


def test_partner_unit_inactive():
    b = B()
    for c in ("c1", "c2"):
        b.community(c, name=c + "社区")
        b.org("o" + c, anchor=c)
    for u in ("u_took", "u_org", "u_branch", "u_idle", "u_elsewhere", "u_new"):
        b.unit(u)
    b.org("ub", anchor="u_branch")
    for u in ("u_took", "u_org", "u_branch", "u_idle", "u_elsewhere"):
        b.agreement("a" + u, "oc1", u, valid_from="2025-01-01")
    b.agreement("au_new", "oc1", "u_new", valid_from="2026-10-01")  # in force for under six months
    _activity(b, "x1", "2026-09-01", "c1", took=["u_took"])
    _activity(b, "x2", "2026-08-01", "c1", by="u_org")  # organizing is taking part
    _activity(b, "x3", "2026-07-01", "c1", took=["ub"])  # through the unit's own branch
    _activity(b, "x4", "2026-10-01", "c2", took=["u_elsewhere"])  # another community's
    _activity(b, "x5", "2026-03-01", "c1", took=["u_idle"])  # over six months ago
    found = run_rules(b.g, as_of=DAY, rules=["partner-unit-inactive"])
    assert sorted(f.entity for f in found) == ["u_elsewhere", "u_idle"]
    assert found[0].facts["communities"] == "c1社区" and "近6个月" in found[0].action
    assert b.run("partner-unit-inactive", months=12) == ["u_elsewhere"]


def test_reported_member_inactive():
    b = B()
    b.community("c1", name="祥云社区")
    o = b.org("o1", anchor="c1")
    active, idle, lately, to_area, retired = b.members(5, org=o, situation="in_service", reported_on="2025-01-01")
    b.g.nodes[lately]["reported_on"] = "2026-06-01"  # reported less than a year ago
    b.g.nodes[retired]["situation"] = "retired"
    for m in (active, idle, lately, retired):
        b.edge(m, o, "REPORTED_TO")
    b.edge(to_area, "c1", "REPORTED_TO")  # reported to the community by its code
    _activity(b, "x1", "2026-07-01", "c1", kind="theme_day", took=[active])
    _activity(b, "x2", "2025-06-01", "c1", took=[to_area])  # more than a year ago
    assert sorted(b.run("reported-member-inactive")) == sorted([idle, to_area])
    assert sorted(b.run("reported-member-inactive", months=3)) == sorted([active, idle, lately, to_area])


def test_agreement_no_activity():
    b = B()
    b.community("c1")
    b.org("o1", anchor="c1")
    for u in ("u1", "u2", "u3", "u4"):
        b.unit(u)
    b.agreement("a_done", "o1", "u1", valid_from="2024-01-01")
    b.agreement("a_none", "o1", "u2", valid_from="2024-01-01")
    b.agreement("a_late", "o1", "u3", valid_from="2024-01-01")
    b.agreement("a_young", "o1", "u4", valid_from="2026-03-01")  # its first year is not over
    _activity(b, "x1", "2024-06-01", "c1", under="a_done")
    _activity(b, "x2", "2025-06-01", "c1", under="a_late")  # after its first year
    found = run_rules(b.g, as_of=DAY, rules=["agreement-no-activity"])
    assert sorted(f.entity for f in found) == ["a_late", "a_none"]
    assert found[0].facts["first_year_end"] == "2025-01-01"


def test_joint_meeting_overdue():
    b = B()
    b.org("wc", "working_committee", anchor="st")
    b.community("c1")
    b.community("c2")
    b.community("c3")  # no organization: no meeting asked of it
    b.org("o1", anchor="c1")
    b.area("g", "grid", "c2")
    b.org("o2", anchor="g")  # an organization below counts
    _activity(b, "m1", "2026-10-01", "c1", kind="joint_meeting")
    _activity(b, "m2", "2026-01-01", "g", kind="coordination_meeting")  # over six months ago
    _activity(b, "m3", "2026-10-01", "c2", kind="theme_day")  # not a meeting
    _activity(b, "m4", "2026-09-01", "c1", kind="joint_meeting")  # held in a community: not the street's
    found = run_rules(b.g, as_of=DAY, rules=["joint-meeting-overdue"])
    assert {f.entity: f.facts["last"] for f in found} == {"st": "—", "c2": "2026-01-01"}
    assert b.run("joint-meeting-overdue", levels=["community"]) == ["c2"]


def test_matter_overdue():
    b = B()
    b.community("c1")
    _activity(b, "m", "2026-10-01", "c1", kind="joint_meeting")
    for x, status, due in (("late", "open", YESTERDAY), ("today", "open", DAY), ("done", "settled", "2026-10-10"),
                           ("undated", "open", None)):  # fmt: skip
        b.g.add_node(x, type="Matter", name=x, status=status, **({"due": due} if due else {}))
        b.edge(x, "m", "RAISED_AT")
    found = run_rules(b.g, as_of=DAY, rules=["matter-overdue"])
    assert [(f.entity, f.community) for f in found] == [("late", "c1")]  # placed where its meeting was


def test_reported_member_not_evaluated():
    b = B()
    b.community("c1", name="祥云社区")
    b.community("c2", name="顺和社区")
    o1, o2 = b.org("o1", anchor="c1"), b.org("o2", anchor="c2")
    done, old, none, lately = b.members(4, org=o1, situation="in_service", reported_on="2025-01-01")
    b.g.nodes[lately]["reported_on"] = "2026-09-01"
    (elsewhere,) = b.members(1, org=o2, situation="in_service", reported_on="2025-01-01")
    for m in (done, old, none, lately):
        b.edge(m, o1, "REPORTED_TO")
    b.edge(elsewhere, o2, "REPORTED_TO")  # 顺和社区 keeps no evaluations: nothing asked of it
    for e, m, day, by in (("e1", done, "2026-06-01", o1), ("e2", old, "2025-06-01", "c1")):
        b.g.add_node(e, type="Evaluation", date=day, grade="excellent")
        b.edge(e, m, "EVALUATES")
        b.edge(e, by, "EVALUATED_BY")
    found = run_rules(b.g, as_of=DAY, rules=["reported-member-not-evaluated"])
    assert sorted(f.entity for f in found) == sorted([old, none])
    assert "由祥云社区对" in found[0].action
    assert b.run("reported-member-not-evaluated", months=24) == []  # reported within 24 months: not yet


def test_venue_under_standard():
    b = B()
    b.community("c150", venue_area=150)
    b.community("c149", venue_area=149.5)
    b.community("cnone")
    found = run_rules(b.g, as_of=DAY, rules=["venue-under-standard"])
    assert [f.entity for f in found] == ["c149"] and found[0].facts["tier"] == "basic"
    assert b.run("venue-under-standard", standard_m2=300) == ["c149", "c150"]


def test_funds_under_standard():
    b = B()
    b.community("ok", funds=20000)
    b.community("low", funds=19999)
    b.community("big", funds=20000, households=1200)
    assert b.run("funds-under-standard") == ["low"]
    assert sorted(b.run("funds-under-standard", per_100_households_yuan=2000)) == ["big", "low"]
    # per member of the organizations there, by ring; the self-governance subsidy is no Party-work fund
    b.community("ring1", funds=40000, ring="first", self_governance_subsidy=90000)
    b.org("o", anchor="ok")
    b.members(30, org="o")
    assert sorted(b.run("funds-under-standard", per_member_yuan=1000)) == ["low", "ok"]  # 30 members: 30,000
    found = run_rules(b.g, as_of=DAY, rules=["funds-under-standard"], config={"funds-under-standard": {
        "per_ring_yuan": {"first": 50000}}})  # fmt: skip
    assert [(f.entity, f.facts["standard"], f.facts["basis"]) for f in found] == [("low", 20000, "community"),
                                                                                  ("ring1", 50000, "ring")]


def test_per_ring_setting_is_checked(tmp_path):
    cfg = tmp_path / "rules.yaml"
    cfg.write_text("rules:\n  funds-under-standard: {per_ring_yuan: {fourth: 1000}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="first, second, third"):
        load_config(cfg)
    cfg.write_text("rules:\n  funds-under-standard: {per_ring_yuan: {first: 50000, third: 20000}}\n", encoding="utf-8")
    assert load_config(cfg)["funds-under-standard"]["per_ring_yuan"] == {"first": 50000, "third": 20000}


# --- the registry -----------------------------------------------------------------------------
def test_rule_functions_take_the_graph_first_and_return_plain_data():
    from dangjian.queries.coverage import community_without_org

    b = B()
    b.community("c1", name="彩云社区")
    (f,) = community_without_org(b.g, as_of=DAY)
    assert f.rule == "community-without-org" and f.severity == "high"
    assert f.area_path == ["city", "dist", "st", "彩云社区"] and "彩云社区" in f.action
    assert "一社区一党组织" in f.cite
    (en,) = community_without_org(b.g, as_of=DAY, lang="en")
    assert en.title == "Community with no Party organization"



FINDING_KEYS = ["rule", "severity", "title", "entity", "entity_type", "name", "community", "area_path", "facts",
                "action", "cite"]  # fmt: skip


def test_findings_are_finding_objects_whose_dicts_keep_the_json_keys_in_order():
    """run_rules returns Finding objects; to_dict() gives the JSON output's keys, in its order, with
    the finding's own values (not copies), and a dict gives the same finding back."""
    import dataclasses
    import json
    import pickle

    from dangjian.queries import Finding

    b = B()
    b.community("c1", name="彩云社区")
    (m,) = b.members(1)
    found = run_rules(b.g, as_of=DAY)
    assert found and all(type(f) is Finding for f in found)
    assert [fd.name for fd in dataclasses.fields(Finding)] == FINDING_KEYS
    for f in found:
        d = f.to_dict()
        assert list(d) == FINDING_KEYS
        assert all(d[k] is getattr(f, k) for k in FINDING_KEYS)
        assert Finding(**d) == f and Finding(**d) is not f
        assert pickle.loads(pickle.dumps(f)) == f  # a slots dataclass crosses processes and threads
        assert list(json.loads(json.dumps(d, ensure_ascii=False))) == FINDING_KEYS
    (f,) = [f for f in found if f.rule == "community-without-org"]
    assert f.to_dict() == {
        "rule": "community-without-org", "severity": "high", "title": f.title, "entity": "c1",
        "entity_type": "Area", "name": "彩云社区", "community": "c1", "area_path": ["city", "dist", "st", "彩云社区"],
        "facts": {"level": "community"}, "action": f.action, "cite": f.cite,
    }  # fmt: skip
    with pytest.raises(AttributeError):  # slots: a misspelt field is an error, not a new key
        f.severty = "low"
    assert {f.name for f in found if f.entity == m} == {"张*华"}  # a person's name masked


def test_config_area_and_severity_filters(tmp_path):
    b = B()
    b.community("c1", name="祥云社区")
    b.community("c2", name="顺和社区")
    b.area("g", "grid", "c2")
    cfg = tmp_path / "rules.yaml"
    cfg.write_text("rules:\n  community-without-org: {severity: low}\n  grid-without-group: {enabled: false}\n",
                   encoding="utf-8")
    config = load_config(cfg)
    found = run_rules(b.g, as_of=DAY, config=config, rules=["community-without-org", "grid-without-group"])
    assert {(f.entity, f.severity) for f in found} == {("c1", "low"), ("c2", "low")}
    in_area = run_rules(b.g, as_of=DAY, area="顺和社区", rules=["community-without-org"])
    assert [f.entity for f in in_area] == ["c2"]
    assert run_rules(b.g, as_of=DAY, min_severity="medium", config=config, rules=["community-without-org"]) == []


@pytest.mark.parametrize("text,message", [
    ("rules:\n  no-such-rule: {}\n", "no rule 'no-such-rule'"),
    ("rules:\n  branch-too-large: {max: 3}\n", "no setting 'max'"),
    ("rules:\n  branch-too-large: {severity: urgent}\n", "severity of branch-too-large"),
    ("rules: [1, 2]\n", "'rules' must map rule ids to settings"),
    ("rules: {a: [}\n", "is not valid YAML"),
])
def test_bad_config_files(tmp_path, text, message):
    from dangjian.wording import using

    cfg = tmp_path / "rules.yaml"
    cfg.write_text(text, encoding="utf-8")
    with using("en"), pytest.raises(ConfigError, match=message):
        load_config(cfg)
    with pytest.raises(ConfigError, match=str(cfg)) as caught:  # and in Chinese by default
        load_config(cfg)
    assert not caught.value.text().isascii()


def test_run_rules_reuses_an_index_of_the_same_graph_and_date():
    from dangjian.queries import GraphIndex

    g = nx.MultiDiGraph()
    g.add_node("c", type="Area", name="祥云社区", level="community")
    g.add_node("m", type="Member", name="张小华", situation="retired", status="formal")
    ix = GraphIndex(g, "2026-11-22")
    assert run_rules(g, as_of="2026-11-22", index=ix) == run_rules(g, as_of="2026-11-22")
    assert run_rules(g, index=ix)[0].entity in {"c", "m"}
    with pytest.raises(ValueError):
        run_rules(g, as_of="2026-01-01", index=ix)
    with pytest.raises(ValueError):
        run_rules(nx.MultiDiGraph(g), as_of="2026-11-22", index=ix)


def test_rules_yaml_module_key_is_checked():
    """rules.yaml's module: names the module a rule's code lives in; code elsewhere is refused."""
    from dangjian.queries.registry import rule

    with pytest.raises(RuntimeError, match="rules.yaml puts community-without-org in coverage"):
        rule("community-without-org")(lambda ix, p: [])
