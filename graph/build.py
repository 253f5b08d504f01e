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

from collections.abc import Iterable, Mapping

import networkx as nx

from dangjian.graph.columns import NodeRows, Tables
from dangjian.graph.perf import paused_gc
from dangjian.graph.store import Workspace

__all__ = ["to_networkx", "graph_of", "drop_views", "node_attrs"]


def to_networkx(ws: Workspace) -> nx.MultiDiGraph:
    """Build the analysis graph from every node and edge in ``ws``."""
    with paused_gc():
        return _build(ws)


def _build(ws: Workspace) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(schema_version=ws.schema_version, workspace=ws.path)
    t = ws.tables()
    # The adjacency is filled directly, as networkx's add_nodes_from and add_edges_from would fill
    # it (a node's attribute dict; per edge one key dict shared by _succ[u][v] and _pred[v][u]),
    # without their per-item checks and copies of every attribute dict. tests/test_build.py
    # checks the result against networkx's own methods. An edge's ends are the very string
    # objects that key the nodes, so that dict lookups end on an identity check.
    node, succ, pred = g._node, g._succ, g._pred
    ids: dict[str, str] = {}
    cols = {n: (t.column("nodes", n, "id"), t.column("nodes", n, "name"), t.props("nodes", n), t.sources("nodes", n))
            for n in t.types("nodes")}  # fmt: skip
    for type_name, p in t.order("nodes"):
        col_ids, names, props, sources = cols[type_name]
        d = props[p]
        nid = col_ids[p]
        ids[nid] = nid
        d["type"] = type_name
        d["name"] = names[p]
        d["source"] = sources[p]
        node[nid] = d
        succ[nid] = {}
        pred[nid] = {}
    del cols
    same = ids.get
    c = t.column
    ecols = {n: (c("edges", n, "id"), c("edges", n, "src"), c("edges", n, "dst"), c("edges", n, "valid_from"),
                 c("edges", n, "valid_to"), t.props("edges", n), t.sources("edges", n))
             for n in t.types("edges")}  # fmt: skip
    for type_name, p in t.order("edges"):
        eids, src, dst, vf, vt, props, sources = ecols[type_name]
        u = same(src[p])
        if u is None:  # an end the workspace does not hold: a bare node, as add_edge makes
            u = ids[src[p]] = src[p]
            node[u], succ[u], pred[u] = {}, {}, {}
        v = same(dst[p])
        if v is None:
            v = ids[dst[p]] = dst[p]
            node[v], succ[v], pred[v] = {}, {}, {}
        attrs = props[p]
        attrs["type"] = type_name
        attrs["valid_from"] = vf[p]
        attrs["valid_to"] = vt[p]
        attrs["source"] = sources[p]
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[eids[p]] = attrs
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


def node_attrs(g: nx.Graph | Tables) -> Mapping:
    """Node -> its attribute dict: networkx's own mapping (no copy; read it, never change it), for
    readers that look up many nodes; for a workspace's columns, their rows
    (:class:`~dangjian.graph.columns.NodeRows`).

    >>> node_attrs(graph_of({"a": {"type": "Area"}}, []))
    {'a': {'type': 'Area'}}
    """
    if isinstance(g, Tables):
        return NodeRows(g)
    found = getattr(g, "_node", None)
    return found if isinstance(found, dict) else dict(g.nodes(data=True))
