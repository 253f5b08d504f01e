"""The analysis graph: a networkx ``MultiDiGraph`` built from the workspace.

Nodes are keyed by id and carry ``type``, ``name``, their properties and ``source``
(file, sheet, row). Edges carry ``type``, ``valid_from``, ``valid_to``, their properties and
``source``; the edge key is the workspace's edge id.

>>> from dangjian.graph.store import Workspace
>>> from dangjian.graph.build import to_networkx
>>> g = to_networkx(Workspace.open(":memory:", create=True))
>>> g.number_of_nodes()
0
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from dangjian.graph.perf import paused_gc
from dangjian.graph.schema import model
from dangjian.graph.store import Workspace

__all__ = ["to_networkx"]


def to_networkx(ws: Workspace) -> nx.MultiDiGraph:
    """Build the analysis graph from every node and edge in ``ws``."""
    with paused_gc():
        return _build(ws)


def _build(ws: Workspace) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(schema_version=ws.schema_version, workspace=ws.path)
    # One string object per id, type and enum value: an edge's ends are the very objects that key
    # the nodes, and the many copies of "Member" or "in_service" are one. Dict lookups then end on
    # an identity check instead of comparing two copies, and the graph is smaller.
    ids: dict[str, str] = {}
    words: dict[str, str] = {}
    m = model()
    enums = {t: tuple(k for k, p in m.node(t).properties.items() if p.enum is not None) for t in m.nodes}

    def nodes() -> Iterator[tuple[str, dict[str, Any]]]:
        for n in ws.iter_nodes():
            props = n.props
            for k in enums.get(n.type, ()):
                v = props.get(k)
                if type(v) is str:
                    props[k] = words.setdefault(v, v)
            ids[n.id] = n.id
            yield n.id, {**props, "type": words.setdefault(n.type, n.type), "name": n.name, "source": n.source}

    g.add_nodes_from(nodes())
    same = ids.get
    g.add_edges_from(
        (
            same(e.src, e.src),
            same(e.dst, e.dst),
            eid,
            {**e.props, "type": words.setdefault(e.type, e.type), "valid_from": e.valid_from,
             "valid_to": e.valid_to, "source": e.source},
        )
        for eid, e in ws.iter_edges()
    )  # fmt: skip
    return g
