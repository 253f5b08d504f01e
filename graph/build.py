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

import networkx as nx

from dangjian.graph.perf import paused_gc
from dangjian.graph.store import Workspace

__all__ = ["to_networkx"]


def to_networkx(ws: Workspace) -> nx.MultiDiGraph:
    """Build the analysis graph from every node and edge in ``ws``."""
    with paused_gc():
        return _build(ws)


def _build(ws: Workspace) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(schema_version=ws.schema_version, workspace=ws.path)
    g.add_nodes_from(
        (n.id, {**n.props, "type": n.type, "name": n.name, "source": n.source}) for n in ws.iter_nodes()
    )
    g.add_edges_from(
        (
            e.src,
            e.dst,
            eid,
            {**e.props, "type": e.type, "valid_from": e.valid_from, "valid_to": e.valid_to,
             "source": e.source},
        )
        for eid, e in ws.iter_edges()
    )  # fmt: skip
    return g
