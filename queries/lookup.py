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
from collections.abc import Iterable
from typing import Any

import networkx as nx

from dangjian.graph.columns import Tables
from dangjian.graph.errors import DangjianError
from dangjian.graph.privacy import mask_name
from dangjian.graph.schema import model
from dangjian.wording import Later

__all__ = ["NotFound", "resolve", "short_name", "name_stem"]

_SUFFIXES = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("居民委员会", "社区"), ("居委会", "社区"),
             ("村民委员会", "村"), ("村委会", "村"), ("街道办事处", "街道"), ("办事处", ""))  # fmt: skip


class NotFound(DangjianError):
    """No entity, or more than one, answers to a name."""

    def __init__(self, key: str, candidates: list[str] | None = None, **params: Any):
        super().__init__(key, **params)
        self.candidates = candidates or []


def _masked(d: dict) -> bool:
    return model().is_person(d.get("type"))


def _shown(g: nx.MultiDiGraph, n: str) -> str:
    d = g.nodes[n]
    return mask_name(str(d.get("name"))) if _masked(d) else str(d.get("name"))


def _names(t: Tables, types: set[str] | None) -> nx.MultiDiGraph:
    """A graph of the nodes of these types (all without types) with their type and name: what
    :func:`resolve` reads."""
    g = nx.MultiDiGraph()
    for type_name in t.types("nodes"):
        if types is None or type_name in types:
            g.add_nodes_from((n, {"type": type_name, "name": name})
                             for n, name in zip(t.column("nodes", type_name, "id"), t.column("nodes", type_name, "name"),
                                                strict=True))  # fmt: skip
    return g


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
    if isinstance(g, Tables):
        g = _names(g, wanted)
    text = text.strip()
    if text in g and (wanted is None or g.nodes[text].get("type") in wanted):
        return text
    key = short_name(text)
    hits = [n for n, d in g.nodes(data=True)
            if (wanted is None or d.get("type") in wanted)
            and (d.get("name") == text or short_name(str(d.get("name", ""))) == key)]  # fmt: skip
    if len(hits) == 1:
        return hits[0]
    if hits:
        shown = [f"{h} ({_shown(g, h)})" for h in sorted(hits)[:8]]
        raise NotFound("lookup.ambiguous", hits, text=text, n=len(hits), names=", ".join(shown))
    names = {str(d.get("name")): n for n, d in g.nodes(data=True)  # people's names are never suggested
             if d.get("name") and (wanted is None or d.get("type") in wanted) and not _masked(d)}  # fmt: skip
    near = difflib.get_close_matches(text, names, n=5, cutoff=0.5)
    hint = Later("lookup.did_you_mean", names=", ".join(near)) if near else ""
    raise NotFound("lookup.nothing", [names[x] for x in near], text=text, hint=hint)
