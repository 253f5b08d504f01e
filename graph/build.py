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

from collections.abc import Iterable

import networkx as nx

from dangjian.graph.perf import paused_gc
from dangjian.graph.schema import model
from dangjian.graph.store import Workspace

__all__ = ["to_networkx", "graph_of", "drop_views", "node_attrs"]


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

    # The adjacency is filled directly, as networkx's add_nodes_from and add_edges_from would fill
    # it (a node's attribute dict; per edge one key dict shared by _succ[u][v] and _pred[v][u]),
    # without their per-item checks and copies of every attribute dict. tests/test_build.py
    # checks the result against networkx's own methods.
    node, succ, pred = g._node, g._succ, g._pred
    for n in ws.iter_nodes():
        props = n.props
        for k in enums.get(n.type, ()):
            v = props.get(k)
            if type(v) is str:
                props[k] = words.setdefault(v, v)
        nid = n.id
        ids[nid] = nid
        props["type"] = words.setdefault(n.type, n.type)
        props["name"] = n.name
        props["source"] = n.source
        node[nid] = props
        succ[nid] = {}
        pred[nid] = {}
    same = ids.get
    for eid, e in ws.iter_edges():
        u = same(e.src)
        if u is None:  # an end the workspace does not hold: a bare node, as add_edge makes
            u = ids[e.src] = e.src
            node[u], succ[u], pred[u] = {}, {}, {}
        v = same(e.dst)
        if v is None:
            v = ids[e.dst] = e.dst
            node[v], succ[v], pred[v] = {}, {}, {}
        attrs = e.props
        attrs["type"] = words.setdefault(e.type, e.type)
        attrs["valid_from"] = e.valid_from
        attrs["valid_to"] = e.valid_to
        attrs["source"] = e.source
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[eid] = attrs
    return g


def graph_of(nodes: dict[str, dict], edges: Iterable[tuple[int, str, str, dict]], **graph_attrs) -> nx.MultiDiGraph:
    """A graph shaped like :func:`to_networkx`'s from ``nodes`` (id -> attributes) and ``edges``
    ``(edge id, source, target, attributes)``: nodes in id order, each node's edges in edge id
    order, edges whose ends are not in ``nodes`` left out. The attribute dicts are taken, not
    copied (the caller hands them over).

    >>> g = graph_of({"b": {"type": "Area"}, "a": {"type": "Area"}}, [(1, "a", "b", {"type": "CONTAINS"})])
    >>> list(g), list(g.edges(keys=True))
    (['a', 'b'], [('a', 'b', 1)])
    """
    g = nx.MultiDiGraph(**graph_attrs)
    node, succ, pred = g._node, g._succ, g._pred
    for i in sorted(nodes):
        node[i], succ[i], pred[i] = nodes[i], {}, {}
    for k, u, v, d in sorted(edges, key=lambda e: e[:3]):
        if u in node and v in node:
            keys = succ[u].get(v)
            if keys is None:
                keys = succ[u][v] = pred[v][u] = {}
            keys[k] = d
    return g


def drop_views(g: nx.MultiDiGraph) -> None:
    """Drop the views networkx caches on ``g`` (``g.adj``, ``g.edges`` …: each refers back to it, so
    ``g`` is a cycle the collector must find). Without them ``g`` is freed as soon as it is dropped,
    even after :func:`~dangjian.graph.perf.paused_gc` froze it; they come back when asked for.

    >>> g = graph_of({"a": {}}, [])
    >>> _ = g.edges
    >>> drop_views(g)
    >>> "edges" in vars(g), list(g.edges)
    (False, [])
    """
    keep = ("graph", "_node", "_adj", "_succ", "_pred", "__networkx_cache__")
    for key in [k for k in vars(g) if k not in keep]:
        delattr(g, key)


def node_attrs(g: nx.Graph) -> dict:
    """Node -> its attribute dict: networkx's own mapping (no copy; read it, never change it), for
    readers that look up many nodes.

    >>> node_attrs(graph_of({"a": {"type": "Area"}}, []))
    {'a': {'type': 'Area'}}
    """
    found = getattr(g, "_node", None)
    return found if isinstance(found, dict) else dict(g.nodes(data=True))
