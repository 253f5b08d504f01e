"""A node type added in the schema alone: a copy of ``schema.yaml`` with 党群服务站 (ServiceStation, placed
in the community that hosts it by a new edge HOSTED_IN), named by ``DANGJIAN_SCHEMA`` in a fresh process, and
no code changed. Templates, the load, the index's area paths, the shards, the views (its style and legend)
and the Neo4j labels, statements and bulk export all take it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from dangjian.graph.schema import SCHEMA_PATH

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"

STATION = {
    "label": {"zh": "党群服务站", "en": "Service station"},
    "area": "HOSTED_IN",
    "style": {"shape": "ellipse", "colour": "#17becf", "size": 10},  # a group of its own, labelled as the type
    "roster": {"zh": "党群服务站", "en": "service stations"},
    "sheet_aliases": ["服务站", "service stations"],
    "derive_id": ["name"],
    "properties": {
        "id": {"type": "id", "label": {"zh": "站点编号", "en": "Station ID"}},
        "name": {"type": "text", "required": True, "label": {"zh": "站点名称", "en": "Name"}},
        "community": {"type": "ref", "targets": ["Area"], "edge": "HOSTED_IN", "required": True,
                      "label": {"zh": "所在社区", "en": "Community"}},
        "staff": {"type": "int", "label": {"zh": "工作人员数", "en": "Staff"}},
    },
}
HOSTED_IN = {"label": {"zh": "设于", "en": "hosted in"}, "from": ["ServiceStation"], "to": ["Area"],
             "to_levels": ["community", "village"]}

SCRIPT = r'''
import json, sys
from pathlib import Path
from dangjian.graph import Workspace, to_networkx
from dangjian.graph.neo4j_export import export_workspace
from dangjian.graph.neo4j_mapping import LABELS
from dangjian.graph.neo4j_store import statements
from dangjian.graph.shards import EmbeddedSource, pull_shard
from dangjian.loaders import load_paths
from dangjian.loaders.template import write_templates
from dangjian.queries import run_rules
from dangjian.queries.index import GraphIndex
from dangjian.queries.sharded import run_rules_sharded
from dangjian.viz import build_view

tmp, rosters = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
out = {"templates": sorted(p.name for p in write_templates(tmp / "templates"))}
with Workspace.open(tmp / "w.db", create=True) as ws:
    result = load_paths(ws, rosters)
    out["loaded"] = {t: c.new for t, c in result.by_type.items()}
    out["rejects"] = len(result.of_kind("reject"))
    g = to_networkx(ws)
    export = export_workspace(ws, tmp / "export")
ix = GraphIndex(g, "2026-11-22")
out["area_path"] = ix.area_path("SS1")
out["community"] = g.nodes[ix.community_of("SS1")]["name"]
street = next(u for u, _, d in g.in_edges(ix.community_of("SS1"), data=True) if d["type"] == "CONTAINS")
shard = pull_shard(EmbeddedSource(g), [street])
out["owned"] = "SS1" in shard.owned and "SS2" in shard.owned
out["sharded_equal"] = run_rules_sharded(EmbeddedSource(g), as_of="2026-11-22") == run_rules(g, as_of="2026-11-22")
view = build_view(g, "community", "祥云社区", as_of="2026-11-22")
out["view"] = sorted((n["type"], n["group"], n["shape"], n["color"]) for n in view.nodes if n["id"] in ("SS1", "SS2"))
out["legend"] = [x for x in view.legend if x["group"] == "servicestation"]
out["labels"] = "ServiceStation" in LABELS
out["statements"] = sorted(s.name for s in statements() if "ServiceStation" in s.name or "HOSTED_IN" in s.name)
out["export"] = sorted(str(p.relative_to(tmp / "export")) for p in (tmp / "export").rglob("*.csv")
                       if "ServiceStation" in p.name or "HOSTED_IN" in p.name)
print(json.dumps(out, ensure_ascii=False))
'''


def test_a_type_added_in_the_schema_alone_goes_through_every_layer(tmp_path):
    raw = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    raw["nodes"]["ServiceStation"] = STATION
    raw["edges"]["HOSTED_IN"] = HOSTED_IN
    schema = tmp_path / "schema.yaml"
    schema.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    teams = tmp_path / "stations"
    teams.mkdir()
    (teams / "党群服务站.csv").write_text("站点编号,站点名称,所在社区,工作人员数\nSS1,祥云社区党群服务站,祥云社区,3\n"
                                        "SS2,祥瑞苑小区服务点,祥云社区,1\n", encoding="utf-8")  # fmt: skip
    env = {**os.environ, "DANGJIAN_SCHEMA": str(schema)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path), str(EXAMPLES / "xianghe"), str(teams)],
                          env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)
    assert any("党群服务站" in name for name in got["templates"]), got["templates"]
    assert got["loaded"]["ServiceStation"] == 2 and got["rejects"] == 0
    assert got["community"] == "祥云社区" == got["area_path"][-1] and len(got["area_path"]) >= 3  # … street, community
    assert got["owned"] and got["sharded_equal"]
    assert got["view"] == [["党群服务站", "servicestation", "ellipse", "#17becf"]] * 2  # drawn as the schema says
    assert got["legend"] == [{"group": "servicestation", "label": "党群服务站", "shape": "ellipse", "color": "#17becf"}]
    assert got["labels"] and {"create-nodes:ServiceStation", "merge-nodes:ServiceStation", "create-rels:HOSTED_IN",
                              "count:ServiceStation", "orphans:ServiceStation"} <= set(got["statements"])  # fmt: skip
    assert {"nodes/ServiceStation.csv", "rels/HOSTED_IN__ServiceStation__Area.csv"} <= set(got["export"])
    # and the shipped schema has no such type: the copy alone made it
    assert "ServiceStation" not in SCHEMA_PATH.read_text(encoding="utf-8")


def test_no_node_or_edge_type_is_named_in_code():
    """Code names the schema's types by role (dangjian.graph.roles), never by a string of their
    name: only the schema and the roles module hold the names."""
    import io
    import tokenize

    from dangjian.graph.schema import model

    m = model()
    names = set(m.nodes) | set(m.edges)
    root = Path(__file__).resolve().parents[1]
    found = []
    for folder in ("graph", "loaders", "queries", "viz", "cli", "synth", "wording"):
        for path in sorted((root / folder).rglob("*.py")):
            if path.relative_to(root).as_posix() in ("graph/schema.py", "graph/roles.py"):
                continue
            for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
                if tok.type == tokenize.STRING and tok.string.strip("\"'") in names and tok.string[0] in "\"'":
                    found.append(f"{path.relative_to(root)}:{tok.start[0]} {tok.string}")
    assert found == []


def test_a_link_type_names_one_edge_or_a_role_and_a_wrong_one_is_refused(tmp_path):
    """A link type makes the edges its role names (Post: edge_from) or one edge of its own (SignIn:
    edge); a schema whose link names no edge type, or an end it lacks, is refused, naming it."""
    import pytest

    from dangjian.graph.errors import SchemaError
    from dangjian.graph.schema import load_model, model

    assert model().record("SignIn").link_edges() == ("TOOK_PART",)
    assert "GRID_LEADER_OF" in model().record("Post").link_edges()
    raw = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    for change, words in ((lambda s: s.update(edge="NO_SUCH_EDGE"), "NO_SUCH_EDGE"),
                          (lambda s: s.update(to="nowhere"), "nowhere")):  # fmt: skip
        bad = yaml.safe_load(yaml.safe_dump(raw, allow_unicode=True))
        change(bad["links"]["SignIn"])
        path = tmp_path / "schema.yaml"
        path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
        with pytest.raises(SchemaError, match=words):
            load_model(path)
