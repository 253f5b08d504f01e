"""to_networkx fills networkx's adjacency itself (for speed): the graph must be exactly the one
networkx's own add_nodes_from / add_edges_from make from the same workspace."""

from pathlib import Path

import networkx as nx

from dangjian.graph.build import to_networkx
from dangjian.graph.store import EdgeRow, Workspace
from dangjian.loaders import load_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _reference(ws: Workspace) -> nx.MultiDiGraph:
    """The graph as networkx's public methods build it."""
    g = nx.MultiDiGraph(schema_version=ws.schema_version, workspace=ws.path)
    g.add_nodes_from((n.id, {**n.props, "type": n.type, "name": n.name, "source": n.source})
                     for n in ws.iter_nodes())  # fmt: skip
    g.add_edges_from((e.src, e.dst, eid, {**e.props, "type": e.type, "valid_from": e.valid_from,
                                          "valid_to": e.valid_to, "source": e.source})
                      for eid, e in ws.iter_edges())  # fmt: skip
    return g


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert a.graph == b.graph
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert list(a.in_edges(keys=True, data=True)) == list(b.in_edges(keys=True, data=True))
    assert nx.utils.graphs_equal(a, b)
    for u, nbrs in a._succ.items():  # as networkx keeps them: one key dict seen from both ends
        for v, keys in nbrs.items():
            assert a._pred[v][u] is keys


def test_graph_equals_the_one_networkx_builds(tmp_path):
    ws = Workspace.open(tmp_path / "w.db", create=True)
    result = load_paths(ws, [EXAMPLES / "xianghe"])
    assert result.rejected == 0
    g = to_networkx(ws)
    assert g.number_of_nodes() > 100 and g.number_of_edges() > 100
    _same(g, _reference(ws))
    # the graph is a working networkx graph: removing and adding go through its own methods
    some = next(iter(g.edges(keys=True)))
    g.remove_edge(*some)
    assert not g.has_edge(*some) and some[2] not in g.pred[some[1]].get(some[0], {})


def test_edge_to_a_node_not_in_the_workspace_makes_a_bare_node(tmp_path):
    ws = Workspace.open(tmp_path / "w.db", create=True)
    load_paths(ws, [EXAMPLES / "xianghe"])
    first = next(ws.iter_nodes()).id
    with ws.transaction():
        ws.put_edges([EdgeRow("CONTAINS", first, "NOWHERE", None, None, {}, ("x.csv", "x", 2))], load_id=0)
        ws.put_edges([EdgeRow("CONTAINS", "ELSEWHERE", first, None, None, {}, ("x.csv", "x", 3))], load_id=0)
    g = to_networkx(ws)
    assert g.nodes["NOWHERE"] == {} and g.nodes["ELSEWHERE"] == {}
    assert g.has_edge(first, "NOWHERE") and g.has_edge("ELSEWHERE", first)
    _same(g, _reference(ws))
