"""What changed since the last check (督查): a snapshot of a graph's findings, key figures and
entities on a date (:func:`take_snapshot`), and the comparison of two snapshots (:func:`compare`):
findings new, resolved (销号) and still open, entities added and removed, street by street, and
the figures before and after.

A finding is the same finding when its rule and its entity are the same; an open finding whose
severity changed says so. A snapshot is plain data (JSON): names in it are as the findings show
them (people masked), and people are kept by id, with their names masked.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("s", type="Area", name="祥和街道", level="street")
>>> for c in ("c1", "c2"):
...     g.add_node(c, type="Area", name=c + "社区", level="community")
...     _ = g.add_edge("s", c, type="CONTAINS")
>>> before = take_snapshot(g, as_of="2026-06-30", rules=["community-without-org"])
>>> g2 = g.copy()
>>> g2.add_node("o", type="PartyOrg", name="c1社区党支部", kind="branch")
>>> _ = g2.add_edge("o", "c1", type="ANCHORED_IN")
>>> d = compare(before, take_snapshot(g2, as_of="2026-11-22", rules=["community-without-org"]))
>>> [f["entity"] for f in d["findings"]["resolved"]], [f["entity"] for f in d["findings"]["open"]]
(['c1'], ['c2'])
>>> d["by_street"][0]["name"], d["by_street"][0]["resolved"], d["entities"]["added"]
('祥和街道', 1, {'PartyOrg': 1})
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.errors import InputError, WorkspaceError
from dangjian.graph.privacy import mask_name
from dangjian.graph.roles import AREA
from dangjian.graph.schema import model
from dangjian.queries.breakdown import LEVELS, _ids_down
from dangjian.queries.index import GraphIndex
from dangjian.queries.lookup import resolve
from dangjian.queries.registry import rules_registry
from dangjian.queries.run import run_rules
from dangjian.queries.stats import area_stats

__all__ = ["take_snapshot", "compare", "figures_of", "save_snapshot", "diff_workspace", "check_snapshot_name", "since",
           "rules_run",
           "SNAPSHOT_VERSION", "KEY_FIGURES"]

#: the layout of a snapshot's data; a snapshot of another layout is refused
SNAPSHOT_VERSION = 1

#: the figures a comparison lists first (dotted paths into :func:`~dangjian.queries.stats.area_stats`)
KEY_FIGURES = (
    "communities.total", "communities.with_org", "communities.rate", "organizations.total", "members.total",
    "units.total", "units.two_new", "units.two_new_eligible_with_org", "two_way_reporting.reported",
    "two_way_reporting.rate", "co_construction.agreements_in_force", "co_construction.partners_per_community",
)  # fmt: skip

_FINDING_KEYS = ("rule", "severity", "title", "entity", "entity_type", "name", "community", "action", "cite")


def take_snapshot(g: nx.MultiDiGraph | Tables, *, as_of=None, config: dict[str, dict[str, Any]] | None = None,
                  rules: Iterable[str] | None = None, lang: str | None = None,
                  index: GraphIndex | None = None) -> dict[str, Any]:  # fmt: skip
    """The findings (all rules, or those named, with ``config``'s settings), the figures and the
    entities of ``g`` (a graph or a workspace's columns) on the date ``as_of``, as plain data: each
    finding and entity with the street (街道 or 乡镇) it lies in."""
    ix = index if index is not None else GraphIndex(g, as_of)
    findings = run_rules(g, as_of=ix.as_of, config=config, rules=rules, lang=lang, index=ix)
    streets = [a for a in ix.areas(*LEVELS["street"])]
    streets.sort(key=lambda a: _ids_down(ix, a))
    owner: dict[str, str] = {}
    for s in streets:
        for a in ix.area_subtree(s):
            owner.setdefault(a, s)
    m = model()
    guard = ix.name_guard()

    def street_of(n: str, community: str | None = None) -> str | None:
        found = owner.get(community) if community is not None else None
        return found if found is not None else owner.get(ix.area_of(n))

    rows = []
    for f in findings:
        row = {k: getattr(f, k) for k in _FINDING_KEYS}
        row["street"] = street_of(f.entity, f.community)
        rows.append(row)
    entities: dict[str, list[list[Any]]] = {}
    for t in m.nodes:
        ids = ix.of_type(t)
        if not ids:
            continue
        person = m.is_person(t)
        names = ix.values(ids, "name")
        entities[t] = [[n, street_of(n), mask_name(str(nm or n)) if person else guard(str(nm or n))]
                       for n, nm in zip(ids, names, strict=True)]  # fmt: skip
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": ix.as_of,
        "figures": area_stats(g, as_of=ix.as_of, index=ix),
        "rules": rules_run(rules, config or {}),
        "findings": rows,
        "entities": entities,
        "streets": [[s, ix.attr(s, "name", s)] for s in streets],
    }


def rules_run(rules: Iterable[str] | None, config: dict[str, dict[str, Any]]) -> list[str]:
    """The rules a run runs: those named (else all), less those the config turns off."""
    chosen = list(rules) if rules is not None else list(rules_registry())
    return sorted(r for r in chosen if config.get(r, {}).get("enabled", True) is not False)


def figures_of(stats: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The numbers of a figures dict, by dotted path (``communities.total``).

    >>> figures_of({"communities": {"total": 3, "rate": 66.7}, "name": "x"})
    {'communities.total': 3, 'communities.rate': 66.7}
    """
    out: dict[str, Any] = {}
    for k, v in stats.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(figures_of(v, key + "."))
        elif isinstance(v, int | float) and not isinstance(v, bool):
            out[key] = v
    return out


def compare(before: dict[str, Any], after: dict[str, Any], *, streets: Collection[str] | None = None) -> dict[str, Any]:
    """What changed from the snapshot ``before`` to ``after`` (``from`` and ``to``: their names, None
    for one not kept, and dates): ``findings`` (``new``, ``resolved``,
    ``open``: finding dicts, each with its ``street``; an open one whose severity changed has
    ``severity_before``), ``entities`` (``added`` and ``removed``: counts by type, and ``added_list``
    / ``removed_list`` of the entities that are no people: type, id, name, street), ``by_street``
    (one row per street with counts of each, streets in the order of the area tree), and
    ``figures`` (key figures first, then every other number: before, after, change). ``streets``
    (ids) keeps what lies in those streets (and leaves the figures, which are the whole graph's, out)."""
    for snap in (before, after):
        if snap.get("version") != SNAPSHOT_VERSION:
            raise WorkspaceError("snapshot.other_version", found=snap.get("version"), version=SNAPSHOT_VERSION)
    old = {(f["rule"], f["entity"]): f for f in before["findings"]}
    new = {(f["rule"], f["entity"]): f for f in after["findings"]}
    if set(before["rules"]) != set(after["rules"]):
        # a rule run on one side only: its findings are neither new nor resolved
        compared = set(before["rules"]) & set(after["rules"])
        old = {k: f for k, f in old.items() if k[0] in compared}
        new = {k: f for k, f in new.items() if k[0] in compared}

    def keep(row: dict[str, Any]) -> bool:
        return streets is None or row.get("street") in streets

    opened = [f for k, f in new.items() if k not in old and keep(f)]
    resolved = [f for k, f in old.items() if k not in new and keep(f)]
    still = []
    for k, f in new.items():
        if k in old and keep(f):
            row = dict(f)
            if old[k]["severity"] != f["severity"]:
                row["severity_before"] = old[k]["severity"]
            still.append(row)
    m = model()
    added_list, removed_list = [], []
    added, removed = Counter(), Counter()
    by_street: dict[str | None, Counter] = {}
    for kind, out in (("new", opened), ("resolved", resolved), ("open", still)):
        for f in out:
            by_street.setdefault(f["street"], Counter())[kind] += 1
    for t in sorted(set(before["entities"]) | set(after["entities"])):
        a = {row[0]: row for row in before["entities"].get(t, ())}
        b = {row[0]: row for row in after["entities"].get(t, ())}
        person = m.is_person(t)
        for kind, rows, other, counts, listed in (("added", b, a, added, added_list),
                                                  ("removed", a, b, removed, removed_list)):  # fmt: skip
            for n, (_, s, name) in rows.items():
                if n in other or (streets is not None and s not in streets):
                    continue
                counts[t] += 1
                by_street.setdefault(s, Counter())[kind] += 1
                if not person:
                    listed.append({"type": t, "id": n, "name": name, "street": s})
    names = dict(map(tuple, before.get("streets", ()))) | dict(map(tuple, after.get("streets", ())))
    order = [s for s, _ in after.get("streets", ())] + [s for s, _ in before.get("streets", ())]
    rank = {s: i for i, s in enumerate(dict.fromkeys(order))}
    rows = []
    for s in sorted(by_street, key=lambda x: (x is None, rank.get(x, len(rank)), str(x))):
        c = by_street[s]
        rows.append({"street": s, "name": names.get(s, s) if s is not None else None,
                     **{k: c[k] for k in ("new", "resolved", "open", "added", "removed")}})  # fmt: skip
    return {
        "from": {"name": before.get("name"), "as_of": before["as_of"]},
        "to": {"name": after.get("name"), "as_of": after["as_of"]},
        "findings": {"new": opened, "resolved": resolved, "open": still},
        "entities": {"added": dict(added), "removed": dict(removed), "added_list": added_list,
                     "removed_list": removed_list},
        "by_street": rows,
        "figures": _figures(before["figures"], after["figures"]) if streets is None else [],
    }


def _figures(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    a, b = figures_of(before), figures_of(after)
    keys = [k for k in KEY_FIGURES if k in a or k in b]
    keys += sorted(k for k in set(a) | set(b) if k not in KEY_FIGURES)
    out = []
    for k in keys:
        x, y = a.get(k), b.get(k)
        change = round(y - x, 2) if x is not None and y is not None else None
        out.append({"key": k, "before": x, "after": y, "change": change, "key_figure": k in KEY_FIGURES})
    return out


_NAME_MAX = 64


def check_snapshot_name(name: str) -> str:
    """A snapshot's name as kept: trimmed; 1 to 64 characters, none of them a control character,
    not starting with ``-``.

    >>> check_snapshot_name(" 2026Q3 ")
    '2026Q3'
    """
    text = str(name).strip()
    if not text or len(text) > _NAME_MAX or text.startswith("-") or not text.isprintable():
        raise InputError("snapshot.bad_name", max=_NAME_MAX)
    return text


def save_snapshot(ws, name: str, *, as_of=None, config: dict[str, dict[str, Any]] | None = None,
                  replace: bool = False, lang: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Take the snapshot of the workspace ``ws`` (a :class:`~dangjian.graph.store.Workspace` opened
    for writing) on the date ``as_of`` and keep it under ``name``, in one transaction (one of that
    name already kept is an error unless ``replace``). Returns what was kept: name, date, counts."""
    name = check_snapshot_name(name)
    with ws.transaction():
        data = take_snapshot(ws.tables(), as_of=as_of, config=config, lang=lang)
        summary = {
            "findings": len(data["findings"]),
            "by_severity": dict(Counter(f["severity"] for f in data["findings"])),
            "entities": sum(map(len, data["entities"].values())),
        }
        ws.put_snapshot(name, data["as_of"], summary, data, replace=replace)
    return {"name": name, "as_of": data["as_of"], **summary}


def diff_workspace(ws, name: str, other: str | None = None, *, area: str | None = None, as_of=None,
                   config: dict[str, dict[str, Any]] | None = None, lang: str | None = None) -> dict[str, Any]:  # fmt: skip
    """What changed in the workspace ``ws`` from the snapshot ``name`` to the snapshot ``other``, or to
    the workspace now (on the date ``as_of``, with ``config``'s settings) when ``other`` is None;
    ``area`` (an id or name) keeps the streets inside it, or the street it lies in. :func:`compare`'s
    result (``to`` has no name for the workspace now)."""
    name = check_snapshot_name(name)
    before = ws.snapshot(name)
    tables = ws.tables()
    if other is not None:
        other = check_snapshot_name(other)
        after = ws.snapshot(other)
    else:
        after = take_snapshot(tables, as_of=as_of, config=config, lang=lang)
    streets = None
    if area is not None:
        ix = GraphIndex(tables, as_of)
        root = resolve(tables, area, types=[AREA])
        inside = set(ix.area_subtree(root))
        up, x = set(), root
        while x is not None:  # a community or a grid: the street it lies in
            up.add(x)
            x = ix.parent_area(x)
        known = {s for s, _ in after["streets"]} | {s for s, _ in before["streets"]}
        streets = {s for s in known if s in inside or s in up}
    return compare(before, after, streets=streets)


def since(before: dict[str, Any], findings: Iterable[Any], *, rules: Iterable[str] | None = None,
          keep: Callable[[dict[str, Any]], bool] | None = None) -> tuple[list[str], list[dict[str, Any]]]:  # fmt: skip
    """Findings of now against the snapshot ``before``: each one's change (``"new"`` or ``"open"``),
    and the snapshot's findings that are gone (resolved), of the ``rules`` named (default: every rule
    both sides ran) and, with ``keep``, those it keeps.

    >>> from dangjian.queries.findings import Finding
    >>> snap = {"rules": ["r"], "findings": [{"rule": "r", "entity": "a"}, {"rule": "r", "entity": "b"}]}
    >>> now = [Finding("r", "high", "", "b", None, "b", None, [], {}, "", ""),
    ...        Finding("r", "high", "", "c", None, "c", None, [], {}, "", "")]
    >>> since(snap, now)
    (['open', 'new'], [{'rule': 'r', 'entity': 'a'}])
    """
    findings = list(findings)
    old = {(f["rule"], f["entity"]) for f in before["findings"]}
    marks = ["open" if (f.rule, f.entity) in old else "new" for f in findings]
    chosen = set(before["rules"]) if rules is None else set(rules) & set(before["rules"])
    now = {(f.rule, f.entity) for f in findings}
    gone = [f for f in before["findings"] if f["rule"] in chosen and (f["rule"], f["entity"]) not in now
            and (keep is None or keep(f))]  # fmt: skip
    return marks, gone
