"""Interactive HTML network views of the graph: one self-contained, offline file per view, with
positions computed in Python, names as text and people masked.

>>> import networkx as nx, tempfile, pathlib
>>> g = nx.MultiDiGraph()
>>> g.add_node("c", type="Area", name="祥云社区", level="community")
>>> out = pathlib.Path(tempfile.mkdtemp()) / "v.html"
>>> write_view(build_view(g, "overview", as_of="2026-11-22"), out).name
'v.html'
"""

from dangjian.viz.model import View
from dangjian.viz.page import render, write_view
from dangjian.viz.views import VIEWS, ViewError, build_view, coconstruction, community, gaps, overview, tree

__all__ = ["View", "ViewError", "VIEWS", "build_view", "render", "write_view", "overview", "community", "tree",
           "coconstruction", "gaps"]
