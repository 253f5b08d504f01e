"""The five views, each a function that reads the graph (never changes it) and returns a
:class:`~dangjian.viz.model.View`: plain data with positions already computed.

- :func:`overview`: the area tree down to communities, each with its organization; coloured by the
  worst finding, sized by members. No member nodes, so a city of 1,800 communities stays light.
- :func:`community`: one community's organizations, grids, compounds and buildings, resident and
  partner units, agreements, liaison leader and first secretary, and members totalled by situation
  (one node per member on request, names masked).
- :func:`tree`: the leadership hierarchy of the organizations of an area.
- :func:`coconstruction`: communities and their partner units, joined through agreements in force.
- :func:`gaps`: only the entities with findings, each under its community.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> v = overview(g, as_of="2026-11-22")
>>> [(n["label"], n["severity"]) for n in v.nodes]
[('祥云社区', 'high')]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any

import networkx as nx

from dangjian.graph.errors import DangjianError
from dangjian.graph.perf import paused_gc
from dangjian.graph.roles import (
    ACTIVITY,
    AGREEMENT,
    ANCHORED_IN,
    AREA,
    CONTAINS,
    COVERS,
    FIRST_SECRETARY_OF,
    LEADS,
    LIAISON_FOR,
    LIVES_IN,
    LOCATED_IN,
    MEMBER,
    MEMBER_OF,
    ORG,
    PARTY_TO,
    PERSON,
    UNIT,
)
from dangjian.graph.schema import model
from dangjian.queries import Finding, GraphIndex, run_rules
from dangjian.queries.coconstruction import agreement_parties, in_force, partners_by_community
from dangjian.queries.index import COMMUNITY_LEVELS
from dangjian.queries.lookup import resolve
from dangjian.queries.registry import SEVERITIES
from dangjian.viz.layout import tree_layout
from dangjian.viz.model import PEOPLE, SEVERITY_COLOURS, Canvas, View
from dangjian.wording import LANGS, choose, t, texts

__all__ = ["overview", "community", "tree", "coconstruction", "gaps", "VIEWS", "build_view", "ViewError"]

UPPER_LEVELS = ("province", "city", "district", "street", "township", *sorted(COMMUNITY_LEVELS))
PARTNER_RULES = ("community-few-partners", "community-single-partner")


Guard = Callable[[str], str]


class ViewError(DangjianError):
    """A view that cannot be built or written as asked."""


def _start(g: nx.MultiDiGraph, as_of, lang: str | None, show_names: bool, config: dict | None = None,
           min_severity: str | None = None, ordered: bool = False, guard: Guard | None = None,
           ) -> tuple[GraphIndex, Canvas]:  # fmt: skip
    """The index and a canvas holding the findings (``ordered``: in run_rules's order, for a view
    that lists entities in the order of their first finding; the canvas orders each entity's own),
    in ``lang`` (default: the language in use). ``guard`` masks people's names and numbers in free
    text and other names (default: the people of ``g``; give the workspace's when ``g`` is a shard)."""
    lang = choose(lang)
    ix = GraphIndex(g, as_of)
    if guard is not None:
        ix.use_guard(guard)  # the findings' names too
    findings = run_rules(g, as_of=ix.as_of, lang=lang, config=config, min_severity=min_severity, index=ix,
                         ordered=ordered)  # fmt: skip
    return ix, Canvas(g, lang=lang, findings=findings, show_names=show_names, paths=ix.area_path, guard=guard)


def _roots(ix: GraphIndex, area: str | None) -> list[str]:
    """The area asked for, or every top area (one with no parent area)."""
    if area is not None:
        return [resolve(ix.g, area, types=[AREA])]
    return [a for a in ix.of_type(AREA) if ix.parent_area(a) is None]


def _title(kind: str, lang: str, what: list[str], ix: GraphIndex) -> str:
    head = t(f"view.title.{kind}", lang)
    names = "、".join(str(ix.attr(a, "name", a)) for a in what[:3]) + ("…" if len(what) > 3 else "")
    return f"{names} · {head}" if names else head


FOLD_AT = 1500  # a view of more nodes opens folded
OPEN_MAX = 80  # at most this many nodes drawn when it opens folded: labels readable at the first zoom


def _finish(kind: str, title: str, c: Canvas, lang: str, **stats: Any) -> View:
    c.canonical()
    ids = [n["id"] for n in c.nodes]
    pos = tree_layout(ids, c.parent)
    for n in c.nodes:
        n["x"], n["y"] = pos[n["id"]]
    view = View(kind, title, lang, c.nodes, c.edges, c.legend(), stats, dict(c.parent))
    if len(ids) > FOLD_AT:
        view.fold_depth, view.opening = _opening(ids, c.parent)
    return view


def _opening(ids: list, parent: dict) -> tuple[int, dict]:
    """How a big view opens: (the depth it is folded at, the positions of the nodes drawn then).
    The deepest level of the layout tree whose nodes and those above them number at most
    OPEN_MAX (the roots, at least); those nodes laid out on their own, compact."""
    depth: dict = {}
    for n in ids:
        chain, x = [], n
        while x not in depth and x is not None and len(chain) < 64:
            chain.append(x)
            x = parent.get(x)
            if x in chain:  # a cycle: cut it here
                x = None
        d = depth.get(x, -1) if x is not None else -1
        for y in reversed(chain):
            d += 1
            depth[y] = d
    per = Counter(depth.values())
    fold, total = 0, 0
    for d in sorted(per):
        total += per[d]
        if total > OPEN_MAX and d > 0:
            break
        fold = d
    shown = [n for n in ids if depth[n] <= fold]
    return fold, tree_layout(shown, {n: p for n, p in parent.items() if depth.get(n, 0) <= fold})


def _members_below(ix: GraphIndex, a: str) -> int:
    living = ix.in_count(LIVES_IN).get
    return sum(living(x, 0) for x in ix.area_subtree(a))


def _size(base: int, count: int) -> float:
    return round(base + 2.2 * math.sqrt(count), 1)


def _upper_tree(ix: GraphIndex, c: Canvas, roots: list[str], communities: list[str]) -> None:
    """The areas from the roots down to (and including) the communities, as layout parents."""
    keep = dict.fromkeys(x for r in roots for x in ix.area_subtree(r) if ix.attr(x, "level") in UPPER_LEVELS)
    communities = set(communities)
    for a in keep:
        p = ix.parent_area(a)
        c.node(a, parent=p if p in keep else None,
               colour_by=c.by_community.get(a, []) if a in communities else None)  # fmt: skip
    for a in keep:
        p = ix.parent_area(a)
        if p in keep:
            c.edge(p, a, CONTAINS)


@paused_gc()  # thousands of small dicts and lists, no cycles: see dangjian.graph.perf
def overview(g: nx.MultiDiGraph, area: str | None = None, *, as_of=None, lang: str | None = None,
             show_names: bool = False, config: dict | None = None, guard: Guard | None = None) -> View:  # fmt: skip
    """The area tree of ``area`` (default: everything) down to its communities, each community
    with the organizations anchored in it; communities coloured by the worst finding inside them
    and sized by the members living there."""
    ix, c = _start(g, as_of, lang, show_names, config, guard=guard)
    lang = c.lang
    roots = _roots(ix, area)
    communities = [x for r in roots for x in ix.area_subtree(r) if ix.attr(x, "level") in COMMUNITY_LEVELS]
    _upper_tree(ix, c, roots, communities)
    total = 0
    for com in communities:
        n = _members_below(ix, com)
        total += n
        item = c.node(com)
        item["size"] = _size(12, n)
        inside = c.by_community.get(com, [])
        item["facts"][:0] = [[t("view.members_living", lang), str(n)],
                             [t("view.findings_inside", lang), _tally(inside, lang)]]  # fmt: skip
        item["inside"] = [c.inside_row(f) for f in sorted(inside, key=_finding_rank)]
        for o in ix.orgs_anchored(com):
            c.node(o, parent=com)
            c.edge(o, com, ANCHORED_IN)
    title = _title("overview", lang, roots, ix)
    return _finish("overview", title, c, lang, communities=len(communities), members=total)


def _finding_rank(f: Finding) -> tuple[int, str, str]:
    return SEVERITIES.index(f.severity), f.rule, str(f.entity)


def _tally(findings: list[Finding], lang: str) -> str:
    """'4（高 1，中 3）': findings about anything inside a community, by severity."""
    if not findings:
        return "0"
    found = [f.severity for f in findings]  # a few per community, thousands of communities: no Counter
    labels = texts("severity", lang)
    parts = t("cli.list_sep", lang).join(f"{labels[s]} {k}" for s in SEVERITIES if (k := found.count(s)))
    return t("view.tally", lang, n=len(findings), parts=parts)


def _org_family(ix: GraphIndex, anchors: list[str]) -> list[str]:
    """Organizations anchored in these places and every organization they lead."""
    seen: dict[str, None] = {}
    leads = ix.out[LEADS]
    for a in anchors:
        stack = [o for o in ix.orgs_anchored(a) if o not in seen]
        seen.update(dict.fromkeys(stack))
        while stack:  # one walk for all of them: each organization is visited once
            for child in leads.get(stack.pop(), ()):
                if child not in seen:
                    seen[child] = None
                    stack.append(child)
    return list(seen)


def _layout_parent_org(ix: GraphIndex, c: Canvas, o: str, fallback: str | None) -> str | None:
    sup = next(iter(ix.inn[LEADS].get(o, ())), None)
    if sup is not None and c.has(sup):
        return sup
    anchor = next(iter(ix.out[ANCHORED_IN].get(o, ())), None)
    return anchor if anchor is not None and c.has(anchor) else fallback


@paused_gc()
def community(g: nx.MultiDiGraph, target: str, *, as_of=None, lang: str | None = None, show_names: bool = False,
              members: bool = False, config: dict | None = None, guard: Guard | None = None) -> View:  # fmt: skip
    """One community: its areas, organizations, units, partners, agreements, posts and members
    (totals by situation; one node per member with ``members=True``)."""
    ix, c = _start(g, as_of, lang, show_names, config, guard=guard)
    lang = c.lang
    com = resolve(g, target, types=[AREA])
    if ix.attr(com, "level") not in COMMUNITY_LEVELS:
        above = ix.community_of(com)
        if above is None:  # a street or a district: too big for one community's view
            raise ViewError("view.not_community", name=ix.attr(com, "name", com))
        com = above  # a grid, compound or building: its community
    areas = ix.area_subtree(com)
    for a in areas:
        p = ix.parent_area(a)
        c.node(a, parent=p if a != com else None)
        if a != com:
            c.edge(p, a, CONTAINS)
    units = [u for a in areas for u in ix.inn[LOCATED_IN].get(a, ())]
    for u in units:
        c.node(u, parent=ix.area_of(u))
        c.edge(u, ix.area_of(u), LOCATED_IN)
    orgs = _org_family(ix, areas + units)
    for o in orgs:
        c.node(o)
    for o in orgs:
        c.parent[o] = _layout_parent_org(ix, c, o, com)
        for sup in ix.inn[LEADS].get(o, ()):
            c.edge(sup, o, LEADS)
        for x in ix.out[ANCHORED_IN].get(o, ()):
            c.edge(o, x, ANCHORED_IN, dashes=True)
        for u in ix.out[COVERS].get(o, ()):
            c.edge(o, u, COVERS, dashes=True)
    member_count = _members(ix, c, orgs, members, lang)
    for edge in (LIAISON_FOR, FIRST_SECRETARY_OF):
        for person in ix.inn[edge].get(com, ()):
            c.node(person, parent=com, group="people")
            c.edge(person, com, edge)
    _agreements(ix, c, com, orgs)
    _placed_here(ix, c, areas)
    return _finish("community", _title("community", lang, [com], ix), c, lang, members=member_count)


#: the types the community view draws in its own way above (activities it leaves out)
_DRAWN = frozenset({AREA, UNIT, ORG, MEMBER, PERSON, AGREEMENT, ACTIVITY})


def _placed_here(ix: GraphIndex, c: Canvas, areas: list[str]) -> None:
    """Any other type the schema places in an area by one relation (a type added in the schema
    alone), drawn in the area it is placed in, with that relation."""
    m = model()
    for kind in m.nodes:
        rel = m.area_edge(kind)
        if kind in _DRAWN or m.is_person(kind) or rel is None or rel[1] != "out":
            continue
        for a in areas:
            for x in ix.inn[rel[0]].get(a, ()):
                if ix.attr(x, "type") == kind:
                    c.node(x, parent=a)
                    c.edge(x, a, rel[0])


def _members(ix: GraphIndex, c: Canvas, orgs: list[str], one_by_one: bool, lang: str) -> int:
    from dangjian.graph.schema import model

    situations = model().enums["member_situation"]
    total = 0
    for o in orgs:
        ms = ix.members_of(o)
        total += len(ms)
        if one_by_one:
            for m in ms:
                c.node(m, parent=o)
                c.edge(m, o, MEMBER_OF)
            continue
        by: dict[str, list[str]] = {}
        for m in ms:
            by.setdefault(ix.attr(m, "situation") or "", []).append(m)
        for s, group in sorted(by.items()):
            s_label = situations.label(s, lang) if s in situations.values else t("view.other", lang)
            key = f"members:{o}:{s}"
            label = t("view.members_group", lang, situation=s_label, n=len(group))
            formal = ix.formal_count(group)
            c.aggregate(key, label, parent=o, size=_size(8, len(group)),
                        facts=[[t("view.members", lang), str(len(group))],
                               [t("view.formal", lang), str(formal)]])  # fmt: skip
            c.edge(key, o, MEMBER_OF)
    return total


def _agreements(ix: GraphIndex, c: Canvas, com: str, orgs: list[str]) -> None:
    """Agreements signed by the community's organizations (in force or not), with their units."""
    mine = set(orgs)
    for a in ix.of_type(AGREEMENT):
        sides, units = agreement_parties(ix, a)
        signers = [o for o in sides if o in mine]
        if not signers:
            continue
        c.node(a, parent=signers[0], extra=[[t("view.in_force", c.lang),
                                             t("yes" if in_force(ix, a) else "no", c.lang)]])  # fmt: skip
        for o in signers:
            c.edge(o, a, PARTY_TO)
        for u in units:
            c.node(u, parent=a)
            c.edge(u, a, PARTY_TO)


@paused_gc()
def tree(g: nx.MultiDiGraph, area: str | None = None, *, as_of=None, lang: str | None = None,
         show_names: bool = False, config: dict | None = None, guard: Guard | None = None) -> View:  # fmt: skip
    """The organizations of an area (anchored in it, below it or in its units) and all they lead,
    laid out as the leadership tree."""
    ix, c = _start(g, as_of, lang, show_names, config, guard=guard)
    lang = c.lang
    roots = _roots(ix, area)
    areas = [x for r in roots for x in ix.area_subtree(r)]
    units = [u for a in areas for u in ix.inn[LOCATED_IN].get(a, ())]
    orgs = _org_family(ix, areas + units)
    counts = ix.in_count(MEMBER_OF)
    for o in orgs:
        c.node(o, size=_size(8, counts[o]))
    for o in orgs:
        sup = next(iter(ix.inn[LEADS].get(o, ())), None)
        if sup is not None and c.has(sup):
            c.parent[o] = sup
        for s in ix.inn[LEADS].get(o, ()):
            c.edge(s, o, LEADS)
    return _finish("tree", _title("tree", lang, roots, ix), c, lang, organizations=len(orgs))


@paused_gc()
def coconstruction(g: nx.MultiDiGraph, area: str | None = None, *, as_of=None, lang: str | None = None,
                   show_names: bool = False, config: dict | None = None, guard: Guard | None = None) -> View:  # fmt: skip
    """Communities of an area and their partner units (agreements in force), coloured by the
    findings of the partner rules (community-few-partners, community-single-partner): a community
    the rules pass is green."""
    ix, c = _start(g, as_of, lang, show_names, config, guard=guard)
    lang = c.lang
    roots = _roots(ix, area)
    communities = [x for r in roots for x in ix.area_subtree(r) if ix.attr(x, "level") in COMMUNITY_LEVELS]
    partners = partners_by_community(ix)
    _upper_tree(ix, c, roots, [])
    few = 0
    for com in communities:
        units = sorted(partners.get(com, ()))
        item = c.node(com)
        item["size"] = _size(12, 4 * len(units))
        own = [f for f in c.by_entity.get(com, []) if f.rule in PARTNER_RULES]  # as the rules judge it
        worst = c.worst(own)
        item["color"] = SEVERITY_COLOURS[worst] if worst else "#2ca02c"
        item["severity"] = worst
        item["findings"] = [c.finding_row(f) for f in own]
        few += any(f.rule == "community-few-partners" for f in own)
        item["facts"][:0] = [[t("view.partners", lang), str(len(units))]]
        for u in units:
            c.node(u, parent=com)
            c.edge(com, u, PARTY_TO, label=t("view.partners_edge", lang))
    title = _title("coconstruction", lang, roots, ix)
    return _finish("coconstruction", title, c, lang, communities=len(communities), few_partners=few)


@paused_gc()
def gaps(g: nx.MultiDiGraph, area: str | None = None, *, as_of=None, lang: str | None = None, show_names: bool = False,
         config: dict | None = None, min_severity: str | None = None, guard: Guard | None = None,
         members: bool = False) -> View:  # fmt: skip
    """Only the entities with findings (at ``min_severity`` or above), each under its community,
    with the area chain above for context. Members with findings are folded into one node per
    community (a row per rule, with how many members and their masked names), as in the community
    view; one node per member with ``members=True``."""
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ViewError("view.bad_severity", choices=", ".join(SEVERITIES))
    ix, c = _start(g, as_of, lang, show_names, config, min_severity, ordered=True, guard=guard)
    lang = c.lang
    roots = _roots(ix, area)
    inside = {x for r in roots for x in ix.area_subtree(r)}
    entities = [e for e in c.by_entity if ix.area_of(e) in inside or (area is None and ix.area_of(e) is None)]
    context: dict[str, None] = {}
    for e in entities:
        x = ix.community_of(e) or ix.area_of(e)
        chain: dict[str, None] = {}  # ordered, and stops at a cycle in the area tree
        while x is not None and x not in context and x not in chain:
            chain[x] = None
            x = ix.parent_area(x)
        context.update(dict.fromkeys(reversed(list(chain))))
    for a in context:
        p = ix.parent_area(a)
        c.node(a, parent=p if p in context else None, findings=c.by_entity.get(a, []))
        if p in context:
            c.edge(p, a, CONTAINS)
    folded: dict[str | None, list[str]] = {}
    for e in entities:
        home = ix.community_of(e) or ix.area_of(e)
        if e in context:
            continue
        if not members and ix.attr(e, "type") in PEOPLE:
            folded.setdefault(home, []).append(e)
            continue
        c.node(e, parent=home)
        if home is not None:
            c.edge(e, home, LOCATED_IN, label=t("view.located_edge", lang), dashes=True)
    for home, people in folded.items():
        _fold_people(c, home, people, lang)
    n_findings = sum(len(c.by_entity[e]) for e in entities)
    return _finish("gaps", _title("gaps", lang, roots, ix), c, lang, entities=len(entities), findings=n_findings)


def _fold_people(c: Canvas, home: str | None, people: list[str], lang: str) -> None:
    """One node for the people with findings in a community: a row per rule (its severity, title
    with how many, and their masked names), coloured by the worst."""
    by_rule: dict[str, list[Finding]] = {}
    for m in people:
        for f in c.by_entity.get(m, _NO_FINDINGS):
            by_rule.setdefault(f.rule, []).append(f)
    rows = []
    for fs in sorted(by_rule.values(), key=lambda fs: _finding_rank(fs[0])):
        f = fs[0]
        names = t("report.kind_sep", lang).join(str(x.name) for x in fs[:10]) + ("…" if len(fs) > 10 else "")
        rows.append([f.severity, t(f"severity.{f.severity}", lang), t("view.people_rule", lang, title=f.title, n=len(fs)),
                     f.cite, t("view.people_names", lang, names=names), f.rule])  # fmt: skip
    key = f"people:{home}"
    label = t("view.people_group", lang, n=len(people))
    item = c.aggregate(key, label, parent=home if home is not None else key, group="members",
                       size=_size(8, len(people)), facts=[[t("view.members", lang), str(len(people))]])  # fmt: skip
    if home is None:
        c.parent.pop(key, None)
    item["findings"] = rows
    worst = rows[0][0] if rows else None
    if worst:
        item["color"], item["severity"] = SEVERITY_COLOURS[worst], worst
    if home is not None:
        c.edge(key, home, LOCATED_IN, label=t("view.located_edge", lang), dashes=True)


_NO_FINDINGS: list[Finding] = []


VIEWS = {"overview": overview, "community": community, "tree": tree, "coconstruction": coconstruction,
         "gaps": gaps}  # fmt: skip


def build_view(g: nx.MultiDiGraph, kind: str, target: str | None = None, **options: Any) -> View:
    """``VIEWS[kind](g, target, **options)``; the community view needs a target."""
    if kind not in VIEWS:
        raise ViewError("view.no_view", kind=kind, views=", ".join(VIEWS))
    if options.get("lang") not in (None, *LANGS):
        raise ViewError("view.bad_lang", language=options["lang"])
    if kind == "community" and target is None:
        raise ViewError("view.needs_community")
    return VIEWS[kind](g, target, **options)
