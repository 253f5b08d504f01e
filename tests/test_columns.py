"""The columnar workspace: it keeps exactly what the row tables of the earlier format kept (the
earlier format's SQL is the reference here), and every reader of its columns (the rules' index, the
shard source, resolve, find, path, stats, views) answers what the networkx graph answers."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.graph import Workspace, to_networkx
from dangjian.graph.columns import Tables
from dangjian.graph.shards import EmbeddedSource, TablesSource, iter_shards, pull_shard
from dangjian.graph.store import EdgeRow, NodeRow, read_tables
from dangjian.loaders import load_paths
from dangjian.loaders.divisions import shipped_divisions
from dangjian.queries import GraphIndex, run_rules
from dangjian.queries.explore import describe, find, path
from dangjian.queries.lookup import NotFound, resolve
from dangjian.queries.sharded import pull_entity
from dangjian.queries.stats import area_stats
from dangjian.synth import PRESETS, synthesize, write_plan
from dangjian.viz import build_view

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DJ = Path(sys.executable).with_name("dangjian")
AS_OF = "2026-11-22"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """古城区 (530702) with the lijiang layer, gaps planted often; the workspace's columns and graph."""
    tmp = tmp_path_factory.mktemp("colcity")
    lijiang = PRESETS["lijiang"]
    preset = dataclasses.replace(lijiang, gaps={r: max(rate, 0.12) for r, rate in lijiang.gaps.items()})
    write_plan(synthesize(shipped_divisions(), "530702", preset, seed=5, as_of=AS_OF), tmp / "rosters")
    db = tmp / "c.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [tmp / "rosters", EXAMPLES / "messy"])
        return read_tables(db), to_networkx(ws), db


# -- the store keeps what the row tables kept ----------------------------------------------------
_OLD_DDL = """
CREATE TABLE nodes (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, props TEXT NOT NULL,
    src_file TEXT, src_sheet TEXT, src_row INTEGER, load_id INTEGER);
CREATE TABLE edges (id INTEGER PRIMARY KEY, type TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL,
    valid_from TEXT, valid_to TEXT, props TEXT NOT NULL, owner TEXT, link_key TEXT UNIQUE,
    src_file TEXT, src_sheet TEXT, src_row INTEGER, load_id INTEGER);
"""


class _RowTables:
    """The earlier format's tables and statements: what the columns must keep, row for row."""

    def __init__(self):
        self.conn = sqlite3.connect(":memory:")
        self.conn.executescript(_OLD_DDL)

    def put_nodes(self, rows, load_id, replacing):
        self.conn.executemany("DELETE FROM edges WHERE owner=?", ((i,) for i in replacing))
        self.conn.executemany("INSERT OR REPLACE INTO nodes VALUES (?,?,?,?,?,?,?,?)",
                              ((r.id, r.type, r.name, json.dumps(r.props, sort_keys=True), *r.source, load_id)
                               for r in rows))  # fmt: skip

    def put_edges(self, rows, load_id):
        self.conn.executemany(
            "INSERT OR REPLACE INTO edges (type, src, dst, valid_from, valid_to, props, owner, link_key,"
            " src_file, src_sheet, src_row, load_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            ((e.type, e.src, e.dst, e.valid_from, e.valid_to, json.dumps(e.props, sort_keys=True), e.owner,
              e.link_key, *e.source, load_id) for e in rows))  # fmt: skip

    def nodes(self):
        q = "SELECT id, type, name, props, src_file, src_sheet, src_row FROM nodes ORDER BY rowid"
        return [NodeRow(r[0], r[1], r[2], json.loads(r[3]), (r[4], r[5], r[6])) for r in self.conn.execute(q)]

    def edges(self):
        q = ("SELECT id, type, src, dst, valid_from, valid_to, props, src_file, src_sheet, src_row, owner, link_key"
             " FROM edges ORDER BY id")  # fmt: skip
        return [(r[0], EdgeRow(r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), (r[7], r[8], r[9]), r[10], r[11]))
                for r in self.conn.execute(q)]  # fmt: skip


_IDS = st.sampled_from([f"N{i}" for i in range(8)])
_TYPES = st.sampled_from(["Area", "Member", "PartyOrg"])
_VALUES = st.one_of(st.none(), st.text(max_size=4), st.integers(-(2**70), 2**70), st.booleans(),
                    st.floats(allow_nan=False, allow_infinity=False), st.lists(st.text(max_size=2), max_size=2))  # fmt: skip
_PROPS = st.dictionaries(st.sampled_from(["level", "kind", "note", "x"]), _VALUES, max_size=3).map(
    lambda d: {k: v for k, v in d.items() if v is not None})  # the loader never keeps a null
_SOURCE = st.tuples(st.sampled_from(["a.csv", "b.xlsx"]), st.sampled_from(["", "S"]), st.integers(1, 9))
_NODE = st.builds(NodeRow, _IDS, _TYPES, st.one_of(st.none(), st.text(max_size=3)), _PROPS, _SOURCE)
_EDGE = st.builds(EdgeRow, st.sampled_from(["LEADS", "MEMBER_OF"]), _IDS, _IDS,
                  st.one_of(st.none(), st.just("2024-01-01")), st.one_of(st.none(), st.just("2025-01-01")),
                  _PROPS, _SOURCE, st.one_of(st.none(), _IDS), st.one_of(st.none(), st.sampled_from("kl")))  # fmt: skip
_LOAD = st.tuples(st.lists(_NODE, max_size=6), st.lists(_IDS, max_size=3), st.lists(_EDGE, max_size=8))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(loads=st.lists(_LOAD, min_size=1, max_size=4))
def test_the_columns_keep_what_the_row_tables_kept(tmp_path, loads):
    """Loads that insert, replace nodes (dropping the edges they owned) and replace posts by key, each
    in its own transaction: the same rows in the same order, the same edge ids, read back after
    reopening."""
    db = tmp_path / f"w{os.getpid()}.db"
    db.unlink(missing_ok=True)
    ref = _RowTables()
    with Workspace.open(db, create=True) as ws:
        for lid, (nodes, replacing, edges) in enumerate(loads, start=1):
            with ws.transaction():
                ws.put_nodes(nodes, lid, replacing=replacing)
                ws.put_edges(edges, lid)
            ref.put_nodes(nodes, lid, replacing)
            ref.put_edges(edges, lid)
    with Workspace.open(db) as ws:
        assert list(ws.iter_nodes()) == ref.nodes()
        assert list(ws.iter_edges()) == ref.edges()
        wanted = [f"N{i}" for i in range(0, 9, 2)]
        assert ws.get_nodes(wanted) == {n.id: n for n in ref.nodes() if n.id in wanted}
        keys = [e.link_key for _, e in ref.edges() if e.link_key]
        assert ws.link_props(keys) == {e.link_key: e.props for _, e in ref.edges() if e.link_key}
        counts = ws.counts()
        assert sum(counts["nodes"].values()) == len(ref.nodes()) and sum(counts["edges"].values()) == len(ref.edges())


def test_a_failed_transaction_leaves_the_columns_as_they_were(tmp_path):
    db = tmp_path / "w.db"
    with Workspace.open(db, create=True) as ws:
        with ws.transaction():
            ws.put_nodes([NodeRow("a", "Area", "甲", {"level": "city"}, ("f", "", 2))], 1)
        with pytest.raises(RuntimeError), ws.transaction():
            ws.put_nodes([NodeRow("b", "Area", "乙", {}, ("f", "", 3))], 2)
            raise RuntimeError("stop")
        assert [n.id for n in ws.iter_nodes()] == ["a"]
    with pytest.raises(RuntimeError, match="inside a transaction"), Workspace.open(db, write=True) as ws:
        ws.put_nodes([NodeRow("c", "Area", "丙", {}, ("f", "", 4))], 3)
    assert [n.id for n in Workspace.open(db).iter_nodes()] == ["a"]


def test_a_workspace_of_the_earlier_format_is_refused_in_one_line(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + _OLD_DDL)
    from dangjian.graph.schema import model

    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(model().version),))
    conn.execute("PRAGMA application_id=1145718594")
    conn.commit()
    conn.close()
    r = subprocess.run([DJ, "gaps", "--db", db], capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "早先版本" in r.stderr and "Traceback" not in r.stderr


# -- readers of the columns answer what the graph answers ------------------------------------------
def test_the_index_from_columns_is_the_index_from_the_graph(city):
    tables, g, _ = city
    for day in (AS_OF, "2022-03-01"):
        a, b = GraphIndex(tables, day), GraphIndex(g, day)
        assert a.by_type == {t: ns for t, ns in b.by_type.items()}
        assert a.situations() == b.situations()
        for t in tables.types("edges"):
            assert a.ends(t) == b.ends(t), t
        for n in list(g)[::97]:
            assert dict(a.nodes[n]) == b.nodes[n]
            assert a.attr(n, "level") == b.attr(n, "level") and a.attr(n, "name") == b.attr(n, "name")
        assert run_rules(tables, as_of=day) == run_rules(g, as_of=day)
        assert area_stats(tables, as_of=day) == area_stats(g, as_of=day)


def test_views_from_columns_are_the_views_from_the_graph(city):
    tables, g, _ = city
    street = next(a for a, d in g.nodes(data=True) if d.get("level") == "street")
    for kind, target in (("overview", None), ("gaps", None), ("tree", street), ("coconstruction", None)):
        assert build_view(tables, kind, target, as_of=AS_OF) == build_view(g, kind, target, as_of=AS_OF), kind


def test_shards_from_columns_are_the_shards_from_the_graph(city):
    tables, g, _ = city
    a, b = TablesSource(tables), EmbeddedSource(g)
    for x, y in zip(iter_shards(a), iter_shards(b), strict=True):
        assert x.owned == y.owned
        assert dict(x.graph.nodes(data=True)) == dict(y.graph.nodes(data=True))
        assert sorted(x.graph.edges(keys=True, data=True)) == sorted(y.graph.edges(keys=True, data=True))
    assert a.weights(a.area_ids(["street"])) == b.weights(b.area_ids(["street"]))
    assert sorted(a.orphan_ids()) == sorted(n for n in b.orphan_ids() if g.nodes[n])  # bare ends aside
    for n in ("M000010", "O000020", "U000003"):
        shard, found = pull_entity(a, n, AS_OF)
        assert found == n and describe(shard, n, as_of=AS_OF) == describe(g, n, as_of=AS_OF)
    street = a.area_ids(["street"])[0]
    x, y = pull_shard(a, [street]), pull_shard(b, [street])
    assert x.owned == y.owned and len(x.owned) > 100
    assert sorted(x.graph.edges(keys=True, data=True)) == sorted(y.graph.edges(keys=True, data=True))


def test_resolve_find_and_path_on_columns(city):
    tables, g, _ = city
    for text, types in (("祥云社区", None), ("祥云社区居委会", ["Area"]), ("M000010", None)):
        assert resolve(tables, text, types) == resolve(g, text, types)
    for text in ("祥云", "不存在的社区"):
        with pytest.raises(NotFound) as a:
            resolve(tables, text)
        with pytest.raises(NotFound) as b:
            resolve(g, text)
        assert str(a.value) == str(b.value) and a.value.candidates == b.value.candidates
    for q in ("xysq", "祥雲", "m00001", "shequ", "古城"):
        assert find(tables, q, limit=50) == find(g, q, limit=50), q
    steps = path(tables, "祥云社区", "M000010")
    assert steps == path(g, "祥云社区", "M000010")  # the same search on both
    assert steps[0]["from_name"] == "祥云社区" and steps[-1]["to"] == "M000010"


def test_path_is_the_same_whatever_the_string_hashing(city):
    """networkx met the neighbours of the undirected view in set order, which changes with
    PYTHONHASHSEED; the search here meets them in id order."""
    _, _, db = city
    outs = set()
    for seed in ("1", "2", "3"):
        r = subprocess.run([DJ, "path", "祥云社区", "M000010", "--db", db, "--json"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed})  # fmt: skip
        assert r.returncode == 0, r.stderr
        outs.add(r.stdout)
    assert len(outs) == 1


def test_tables_round_trip_through_their_segments():
    rows = [(NodeRow(f"n{i}", "Area", f"名{i % 3}", {"level": "community" if i % 2 else "grid"}, ("f", "", i)), 1)
            for i in range(300)]  # fmt: skip
    t = Tables(Tables.encode(rows, [(1, EdgeRow("CONTAINS", "n2", "n1", None, None, {}, ("f", "", 1)), 1)]))
    assert t.column("nodes", "Area", "p:level")[:2] == ["grid", "community"]  # a dictionary-coded column
    assert t.column("nodes", "Area", "name")[:4] == ["名0", "名1", "名2", "名0"]
    assert t.count("nodes") == 300 and t.count("edges", "CONTAINS") == 1
    assert t.by_source("CONTAINS") is None


def test_a_damaged_segment_is_one_clear_line(tmp_path):
    db = tmp_path / "w.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
    conn = sqlite3.connect(db)
    conn.execute("UPDATE segments SET data = x'5b312c' WHERE name LIKE 'nodes%Area%p:level%'")  # '[1,': cut short
    conn.commit()
    conn.close()
    r = subprocess.run([DJ, "gaps", "--db", db], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert "已损坏" in r.stderr and "nodes/Area/p:level/0" in r.stderr and "Traceback" not in r.stderr


def test_find_people_by_id_in_columns_ascii_or_not():
    """People are found by their id only; in columns the ids are searched as one text, and ids
    beyond ASCII one by one: the same hits as the graph's."""
    import networkx as nx

    rows = [(NodeRow(i, "Member", name, {}, ("f", "", k)), 1)
            for k, (i, name) in enumerate([("张三-001", "张小华"), ("M2", "李华"), ("M20", "王芳"), ("m200", "赵四")])]  # fmt: skip
    rows.append((NodeRow("c", "Area", "祥云社区", {"level": "community"}, ("f", "", 9)), 1))
    tables = Tables(Tables.encode(rows, []))
    g = nx.MultiDiGraph()
    for r, _ in rows:
        g.add_node(r.id, type=r.type, name=r.name, **r.props)
    for q in ("张三", "m2", "M20", "xysq", "001", "李华", "祥云"):
        assert find(tables, q) == find(g, q), q
    assert [h["id"] for h in find(tables, "m2")] == ["M2", "M20", "m200"]
    assert find(tables, "李华") == []  # a person's name finds nothing


def test_columns_read_later_never_mix_two_states(tmp_path):
    """The columns are read from the file as they are asked for: a load committed in between makes
    the next read an error that says so, never a mix of before and after."""
    from dangjian.graph.errors import WorkspaceError

    db = tmp_path / "w.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
    tables = read_tables(db)
    assert tables.column("nodes", "Area", "id")  # read before the load below
    with Workspace.open(db, write=True) as ws:
        load_paths(ws, [EXAMPLES / "messy"])
    with pytest.raises(WorkspaceError, match="被另一个导入改动"):
        tables.column("nodes", "Member", "name")
    assert read_tables(db).count("nodes") > tables.count("nodes")  # a new read sees the load
