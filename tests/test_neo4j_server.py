"""Against a real Neo4j 5 server (make test and .ci/run start one: tests/neo4j/with-server): push twice
changes nothing, a push after a changed load prunes what is gone and leaves other applications'
nodes alone, the sharded gaps, statistics, show and views from the server equal the embedded ones,
and the bulk-import files, imported by Neo4j's own importer, hold exactly the workspace.

Under CI none of these skip: a missing server fails them. Elsewhere they skip without NEO4J_URI.
Each test overwrites the server's database."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from dangjian.graph import Workspace, to_networkx
from dangjian.graph.neo4j_export import export_workspace
from dangjian.graph.neo4j_mapping import LABELS, node_record
from dangjian.graph.neo4j_store import Neo4jSource, Neo4jStore, connect
from dangjian.graph.shards import DEFAULT_SHARD_SIZE
from dangjian.graph.store import NodeRow
from dangjian.loaders import load_paths
from dangjian.queries import run_rules
from dangjian.queries.explore import describe
from dangjian.queries.saved import run_saved, saved_queries
from dangjian.queries.sharded import pull_area, pull_entity, run_rules_sharded
from dangjian.queries.stats import area_stats
from dangjian.viz import build_view

from conftest import planted_city

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
AS_OF = "2026-11-22"
HOSTILE = ['O\'Brien"社区', "a,b;c社区", "`反引号`社区", "'}) DETACH DELETE n //", "$evil", "{大括号}"]
RAW = 'line one\r\nline "two", three;\nfour'  # quotes, newlines, commas and ; kept exact in the export

pytestmark = pytest.mark.skipif(not os.environ.get("NEO4J_URI") and not os.environ.get("CI"),
                                reason="no Neo4j server: run make test, or set NEO4J_URI, NEO4J_USERNAME, "
                                       "NEO4J_PASSWORD (the database is overwritten)")  # fmt: skip


def _connect(env: dict[str, str] | None = None) -> Neo4jStore:
    env = env or os.environ
    if not env.get("NEO4J_URI"):
        pytest.fail("CI: no Neo4j server (NEO4J_URI unset): tests/neo4j/with-server should have started one")
    return connect(env["NEO4J_URI"], env.get("NEO4J_USERNAME", "neo4j"), env.get("NEO4J_PASSWORD", ""),
                   env.get("NEO4J_DATABASE", "neo4j"))  # fmt: skip


def _empty(store: Neo4jStore) -> None:
    """Delete everything, in batches (one transaction for a big graph would outgrow the server's memory)."""
    while store.write("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n")[0]["n"]:
        pass


@pytest.fixture(scope="module")
def store():
    s = _connect()
    _empty(s)
    yield s
    s.close()


def _workspace(path: Path, *folders: Path) -> Path:
    with Workspace.open(path, create=True) as ws:
        for folder in folders:
            load_paths(ws, [folder])
    return path


def _hostile(tmp: Path) -> Path:
    folder = tmp / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["区域编码,区域名称,层级,上级区域,备注"]
    for i, name in enumerate(HOSTILE):
        quoted = '"' + name.replace('"', '""') + '"'
        rows.append(f'HX{i},{quoted},小区,530702003003,"备注,含;分号\n第二行"')
    (folder / "区域.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """古城区 with the lijiang layer, every gap planted often, the examples and hostile names."""
    tmp = tmp_path_factory.mktemp("server-city")
    db = _workspace(tmp / "city.db", planted_city(tmp / "rosters", seed=11, as_of=AS_OF), EXAMPLES / "xianghe",
                    _hostile(tmp))  # fmt: skip
    with Workspace.open(db, write=True) as ws, ws.transaction():  # what the loader would tidy, stored as is
        ws.put_nodes([NodeRow("HXRAW", "Area", RAW, {"name": RAW, "level": "compound", "note": RAW},
                              ("raw", "s", 1))], 0)  # fmt: skip
    return db


def _dump(store: Neo4jStore) -> tuple[list, list]:
    """Every node (labels, properties) and relationship (type, ends, properties), sorted."""
    nodes = store.query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = store.query("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p")
    key = lambda x: repr(sorted((k, str(v)) for k, v in x.items()))  # noqa: E731
    return sorted(nodes, key=key), sorted(rels, key=key)


def _counts(store: Neo4jStore) -> tuple[dict, dict]:
    labels = {r["l"]: r["n"] for r in store.query("MATCH (n:Dangjian) WHERE n.pushed IS NOT NULL "
                                                  "UNWIND labels(n) AS l RETURN l, count(*) AS n")}  # fmt: skip
    assert labels.pop("Dangjian", 0) == sum(labels.values())  # each node of ours: its type and our label
    types = {r["t"]: r["n"] for r in store.query("MATCH ()-[r]->() WHERE r.pushed IS NOT NULL "
                                                 "RETURN type(r) AS t, count(*) AS n")}  # fmt: skip
    return labels, types


def test_push_twice_changes_nothing(store, tmp_path):
    db = _workspace(tmp_path / "w.db", EXAMPLES / "xianghe", EXAMPLES / "messy", EXAMPLES / "huamingce")
    with Workspace.open(db) as ws:
        first = store.push(ws, batch_size=100)
        before = _dump(store)
        again = store.push(ws, batch_size=100)
        counts = ws.counts()
    assert _dump(store) == before
    assert (again.pruned_nodes, again.pruned_relationships) == (0, 0) and again.stamp == first.stamp
    assert _counts(store) == (counts["nodes"], counts["edges"])


def test_a_push_after_a_changed_load_prunes_what_is_gone_and_keeps_foreign_nodes(store, tmp_path):
    full = _workspace(tmp_path / "full.db", EXAMPLES / "xianghe")
    fewer_rosters = tmp_path / "fewer"
    shutil.copytree(EXAMPLES / "xianghe", fewer_rosters)
    (fewer_rosters / "活动.csv").unlink()
    (fewer_rosters / "共建协议.csv").unlink()
    fewer = _workspace(tmp_path / "fewer.db", fewer_rosters)
    with Workspace.open(full) as ws:
        store.push(ws)
    store.write("CREATE (:Unit {id: $id, name: $name}), (:Thing {id: 'x'})-[:LIKES]->(:Thing {id: 'y'})",
                id="their-unit", name="别的系统的单位")  # another application's: no stamp
    with Workspace.open(fewer) as ws:
        result = store.push(ws)
        counts = ws.counts()
    assert result.pruned_nodes > 0 and result.pruned_relationships > 0
    assert _counts(store) == (counts["nodes"], counts["edges"])
    assert store.query("MATCH (u:Unit {id: 'their-unit'}) WHERE u.pushed IS NULL RETURN u.name AS name") \
        == [{"name": "别的系统的单位"}]  # fmt: skip
    assert store.query("MATCH (:Thing)-[r:LIKES]->(:Thing) RETURN count(r) AS n") == [{"n": 1}]


@pytest.fixture(scope="module")
def pushed_city(store, city):
    with Workspace.open(city) as ws:
        store.push(ws, batch_size=5000)
        g = to_networkx(ws)
    return g


@pytest.mark.parametrize(("level", "size"), [("street", DEFAULT_SHARD_SIZE), ("street", 0), ("street", 300),
                                             ("district", DEFAULT_SHARD_SIZE)])  # fmt: skip
@pytest.mark.parametrize("as_of", [AS_OF, "2029-06-30"])
def test_sharded_gaps_from_the_server_equal_the_embedded_findings(store, pushed_city, level, size, as_of):
    """Every rule, street or district shards, one area a pull or many: the embedded findings."""
    src = Neo4jSource(store)
    got = run_rules_sharded(src, level=level, size=size, as_of=as_of)
    assert got == run_rules(pushed_city, as_of=as_of)
    assert {f.rule for f in got} >= {"community-without-org", "member-not-reported", "unit-needs-own-branch"}


@pytest.mark.parametrize("area", ["祥和街道", "530702003003"])
def test_sharded_gaps_of_an_area(store, pushed_city, area):
    got = run_rules_sharded(Neo4jSource(store), area=area, as_of=AS_OF)
    assert got == run_rules(pushed_city, area=area, as_of=AS_OF) and got


def test_stats_show_and_views_from_the_server_equal_the_embedded_ones(store, pushed_city):
    src = Neo4jSource(store)
    sub, root = pull_area(src, "祥和街道")
    assert area_stats(sub, root, as_of=AS_OF) == area_stats(pushed_city, "祥和街道", as_of=AS_OF)
    sub, n = pull_entity(src, "祥云社区", AS_OF)
    assert describe(sub, n, as_of=AS_OF) == describe(pushed_city, "祥云社区", as_of=AS_OF)
    for kind, target in [("community", "祥云社区"), ("tree", "祥和街道"), ("gaps", "祥和街道"), ("overview", None)]:
        part, _ = pull_entity(src, target, AS_OF) if kind == "community" else pull_area(src, target)
        ours, theirs = build_view(pushed_city, kind, target, as_of=AS_OF), build_view(part, kind, target, as_of=AS_OF)
        assert (theirs.nodes, theirs.edges) == (ours.nodes, ours.edges), kind


def _neo4j_value(v):
    if hasattr(v, "to_native"):
        return v.to_native()
    return v


def test_bulk_import_with_neo4js_own_importer_holds_the_workspace(city, tmp_path):
    """`dangjian neo4j export` files imported by neo4j-admin's importer into an empty database of a
    second server: counts per label and type, every property of a sample of each label (dates as
    dates, hostile text intact), and the sharded gaps on the imported graph equal the workspace's."""
    out = tmp_path / "export"
    with Workspace.open(city) as ws:
        res = export_workspace(ws, out)
        counts = ws.counts()
        sample = {label: [] for label in LABELS}
        for row in ws.iter_nodes():
            if row.type in sample and (len(sample[row.type]) < 40 or row.id.startswith("HX")):
                sample[row.type].append(node_record(row))
        g = to_networkx(ws)
    state = tmp_path / "neo4j"
    env = {**os.environ, "NEO4J_TEST_DIR": str(state)}
    script = HERE / "neo4j" / "server"
    # the options of the command the export prints (array delimiter, multi-line fields), files by the script
    opts = [t for t in shlex.split(res.command) if t.startswith("--") and not t.startswith(("--nodes", "--rel", "--overwrite"))]
    assert res.multiline and "--multiline-fields=true" in opts  # RAW holds line breaks
    proc = subprocess.run([str(script), "import", str(out), *opts], env=env, capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    try:
        assert proc.returncode == 0, proc.stderr[-2000:]
        conn = dict(line.split("=", 1) for line in (state / "env").read_text().split() if "=" in line)
        imported = _connect(conn)
        try:
            assert _counts(imported) == (counts["nodes"], counts["edges"])
            assert res.nodes == sum(counts["nodes"].values())
            for label, records in sample.items():
                for rec in records:
                    (got,) = imported.query(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p", id=rec["id"])
                    props = {k: _neo4j_value(v) for k, v in got["p"].items() if k not in ("id", "pushed")}
                    assert props == rec["props"], (label, rec["id"])
            hostile = {r["name"] for r in imported.query("MATCH (n:Area) WHERE n.id STARTS WITH 'HX' "
                                                         "RETURN n.name AS name")}  # fmt: skip
            assert hostile == {*HOSTILE, RAW}
            notes = imported.query("MATCH (n:Area) WHERE n.id IN ['HX0', 'HXRAW'] RETURN n.note AS note ORDER BY n.id")
            assert notes == [{"note": "备注,含;分号第二行"}, {"note": RAW}]  # the loader keeps a note on one line
            assert isinstance(imported.query("MATCH (n:Member) WHERE n.birth_date IS NOT NULL "
                                             "RETURN n.birth_date AS d LIMIT 1")[0]["d"].to_native(), dt.date)  # fmt: skip
            assert run_rules_sharded(Neo4jSource(imported), as_of=AS_OF) == run_rules(g, as_of=AS_OF)
            with Workspace.open(city) as ws:  # a push after the import: constraints, and nothing else changes
                again = imported.push(ws, batch_size=5000)
            assert (again.pruned_nodes, again.pruned_relationships) == (0, 0)
            assert _counts(imported) == (counts["nodes"], counts["edges"])
            assert imported.query("SHOW CONSTRAINTS YIELD name WHERE name = 'dangjian_id' RETURN name") \
                == [{"name": "dangjian_id"}]  # fmt: skip
        finally:
            imported.close()
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)


def test_saved_queries_and_rules_agree_on_a_member_with_two_residences(store, tmp_path):
    """A member who lives in two communities: the rules take the first residence valid on the date
    (the lowest edge id), and so does the saved query; every saved query returns its rule's entities."""
    from dangjian.graph.store import EdgeRow
    from dangjian.queries.saved import run_saved, saved_queries

    db = _workspace(tmp_path / "two.db", EXAMPLES / "xianghe")
    with Workspace.open(db, write=True) as ws, ws.transaction():  # M0001 lives in 义和社区, reported there
        ws.put_edges([EdgeRow("LIVES_IN", "M0001", "530702003003", None, None, {}, ("two", "s", 1))], 0)
    with Workspace.open(db) as ws:
        store.push(ws)
        g = to_networkx(ws)
    assert len([e for e in g.out_edges("M0001", data="type") if e[2] == "LIVES_IN"]) == 2
    for q in saved_queries():
        expected = {f.entity for f in run_rules(g, as_of=AS_OF, rules=[q.rule])}
        assert {r["id"] for r in run_saved(store, q.name, as_of=AS_OF)} == expected, q.name
    assert "M0001" not in {f.entity for f in run_rules(g, as_of=AS_OF, rules=["member-not-reported"])}


def test_a_foreign_node_with_our_label_and_id_is_never_changed_or_pruned(store, tmp_path):
    """Another application's (:Area {id: '530702003003'}): the push writes our own node beside it
    (ours carry the label Dangjian, on which ids are unique), pulls see only ours, and a later push
    with other content prunes ours but not theirs."""
    _empty(store)
    store.write("CREATE (:Area {id: '530702003003', name: '别人的社区', owner: 'gis'}), "
                "(:Area {id: 'their-community', name: '别人的社区二', level: 'community'})")
    db = _workspace(tmp_path / "w.db", EXAMPLES / "xianghe")
    with Workspace.open(db) as ws:
        store.push(ws)
        g = to_networkx(ws)
    theirs = "MATCH (n:Area {id: '530702003003'}) WHERE NOT n:Dangjian RETURN properties(n) AS p"
    assert store.query(theirs) == [{"p": {"id": "530702003003", "name": "别人的社区", "owner": "gis"}}]
    src = Neo4jSource(store)
    assert src.nodes(["530702003003"])["530702003003"]["name"] == "祥云社区"
    assert run_rules_sharded(src, as_of=AS_OF) == run_rules(g, as_of=AS_OF)
    for q in saved_queries():  # the saved queries see only ours too (theirs has no organization either)
        expected = {f.entity for f in run_rules(g, as_of=AS_OF, rules=[q.rule])}
        assert {r["id"] for r in run_saved(store, q.name, as_of=AS_OF)} == expected, q.name
    fewer = tmp_path / "fewer"
    (fewer / "x").mkdir(parents=True)
    shutil.copy(EXAMPLES / "xianghe" / "区域.csv", fewer / "x")
    with Workspace.open(_workspace(tmp_path / "areas.db", fewer)) as ws:
        store.push(ws)
    assert store.query(theirs) == [{"p": {"id": "530702003003", "name": "别人的社区", "owner": "gis"}}]
    assert store.query("MATCH (n:Dangjian) WHERE NOT n:Area RETURN count(n) AS n") == [{"n": 0}]
