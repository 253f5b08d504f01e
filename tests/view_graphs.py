"""Graphs for the view tests: the shipped examples, and a small community whose names are crafted
to run script if they were ever treated as markup, with members' ID and phone numbers."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from dangjian.graph.build import to_networkx
from dangjian.graph.store import Workspace
from dangjian.loaders.load import load_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = "2026-11-22"

#: names that would run script (setting window.__pwned) if parsed as HTML anywhere
HOSTILE = {
    "unit": "<img src=x onerror=window.__pwned=1>",
    "org": '党支部 <a href="javascript:window.__pwned=1">href</a>',
    "grid": "</script><script>window.__pwned=1</script>",
    "area": "恶意社区<svg onload=window.__pwned=1>",
}
ID_NUMBERS = ["530102198001011234", "53010219900202567X"]
PHONES = ["13912345678", "0888-5123456"]
FULL_NAMES = ["张小华", "欧阳明月"]


def examples_graph(tmp: Path) -> nx.MultiDiGraph:
    with Workspace.open(tmp / "examples.db", create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        return to_networkx(ws)


def hostile_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("city", type="Area", name="测试市", level="city")
    g.add_node("st", type="Area", name="测试街道", level="street")
    g.add_node("c1", type="Area", name=HOSTILE["area"], level="community")
    g.add_node("g1", type="Area", name=HOSTILE["grid"], level="grid")
    g.add_node("c2", type="Area", name="祥云社区", level="community")
    g.add_edge("city", "st", type="CONTAINS")
    g.add_edge("st", "c1", type="CONTAINS")
    g.add_edge("st", "c2", type="CONTAINS")
    g.add_edge("c1", "g1", type="CONTAINS")
    g.add_node("wc", type="PartyOrg", name="测试街道党工委", kind="working_committee")
    g.add_edge("wc", "st", type="ANCHORED_IN")
    g.add_node("o1", type="PartyOrg", name=HOSTILE["org"], kind="branch", elected_on="2025-01-01")
    g.add_edge("o1", "c1", type="ANCHORED_IN")
    g.add_edge("wc", "o1", type="LEADS")
    g.add_node("o2", type="PartyOrg", name="祥云社区党委", kind="committee", elected_on="2025-01-01")
    g.add_edge("o2", "c2", type="ANCHORED_IN")
    g.add_edge("wc", "o2", type="LEADS")
    g.add_node("u1", type="Unit", name=HOSTILE["unit"], category="private_enterprise", two_new=True)
    g.add_edge("u1", "c1", type="LOCATED_IN")
    for i, (name, idn, phone) in enumerate(zip(FULL_NAMES, ID_NUMBERS, PHONES, strict=True)):
        m = f"m{i}"
        g.add_node(m, type="Member", name=name, id_number=idn, phone=phone, status="formal",
                   situation="in_service", sex="female", birth_date="1980-01-01")  # fmt: skip
        g.add_edge(m, "o1", type="MEMBER_OF")
        g.add_edge(m, "c1", type="LIVES_IN")
        g.add_edge(m, "u1", type="WORKS_AT")
    g.add_edge("m0", "o1", type="SECRETARY_OF")
    g.add_node("p1", type="Person", name="周建国", phone="13800000001")
    g.add_edge("p1", "c1", type="LIAISON_FOR")
    return g


def city_graph(communities: int) -> nx.MultiDiGraph:
    """A city of ``communities`` communities (20 per street, 10 streets per district), each with a
    branch: an overview of about 2 x ``communities`` nodes."""
    g = nx.MultiDiGraph()
    g.add_node("C", type="Area", name="示范市", level="city")
    for c in range(communities):
        s, d = c // 20, c // 200
        if c % 200 == 0:
            g.add_node(f"D{d}", type="Area", name=f"第{d + 1}区", level="district")
            g.add_edge("C", f"D{d}", type="CONTAINS")
        if c % 20 == 0:
            g.add_node(f"S{s}", type="Area", name=f"和平{s + 1}街道", level="street")
            g.add_edge(f"D{d}", f"S{s}", type="CONTAINS")
        g.add_node(f"K{c}", type="Area", name=f"幸福{c + 1}社区", level="community")
        g.add_edge(f"S{s}", f"K{c}", type="CONTAINS")
        g.add_node(f"O{c}", type="PartyOrg", name=f"幸福{c + 1}社区党支部", kind="branch")
        g.add_edge(f"O{c}", f"K{c}", type="ANCHORED_IN")
    return g
