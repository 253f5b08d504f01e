"""Statistics of an area: organizations by kind, members by situation, age, education and sex,
and the coverage rates the work reports open with; :func:`report_paragraph` writes that opening.

Members are counted where their membership is held (the organizations of the area), as the
reports count "directly managed members"; two-way reporting is counted where members live.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> area_stats(g, as_of="2026-11-22")["communities"]
{'total': 1, 'with_org': 0, 'rate': 0.0}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.roles import (
    ACTIVITY,
    AGREEMENT,
    ANCHORED_IN,
    AREA,
    COVERS,
    EVALUATES,
    EVALUATION,
    FIRST_SECRETARY_OF,
    GRID_LEADER_OF,
    GRID_WORKER_OF,
    INSTRUCTOR_OF,
    LEADS,
    LIAISON_FOR,
    MATTER,
    MEMBER,
    MEMBER_OF,
    ORG,
    PART_TIME_MEMBER_OF,
    REPORTED_TO,
    SECRETARY_OF,
    TOOK_PART,
    UNDER,
    UNIT,
    VOLUNTEER_TEAM,
    VOLUNTEERS_IN,
    WORKS_AT,
)
from dangjian.graph.schema import model
from dangjian.queries.coconstruction import in_force, partners_by_community
from dangjian.queries.index import COMMUNITY_LEVELS, STREET_LEVELS, GraphIndex, add_months, as_of_date
from dangjian.queries.lookup import resolve
from dangjian.wording import choose, t

__all__ = ["area_stats", "report_paragraph", "stats_rows", "AGE_BANDS", "VENUE_TIERS"]

AGE_BANDS = ("under_35", "35_to_60", "over_60", "unknown")
#: venue tiers (m²): model, qualified, the least a community must have; below that, and unknown
VENUE_TIERS = (("300_or_more", 300), ("150_to_300", 150), ("60_to_150", 60), ("under_60", 0))


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _age_band(birth: str | None, as_of: str) -> str:
    if not birth:
        return "unknown"
    age = int(as_of[:4]) - int(birth[:4]) - ((as_of[5:] < birth[5:]) and 1 or 0)
    return "under_35" if age < 35 else "over_60" if age > 60 else "35_to_60"


def area_stats(g: nx.MultiDiGraph | Tables, area: str | None = None, *, as_of=None,
               index: GraphIndex | None = None) -> dict[str, Any]:  # fmt: skip
    """Figures for ``area`` (an id or name; the whole graph when None) on the date ``as_of``; ``g`` a
    graph or a workspace's columns. ``index``: a :class:`GraphIndex` of ``g`` on that date already
    built (a caller that also runs the rules builds it once)."""
    if index is not None and (index.g is not g or (as_of is not None and as_of_date(as_of) != index.as_of)):
        raise ValueError("index was built for another graph or date")
    ix = index if index is not None else GraphIndex(g, as_of)
    if area is not None:
        root = resolve(g, area, types=[AREA])
        scope = set(ix.area_subtree(root))
        name = ix.attr(root, "name", root)
    else:
        root, scope = None, set(ix.of_type(AREA))
        tops = [a for a in scope if ix.parent_area(a) is None]
        name = "、".join(ix.attr(a, "name", a) for a in tops[:3]) or "全部"

    def inside(n: str) -> bool:
        return ix.area_of(n) in scope

    communities = [a for a in scope if ix.attr(a, "level") in COMMUNITY_LEVELS]
    with_org = [c for c in communities if any(ix.orgs_anchored(a) for a in ix.area_subtree(c))]
    orgs = [o for o in ix.of_type(ORG) if inside(o)]
    org_set = set(orgs)
    members = [m for m in ix.of_type(MEMBER) if any(o in org_set for o in ix.out[MEMBER_OF].get(m, ()))]
    college = {v for v, spec in model().enums["education"].values.items() if spec.get("college")}

    units = [u for u in ix.of_type(UNIT) if inside(u)]
    two_new = [u for u in units if ix.attr(u, "two_new")]

    def formal_at(u: str) -> int:
        return ix.formal_count(ix.inn[WORKS_AT].get(u, []))

    def has_org(u: str) -> bool:
        return bool(ix.orgs_anchored(u) or ix.inn[COVERS].get(u))

    eligible = [u for u in two_new if formal_at(u) >= 3]
    lives, community_of = ix.area_finder(MEMBER), ix.community_map().get  # a member's community, asked directly
    home = {m: c for m in ix.members_in("in_service") if (c := community_of(lives(m))) in scope}
    in_service = list(home)
    reached: dict[str, str | None] = {}  # report target -> its community

    def reached_home(m: str) -> bool:
        c = home[m]
        for target in ix.out[REPORTED_TO].get(m, ()):
            if target not in reached:
                reached[target] = ix.community_of(target)
            if target == c or reached[target] == c:
                return True
        return False

    reported = [m for m in in_service if reached_home(m)]
    counted = _as_reports_count(ix, scope, communities, orgs, members, units, reached_home, home)
    partners = partners_by_community(ix)
    agreements = [a for a in ix.of_type(AGREEMENT) if inside(a) and in_force(ix, a)]
    activities, matters = _activities(ix, inside), _matters(ix, inside)
    teams = [v for v in ix.of_type(VOLUNTEER_TEAM) if inside(v)]
    team_members = {m for v in teams for m in ix.inn[VOLUNTEERS_IN].get(v, ())}
    day = ix.as_of
    ages = Counter(_age_band(b, day) for b in ix.values(members, "birth_date"))
    education = ix.values(members, "education")
    return {
        "area": root,
        "name": name,
        "as_of": ix.as_of,
        "communities": {"total": len(communities), "with_org": len(with_org),
                        "rate": _rate(len(with_org), len(communities))},
        "organizations": {"total": len(orgs), "by_kind": dict(Counter(ix.values(orgs, "kind")))},
        "members": {
            "total": len(members),
            "by_status": dict(Counter(ix.values(members, "status"))),
            "by_situation": dict(Counter(ix.values(members, "situation"))),
            "by_age": {b: n for b, n in zip(AGE_BANDS, map(ages.__getitem__, AGE_BANDS), strict=True) if n},
            "by_education": dict(Counter(e or "unknown" for e in education)),
            "college_or_above": sum(map(college.__contains__, education)),
            "by_sex": dict(Counter(s or "unknown" for s in ix.values(members, "sex"))),
        },
        "units": {
            "total": len(units),
            "two_new": len(two_new),
            "two_new_with_org": sum(has_org(u) for u in two_new),
            "two_new_eligible": len(eligible),
            "two_new_eligible_with_org": sum(has_org(u) for u in eligible),
            "two_new_org_rate": _rate(sum(has_org(u) for u in eligible), len(eligible)),
            "two_new_work_coverage_rate": _rate(
                sum(has_org(u) or bool(ix.inn[INSTRUCTOR_OF].get(u)) for u in two_new), len(two_new)),
        },
        "two_way_reporting": {"in_service_residents": len(in_service), "reported": len(reported),
                              "rate": _rate(len(reported), len(in_service))},
        "co_construction": {
            "agreements_in_force": len(agreements),
            "partners_per_community": round(sum(len(partners.get(c, ())) for c in communities)
                                            / len(communities), 2) if communities else None,
        },
        "funds": _funds(ix, communities),
        "activities": activities,
        "matters": matters,
        "evaluations": _evaluations(ix, inside),
        "volunteer_teams": {
            "total": len(teams),
            "members_listed": len(team_members),
            "volunteers": sum(n if isinstance(n, int) and not isinstance(n, bool) else len(ix.inn[VOLUNTEERS_IN].get(v, ()))
                              for v, n in zip(teams, ix.values(teams, "volunteers"), strict=True)),
        },
        "as_reports_count": counted,
    }  # fmt: skip


def _as_reports_count(ix: GraphIndex, scope: set[str], communities: list[str], orgs: list[str], members: list[str],
                      units: list[str], reached_home, home: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """The figures as the work reports count them (DOMAIN.md, "How the reports count"): communities
    apart from villages and by street or township; organizations without 党小组 and without a
    township's own committee; people by role; venues by tier; mobile members; the in-service members
    of the resident units."""

    def street_kind(c: str) -> str | None:
        x, seen = ix.parent_area(c), 0
        while x is not None and seen < 16:
            level = ix.attr(x, "level")
            if level in STREET_LEVELS:
                return level
            x, seen = ix.parent_area(x), seen + 1
        return None

    def has_org(c: str) -> bool:
        return any(ix.orgs_anchored(a) for a in ix.area_subtree(c))

    split: dict[str, list[str]] = {"community": [], "village": [], "under_street": [], "under_township": []}
    for c in communities:
        split["village" if ix.attr(c, "level") == "village" else "community"].append(c)
        kind = street_kind(c)
        if kind is not None:
            split["under_" + kind].append(c)
    township = {a for a in scope if ix.attr(a, "level") == "township"}
    anchored = ix.first(ANCHORED_IN)

    def counted_org(o: str) -> bool:
        kind = ix.attr(o, "kind")
        return kind != "group" and not (kind == "committee" and anchored.get(o) in township)

    kept = [o for o in orgs if counted_org(o)]

    def holders(edge: str) -> int:
        """People holding a post of this kind at an area inside, or at an organization or unit there."""
        src, dst = ix.ends(edge)
        return len({p for p, x in zip(src, dst, strict=True) if x in scope or ix.area_of(x) in scope})

    tiers = Counter()
    area_total = 0.0
    for c in communities:
        v = ix.attr(c, "venue_area")
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            tiers["unknown"] += 1
            continue
        area_total += v
        tiers[next(k for k, floor in VENUE_TIERS if v >= floor)] += 1
    situation = ix.values(members, "situation")
    shared = ix.values(units, "shared_venues")
    unit_set = set(units)
    works = ix.first(WORKS_AT)
    at_units = [m for m in ix.members_in("in_service") if works.get(m) in unit_set]
    reported = [m for m in at_units if m in home and reached_home(m)]
    return {
        "communities": {k: {"total": len(v), "with_org": sum(map(has_org, v))} for k, v in split.items()},
        "communities_by_own_org": _by_kind_order(Counter(_own_org_kind(ix, c) for c in communities)),
        "streets": sum(1 for a in scope if ix.attr(a, "level") == "street"),
        "organizations": {"total": len(kept), "by_kind": dict(Counter(ix.values(kept, "kind"))),
                          "with_groups_and_township_committees": len(orgs)},
        "first_secretaries": holders(FIRST_SECRETARY_OF),
        "liaison_leaders": holders(LIAISON_FOR),
        "grid_leaders": holders(GRID_LEADER_OF),
        "grid_workers": holders(GRID_WORKER_OF),
        "instructors": holders(INSTRUCTOR_OF),
        "part_time_members": holders(PART_TIME_MEMBER_OF),
        "community_secretaries": _secretaries(ix, communities, anchored),
        "venues": {**{k: tiers[k] for k, _ in VENUE_TIERS}, "unknown": tiers["unknown"],
                   "total_m2": round(area_total, 1)},
        "mobile_members": sum(1 for s in situation if s == "mobile"),
        "unit_members_in_service": len(at_units),
        "unit_members_reported": len(reported),
        "units_with_reported_members": len({works[m] for m in reported}),
        "shared_venues": sum(n for n in shared if isinstance(n, int) and not isinstance(n, bool)),
    }  # fmt: skip


def _kind_rank(kind: str) -> tuple[int, str]:
    """Where an organization kind comes in the model's order of kinds (anything else after them)."""
    order = list(model().enums["org_kind"].values)
    return (order.index(kind) if kind in order else len(order), kind)


def _by_kind_order(counts: Counter) -> dict[str, int]:
    """Counts by organization kind in the model's order of kinds."""
    return {k: counts[k] for k in sorted(counts, key=_kind_rank)}


def _own_org_kind(ix: GraphIndex, community: str) -> str:
    """The kind of a community's own organization, as Chengdu counts communities (113 committees,
    202 general branches, 1,081 branches): the one anchored at the community itself that no other
    organization anchored there leads (the highest kind if several); ``none`` without one."""
    here = ix.orgs_anchored(community)
    leaders = ix.inn[LEADS]
    top = [o for o in here if not any(x in here for x in leaders.get(o, ()))] or here
    kinds = [k for k in ix.values(top, "kind") if k]
    return min(kinds, key=_kind_rank) if kinds else "none"


def _funds(ix: GraphIndex, communities: list[str]) -> dict[str, Any]:
    """The communities' yearly Party-work funds and, apart, the self-governance subsidy (按户补贴),
    with how many communities each figure is known for, and the communities by ring (圈层)."""

    def amounts(key: str) -> list[float]:
        return [v for v in ix.values(communities, key) if isinstance(v, (int, float)) and not isinstance(v, bool)]

    funds, subsidy = amounts("funds"), amounts("self_governance_subsidy")
    return {"party_work_total": round(sum(funds), 2), "party_work_known": len(funds),
            "self_governance_subsidy_total": round(sum(subsidy), 2), "self_governance_subsidy_known": len(subsidy),
            "by_ring": dict(Counter(r for r in ix.values(communities, "ring") if r))}  # fmt: skip


def _activities(ix: GraphIndex, inside) -> dict[str, Any]:
    """Activities held inside, all those recorded and those of the last 12 months: by kind, 党课,
    joint (under an agreement), meetings, participants (the head counts given) and those who took
    part (units, organizations, members named)."""
    from dangjian.queries.activities import is_meeting

    held = [a for a in ix.of_type(ACTIVITY) if inside(a)]
    since = add_months(ix.as_of, -12)
    year = [a for a in held if since <= (ix.attr(a, "date") or "") <= ix.as_of]
    kinds = ix.values(year, "kind")
    heads = [n for n in ix.values(year, "participants") if isinstance(n, int) and not isinstance(n, bool)]
    return {"total": len(held), "last_12_months": len(year),
            "by_kind": dict(Counter(k or "unknown" for k in kinds)),
            "party_lessons": sum(1 for k in kinds if k == "party_lesson"),
            "joint": sum(1 for a in year if ix.out[UNDER].get(a)),
            "meetings": sum(1 for k in kinds if is_meeting(k)),
            "participants": sum(heads),
            "taking_part": len({x for a in year for x in ix.inn[TOOK_PART].get(a, ())})}  # fmt: skip


def _evaluations(ix: GraphIndex, inside) -> dict[str, Any]:
    """The evaluations (双评议) made inside: all and those of the last 12 months, by grade, and the
    members they evaluated in those months."""
    found = [e for e in ix.of_type(EVALUATION) if inside(e)]
    since = add_months(ix.as_of, -12)
    year = [e for e in found if since <= (ix.attr(e, "date") or "") <= ix.as_of]
    return {"total": len(found), "last_12_months": len(year),
            "by_grade": dict(Counter(g or "unknown" for g in ix.values(year, "grade"))),
            "members_evaluated": len({m for e in year for m in ix.out[EVALUATES].get(e, ())})}  # fmt: skip


def _matters(ix: GraphIndex, inside) -> dict[str, Any]:
    """The matters of the ledger raised at meetings held inside: settled, open, open past their date."""
    found = [x for x in ix.of_type(MATTER) if inside(x)]
    status, due = ix.values(found, "status"), ix.values(found, "due")
    return {"total": len(found), "settled": sum(1 for s in status if s == "settled"),
            "open": sum(1 for s in status if s != "settled"),
            "overdue": sum(1 for s, d in zip(status, due, strict=True) if s != "settled" and d and d < ix.as_of)}  # fmt: skip


def _secretaries(ix: GraphIndex, communities: list[str], anchored: dict[str, str]) -> dict[str, Any]:
    """The secretaries of the communities' own organizations (anchored in the community itself) on the
    date, as the reports profile them: how many, their average age (of those whose birth date is
    known), how many under 35, how many with college education or above."""
    inside = set(communities)
    people = {p for o, a in anchored.items() if a in inside and ix.attr(o, "type") == ORG
              for p in ix.inn[SECRETARY_OF].get(o, ())}  # fmt: skip
    college = {v for v, spec in model().enums["education"].values.items() if spec.get("college")}
    ages = [_age(b, ix.as_of) for b in ix.values(sorted(people), "birth_date") if isinstance(b, str) and len(b) >= 10]
    return {"total": len(people), "with_birth_date": len(ages),
            "average_age": round(sum(ages) / len(ages), 1) if ages else None,
            "under_35": sum(1 for a in ages if a < 35),
            "college_or_above": sum(1 for e in ix.values(sorted(people), "education") if e in college)}  # fmt: skip


def _age(birth: str, as_of: str) -> int:
    """Whole years from ``birth`` to ``as_of`` (ISO dates)."""
    return int(as_of[:4]) - int(birth[:4]) - ((as_of[5:10]) < birth[5:10])


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:g}%"


def _date_words(iso: str, lang: str) -> str:
    """2026-11-22 as a report writes it: 2026年11月22日 (ISO in English)."""
    if lang != "zh":
        return iso
    y, m, d = iso.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def report_paragraph(stats: dict[str, Any], lang: str | None = None) -> str:
    """The paragraph a work report opens with, from :func:`area_stats` (the catalogue's
    ``report.opening``, in ``lang``, default the language in use)."""
    lang = choose(lang)
    c, o, m, u, r = (stats[k] for k in ("communities", "organizations", "members", "units", "two_way_reporting"))
    o = stats.get("as_reports_count", {}).get("organizations", o)  # as reports count: no 党小组, no 乡镇党委
    kinds = model().enums["org_kind"]
    by_kind = [(kinds.label(k, lang), n) for k in kinds.values if (n := o["by_kind"].get(k))]
    age = m["by_age"]
    if lang == "en":  # English counts its nouns: 2 branches
        items = [f"{n} {label}{('es' if label.endswith('ch') else 's') if n > 1 else ''}" for label, n in by_kind]
    else:
        items = [t("report.kind_item", lang, label=label, n=n) for label, n in by_kind]
    return t("report.opening", lang, date=_date_words(stats["as_of"], lang), name=stats["name"], communities=c["total"], with_org=c["with_org"],
             rate=_pct(c["rate"]), orgs=o["total"], kinds=t("report.kind_sep", lang).join(items), members=m["total"],
             under_35=age.get("under_35", 0), mid=age.get("35_to_60", 0), over_60=age.get("over_60", 0),
             college=m["college_or_above"], units=u["total"], two_new=u["two_new"],
             eligible=u["two_new_eligible"], eligible_with_org=u["two_new_eligible_with_org"],
             two_new_rate=_pct(u["two_new_org_rate"]), in_service=r["in_service_residents"], reported=r["reported"],
             reported_rate=_pct(r["rate"]), agreements=stats["co_construction"]["agreements_in_force"])  # fmt: skip


def stats_rows(stats: dict[str, Any], lang: str | None = None) -> list[tuple[str, str]]:
    """The figures of :func:`area_stats` as (label, value) rows, labelled in ``lang`` (default: the
    language in use): what ``dangjian stats`` prints as a table.

    >>> rows = stats_rows(area_stats(_one_community(), as_of="2026-11-22"), "en")
    >>> rows[:2]
    [('communities', '1'), ('with an organization', '0 (0%)')]
    """
    lang = choose(lang)
    m = model()

    def label(key: str, **params: Any) -> str:
        return t(f"stats.{key}", lang, **params)

    def enum_rows(title: str, enum: str, counts: dict) -> list[tuple[str, str]]:
        rows = []
        for k, n in counts.items():
            shown = m.enums[enum].label(k, lang) if k in m.enums[enum].values else \
                label("unknown") if k in (None, "unknown") else k  # a roster without the column
            rows.append((label("of", title=title, value=shown), str(n)))
        return rows

    c, u, r, o, mem = (stats[k] for k in ("communities", "units", "two_way_reporting", "organizations", "members"))
    share = "stats.share"
    rows = [(label("communities"), str(c["total"])),
            (label("with_org"), t(share, lang, part=c["with_org"], rate=_pct(c["rate"]))),
            (label("organizations"), str(o["total"])),
            *enum_rows(label("organizations"), "org_kind", o["by_kind"]),
            (label("members"), str(mem["total"])),
            *enum_rows(label("members"), "member_situation", mem["by_situation"]),
            *((label(f"age.{k}"), str(n)) for k, n in mem["by_age"].items()),
            *enum_rows(label("education"), "education", mem["by_education"]),
            *enum_rows(label("sex"), "sex", mem["by_sex"]),
            (label("units"), str(u["total"])),
            (label("two_new"), str(u["two_new"])),
            (label("eligible_with_org"), t(share, lang, part=f"{u['two_new_eligible_with_org']}/{u['two_new_eligible']}",
                                           rate=_pct(u["two_new_org_rate"]))),
            (label("work_coverage"), _pct(u["two_new_work_coverage_rate"])),
            (label("reporting"), t(share, lang, part=f"{r['reported']}/{r['in_service_residents']}",
                                   rate=_pct(r["rate"]))),
            (label("agreements"), str(stats["co_construction"]["agreements_in_force"])),
            (label("partners"), str(stats["co_construction"]["partners_per_community"]))]  # fmt: skip
    funds = stats.get("funds")
    if funds:
        rows += [(label("funds.party_work"), label("funds.total", total=f"{funds['party_work_total']:g}",
                                                  known=funds["party_work_known"])),
                 (label("funds.subsidy"), label("funds.total", total=f"{funds['self_governance_subsidy_total']:g}",
                                               known=funds["self_governance_subsidy_known"])),
                 *enum_rows(label("funds.ring"), "area_ring", funds["by_ring"])]  # fmt: skip
    acts, matters = stats.get("activities"), stats.get("matters")
    if acts:
        rows += [(label(f"activity.{k}"), str(acts[k])) for k in ("total", "last_12_months", "party_lessons", "joint",
                                                                   "meetings", "participants", "taking_part")]
        rows += [(label(f"matter.{k}"), str(matters[k])) for k in ("total", "settled", "open", "overdue")]
    evals = stats.get("evaluations")
    if evals:
        rows += [(label("evaluation.last_12_months"), str(evals["last_12_months"])),
                 (label("evaluation.members"), str(evals["members_evaluated"])),
                 *enum_rows(label("evaluation.grade"), "eval_grade", evals["by_grade"])]  # fmt: skip
    teams = stats.get("volunteer_teams")
    if teams:
        rows += [(label("teams"), str(teams["total"])), (label("volunteers"), str(teams["volunteers"])),
                 (label("team_members"), str(teams["members_listed"]))]  # fmt: skip
    counted = stats.get("as_reports_count")
    if counted:
        rows += _counted_rows(counted, label, enum_rows)
    return rows


def _counted_rows(c: dict[str, Any], label, enum_rows) -> list[tuple[str, str]]:
    """The rows of the figures as the reports count them."""
    split, o, v = c["communities"], c["organizations"], c["venues"]

    def with_org(part: dict) -> str:
        return label("counted.with_org", total=part["total"], with_org=part["with_org"])

    own = {k: n for k, n in c["communities_by_own_org"].items() if k != "none"}  # with_org tells the others
    return [(label(f"counted.{k}"), with_org(split[k])) for k in ("community", "village", "under_street",
                                                                  "under_township")] + [
        (label("counted.streets"), str(c["streets"])),
        *enum_rows(label("counted.by_own_org"), "org_kind", own),
        (label("counted.organizations"), str(o["total"])),
        *enum_rows(label("counted.kinds"), "org_kind", o["by_kind"]),
        (label("counted.all_organizations"), str(o["with_groups_and_township_committees"])),
        *((label(f"counted.{k}"), str(c[k])) for k in ("first_secretaries", "liaison_leaders", "grid_leaders",
                                                        "grid_workers", "instructors", "part_time_members")),
        (label("counted.secretaries"), label("counted.secretaries_profile", **{
            k: ("—" if v is None else v) for k, v in c["community_secretaries"].items()})),
        *((label(f"counted.venue.{k}"), str(v[k])) for k, _ in VENUE_TIERS),
        (label("counted.venue.unknown"), str(v["unknown"])),
        (label("counted.venue.total_m2"), f"{v['total_m2']:g}"),
        *((label(f"counted.{k}"), str(c[k])) for k in ("mobile_members", "unit_members_in_service",
                                                        "unit_members_reported", "units_with_reported_members",
                                                        "shared_venues")),
    ]  # fmt: skip


def _one_community() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("c", type=AREA, name="祥云社区", level="community")
    return g
