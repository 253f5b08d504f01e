"""Finding entities by id or name: exact id, exact name, or a name without its usual suffix
(祥云社区居委会 is found as 祥云社区). Ambiguous and unknown names raise :class:`NotFound` with the
candidates or near matches.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("530702003003", type="Area", name="祥云社区", level="community")
>>> resolve(g, "祥云社区居委会")
'530702003003'
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable
from typing import Any

import networkx as nx

from dangjian.graph.columns import NodeRows, Tables, containing
from dangjian.graph.errors import DangjianError
from dangjian.graph.privacy import LazyGuard, NameGuard, shown_name
from dangjian.graph.roles import AREA
from dangjian.graph.schema import model
from dangjian.wording import Later
from dangjian.wording import t as text_of

__all__ = ["NotFound", "resolve", "short_name", "name_stem", "names_of"]

_SUFFIXES = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居民委员会", "社区"), ("居委会", "社区"),
             ("村民委员会", "村"), ("村委会", "村"), ("街道办事处", "街道"), ("办事处", ""))  # fmt: skip


class NotFound(DangjianError):
    """No entity, or more than one, answers to a name."""

    def __init__(self, key: str, candidates: list[str] | None = None, **params: Any):
        super().__init__(key, **params)
        self.candidates = candidates or []


def short_name(name: str) -> str:
    """祥云社区居委会 -> 祥云社区, 义和居民委员会 -> 义和社区, 某某村村民委员会 -> 某某村."""
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            return base if base.endswith(kind) else base + kind
    return name


def name_stem(name: str) -> str:
    """The name without its usual suffix, to search by: 祥云社区居委会 -> 祥云社区, 义和居民委员会 -> 义和."""
    for suffix, _ in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def resolve(g: nx.MultiDiGraph | Tables, text: str, types: Iterable[str] | None = None) -> str:
    """The id of the one entity ``text`` names (its id, its name or its short name), in a graph or
    in a workspace's columns."""
    wanted = set(types) if types else None
    text = text.strip()
    entries = names_of(g, wanted)
    type_of = _type_of(g)
    if type_of(text, None) is not None or (isinstance(g, nx.Graph) and text in g):
        if wanted is None or type_of(text, None) in wanted:
            return text
    key = short_name(text)
    first = key[:1]  # a name whose short name is the key starts with the key's first character
    if isinstance(g, Tables) and first and "\n" not in key:
        hits = _name_hits(g, wanted, text, key)
    else:
        hits = [n for n, _, name in entries()
                if name == text or (name is not None and str(name)[:1] == first and short_name(str(name)) == key)]  # fmt: skip
    if len(hits) == 1:
        return hits[0]
    shown = _shown_in(g)
    if hits:
        where = _paths(g, sorted(hits)[:8])
        listed = [f"{h} ({text_of('lookup.at', name=shown(h), path=where[h]) if where.get(h) else shown(h)})"
                  for h in sorted(hits)[:8]]  # fmt: skip
        raise NotFound("lookup.ambiguous", hits, text=text, n=len(hits), names=", ".join(listed))
    person = model().is_person
    names = {str(name): n for n, t, name in entries()  # people's names are never suggested
             if name and not person(t)}  # fmt: skip
    near = difflib.get_close_matches(text, names, n=5, cutoff=0.5)
    hint = Later("lookup.did_you_mean", names=", ".join(map(shown, map(names.get, near)))) if near else ""
    raise NotFound("lookup.nothing", [names[x] for x in near], text=text, hint=hint)


def _paths(g: nx.MultiDiGraph | Tables, ids: list[str]) -> dict[str, str]:
    """id -> where it sits (丽江市>古城区>祥和街道), to tell apart entities of one name: the area path
    above an area, the area path of anything else."""
    from dangjian.queries.index import GraphIndex

    ix = GraphIndex(g)
    out = {}
    for n in ids:
        path = ix.area_path(n)
        if path and ix.attr(n, "type") == AREA:
            path = path[:-1]  # an area's own name is already shown
        out[n] = ">".join(map(str, path))
    return out


def _name_hits(t: Tables, wanted: set[str] | None, text: str, key: str) -> list[str]:
    """The ids whose name is ``text`` or shortens to ``key``, in a workspace's columns: each type's
    names searched as one text (in C) for those that start as the key does."""
    hits = []
    for type_name in t.types("nodes"):
        if wanted is not None and type_name not in wanted:
            continue
        names = ["" if x is None else str(x) for x in t.column("nodes", type_name, "name")]
        ids = t.column("nodes", type_name, "id")
        found = containing(names, key[0], prefix=True)
        positions = range(len(names)) if found is None else found
        hits += [ids[p] for p in positions if names[p] == text or short_name(names[p]) == key]
    return hits


def names_of(g: nx.MultiDiGraph | Tables, wanted: set[str] | None = None):
    """A function giving (id, type, name) of every node of the wanted types (all when None), in a
    graph's order or a workspace's columns, type by type.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("c", type="Area", name="祥云社区")
    >>> list(names_of(g)())
    [('c', 'Area', '祥云社区')]
    """
    if isinstance(g, Tables):

        def from_columns():
            for t in g.types("nodes"):
                if wanted is None or t in wanted:
                    ids = g.column("nodes", t, "id")
                    yield from zip(ids, itertools.repeat(t, len(ids)), g.column("nodes", t, "name"), strict=True)

        return from_columns

    def from_graph():
        for n, d in g.nodes(data=True):
            t = d.get("type")
            if wanted is None or t in wanted:
                yield n, t, d.get("name")

    return from_graph


def _type_of(g: nx.MultiDiGraph | Tables):
    """id -> its type (``default`` for an id not there)."""
    if isinstance(g, Tables):

        def located(n: str, default: Any = None) -> Any:
            found = g.locate(n)
            return default if found is None else found[0]

        return located
    nodes = g.nodes
    return lambda n, default=None: nodes[n].get("type") if n in nodes else default


def _shown_in(g: nx.MultiDiGraph | Tables):
    """id -> its name as messages show it: people's masked, and a member's name or a number inside
    another's name masked (:func:`~dangjian.graph.privacy.shown_name`)."""
    person = model().is_person
    people = set(model().people)
    guard = LazyGuard(lambda: NameGuard(name for _, _, name in names_of(g, people)()))
    if isinstance(g, Tables):
        rows = NodeRows(g)
        return lambda n: shown_name(str(rows.attr(n, "name")), person(rows.attr(n, "type")), guard)
    return lambda n: shown_name(str(g.nodes[n].get("name")), person(g.nodes[n].get("type")), guard)


