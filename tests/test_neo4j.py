"""The Neo4j backend through the driver, against the real test server (make test starts one:
tests/neo4j/with-server): only the project's listed statements are sent, values only as parameters
and secrets never; reads are routed to readers and name their relationship types; a failure in the
middle of a push is one line and the next push mends it; the CLI on the neo4j backend answers as
on the workspace. Without a server: connection errors are one line, the saved queries are listed,
a missing driver says how to install it.

The driver here is the real one, wrapped to record (and, for one test, to fail) the calls."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph import Workspace, to_networkx
from dangjian.graph.neo4j_store import Neo4jError, Neo4jSource, Neo4jStore, connect, statements
from dangjian.loaders import load_paths
from dangjian.queries import run_rules
from dangjian.queries.saved import run_saved, saved_queries
from dangjian.queries.sharded import pull_entity

from conftest import planted_city

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = "2026-11-22"
HOSTILE = ["O'Brien\"社区", "`反引号`社区", "{大括号}社区", "'}) DETACH DELETE n //", "$evil", "a\\'b"]
runner = CliRunner()


def _workspace(tmp: Path, *paths: Path) -> Path:
    db = tmp / "x.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, list(paths))
    return db


def _hostile_rosters(tmp: Path) -> Path:
    folder = tmp / "hostile"
    folder.mkdir()
    rows = ["区域编码,区域名称,层级,上级区域,备注", "C1,测试市,市,,", "S1,测试街道,街道,C1,联系人张小华"]
    rows += [f'X{i},"{name.replace(chr(34), chr(34) * 2)}",社区,S1,' for i, name in enumerate(HOSTILE)]
    (folder / "区域.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "党员.csv").write_text("党员编号,姓名,身份证号,联系电话,所在党组织,居住地,党员类别,党员情况\n"
                                     "M1,张小华,110101199003071233,13912345678,PO-XH-001,X0,正式党员,在职\n",
                                     encoding="utf-8")  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> Path:
    """古城区 with the lijiang layer, every gap planted often, plus the examples and hostile names."""
    tmp = tmp_path_factory.mktemp("neo")
    return _workspace(tmp, planted_city(tmp / "rosters", seed=7, as_of=AS_OF), EXAMPLES / "xianghe",
                      _hostile_rosters(tmp))  # fmt: skip


needs_server = pytest.mark.skipif(not os.environ.get("NEO4J_URI") and not os.environ.get("CI"),
                                  reason="no Neo4j server: run make test, or set NEO4J_URI, NEO4J_USERNAME and "
                                  "NEO4J_PASSWORD (the database is overwritten)")  # fmt: skip


class Recorder:
    """The real driver, recording each call (text, parameters, database, routing); with
    ``fail_at``, the call that writes the ``fail_at``-th batch of rows raises as a lost connection."""

    def __init__(self, driver, fail_at: int | None = None):
        self.driver, self.fail_at = driver, fail_at
        self.calls: list[tuple[str, dict, str, str]] = []
        self.lock = threading.Lock()
        self.batches = 0

    def verify_connectivity(self):
        return self.driver.verify_connectivity()

    def close(self):
        self.driver.close()

    def execute_query(self, text, parameters_=None, database_=None, routing_="w", **kw):
        with self.lock:
            self.calls.append((text, parameters_ or {}, database_, routing_))
            if "rows" in (parameters_ or {}):
                self.batches += 1
                if self.batches == self.fail_at:
                    raise ConnectionResetError("Failed to read from defunct connection\n(peer reset)")
        return self.driver.execute_query(text, parameters_=parameters_, database_=database_, routing_=routing_, **kw)


def _recording(fail_at: int | None = None) -> tuple[Neo4jStore, Recorder]:
    from neo4j import GraphDatabase

    if not os.environ.get("NEO4J_URI"):
        pytest.fail("CI: no Neo4j server (NEO4J_URI unset): tests/neo4j/with-server should have started one")
    made = []

    def factory(uri, **kw):
        made.append(Recorder(GraphDatabase.driver(uri, **kw), fail_at))
        return made[0]

    store = connect(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"),
                    os.environ.get("NEO4J_PASSWORD", ""), os.environ.get("NEO4J_DATABASE", "neo4j"),
                    driver_factory=factory)  # fmt: skip
    return store, made[0]


def _empty(store: Neo4jStore) -> None:
    while store.write("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n")[0]["n"]:
        pass


def _graph(store: Neo4jStore) -> tuple[list, list]:
    nodes = store.query("MATCH (n) RETURN n.id AS id, labels(n) AS l, properties(n) AS p ORDER BY id")
    rels = store.query("MATCH (a)-[r]->(b) RETURN r.eid AS eid, type(r) AS t, a.id AS a, b.id AS b, "
                       "properties(r) AS p ORDER BY eid")  # fmt: skip
    return nodes, rels


@pytest.fixture()
def recorded():
    store, rec = _recording()
    _empty(store)
    rec.calls.clear()
    yield store, rec
    store.close()


@needs_server
def test_push_sends_only_listed_statements_with_values_as_parameters(recorded, city_db):
    store, rec = recorded
    with Workspace.open(city_db) as ws:
        store.push(ws, batch_size=500)
    listed = {s.text: s.name for s in statements()}
    names = [listed[text] for text, _, _, _ in rec.calls]  # KeyError: a statement not listed
    first_write = next(i for i, n in enumerate(names) if n.startswith(("create-", "merge-")))
    assert all(n.startswith(("constraint", "index", "ping", "any-pushed")) for n in names[:first_write])
    assert {n for n in names if n.startswith("constraint:")} == {"constraint:Dangjian"}  # ids unique on our label
    assert {n.split(":")[0] for n in names if n.startswith(("create-", "merge-"))} == {"create-nodes", "create-rels"}
    for text, params, database, _ in rec.calls:
        assert database == "neo4j"  # database_ always passed
        assert not any(h in text for h in HOSTILE)
        rows = params.get("rows", [])
        assert len(rows) <= 500
        for row in rows:
            assert not any(isinstance(v, str) and not v.isascii() and v in text for v in row)
    sent = json.dumps([p for _, p, _, _ in rec.calls], default=str, ensure_ascii=False)
    assert "'}) DETACH DELETE n //" in sent  # the hostile name went, as a parameter
    with Workspace.open(city_db) as ws:  # the member with these secrets was loaded, and pushed
        assert ws.get_nodes(["M1"])["M1"].name == "张小华"
    assert store.query("MATCH (m:Member:Dangjian {id: 'M1'}) RETURN m.name AS name") == [{"name": "张*华"}]
    assert "110101199003071233" not in sent and "13912345678" not in sent and "张小华" not in sent
    assert "联系人张*华" in sent  # the street's note names a member: masked as the name is
    rec.calls.clear()
    with Workspace.open(city_db) as ws:  # into a database that has our nodes: merged
        store.push(ws, batch_size=500)
    names = {listed[text].split(":")[0] for text, _, _, _ in rec.calls}
    assert {"merge-nodes", "merge-rels"} <= names and not names & {"create-nodes", "create-rels"}


@needs_server
def test_a_push_that_fails_midway_is_one_line_and_the_next_push_mends_it(city_db):
    clean, _ = _recording()
    _empty(clean)
    with Workspace.open(city_db) as ws:
        clean.push(ws, batch_size=300)
        want = _graph(clean)
        _empty(clean)
        node_batches = sum(-(-n // 300) for n in ws.counts()["nodes"].values())
        for fail_at in (3, node_batches + 2):  # in the nodes, then in the relationships
            store, rec = _recording(fail_at=fail_at)
            with pytest.raises(Neo4jError) as caught:
                store.push(ws, batch_size=300)
            assert "\n" not in str(caught.value) and "defunct connection" in str(caught.value)
            assert rec.batches >= fail_at
            store.close()
        clean.push(ws, batch_size=300)
    assert _graph(clean) == want
    clean.close()


@needs_server
def test_pulls_are_read_routed_and_name_their_relationship_types(recorded, city_db):
    """Reads go to readers (routing r), writes to the leader (w); a pull that wants some types
    sends statements with those types in the pattern, never a filter over every relationship."""
    store, rec = recorded
    with Workspace.open(city_db) as ws:
        store.push(ws)
    listed = {s.text: s.name for s in statements()}
    writes = {listed[t] for t, _, _, r in rec.calls if r == "w"}
    assert all(n.startswith(("create-", "merge-", "prune-", "constraint", "index")) for n in writes)
    rec.calls.clear()
    sub, _ = pull_entity(Neo4jSource(store), "祥云社区", AS_OF)
    assert sub.number_of_nodes() and {r for _, _, _, r in rec.calls} == {"r"}
    typed = [listed[t] for t, _, _, _ in rec.calls if listed[t].startswith("edges-") and ":" in listed[t]]
    assert typed and all(f"[r:{n.split(':', 1)[1]}]" in t for t, n in listed.items() if n in typed)
    assert all("$types" not in s.text and "type(r) IN" not in s.text for s in statements())


@needs_server
def test_cli_push_asks_for_the_password_and_never_echoes_it(city_db, monkeypatch):
    seen = {}
    real = connect
    server = [os.environ.get(k, "") for k in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD")]

    def spying(uri, user, password, database="neo4j"):  # what the CLI asked for; the test server answers
        seen.update(uri=uri, user=user, password=password, database=database)
        return real(*server)

    monkeypatch.setattr("dangjian.graph.neo4j_store.connect", spying)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("NEO4J_USERNAME", "auditor")
    r = runner.invoke(app, ["neo4j", "push", "--db", str(city_db), "--uri", "neo4j+s://db.example:7687",
                            "--database", "city", "--json"], input="s3cret\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert seen == {"uri": "neo4j+s://db.example:7687", "user": "auditor", "password": "s3cret", "database": "city"}
    assert "s3cret" not in r.output
    data = json.loads(r.stdout[r.stdout.index("{"):])
    assert sum(data["nodes"].values()) > 1000


@needs_server
def test_cli_commands_on_the_neo4j_backend(tmp_path, monkeypatch):
    db = _workspace(tmp_path, EXAMPLES / "xianghe")
    store, _ = _recording()
    _empty(store)
    with Workspace.open(db) as ws:
        store.push(ws)
    for key in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD"):
        assert os.environ.get(key) is not None
    neo = ["--backend", "neo4j"]  # the server from the environment, as a user sets it

    def run(*args: str) -> str:
        r = runner.invoke(app, [*args, "--as-of", AS_OF])
        assert r.exit_code == 0, r.output
        return r.stdout

    for args in (["gaps", "--json"], ["gaps", "--json", "--shard-size", "0"], ["stats", "--area", "祥和街道", "--json"],
                 ["show", "祥云社区", "--json"]):  # fmt: skip
        ours, theirs = json.loads(run(*args, "--db", str(db))), json.loads(run(*args, *neo))
        assert theirs == ours, args
    out = tmp_path / "v.html"
    assert "祥云社区" in run("view", "community", "祥云社区", "-o", str(out), *neo) and out.exists()
    for q in saved_queries():  # and the saved queries answer as the rules do
        with Workspace.open(db) as ws:
            expected = {f.entity for f in run_rules(to_networkx(ws), as_of=AS_OF, rules=[q.rule])}
        assert {r["id"] for r in run_saved(store, q.name, as_of=AS_OF)} == expected, q.name
    store.close()


def test_connection_errors_are_one_line():
    with pytest.raises(Neo4jError, match="Neo4j 的地址应以"):
        connect("http://localhost:7474", "neo4j", "pw")

    class Refusing:  # a driver whose login fails (what the driver raises, as one line)
        def verify_connectivity(self):
            raise RuntimeError("The client is unauthorized due to authentication failure.\nmore")

        def close(self):
            pass

    with pytest.raises(Neo4jError) as caught:
        connect("neo4j+s://db.example:7687", "neo4j", "pw", driver_factory=lambda uri, **kw: Refusing())
    assert "\n" not in str(caught.value) and "unauthorized" in str(caught.value)


def test_cli_without_a_server_fails_in_one_line(city_db, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    r = runner.invoke(app, ["gaps", "--backend", "neo4j"])
    assert r.exit_code == 2 and "NEO4J_URI" in r.output
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    r = runner.invoke(app, ["gaps", "--backend", "neo4j", "--uri", "bolt://127.0.0.1:9"])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and r.output.startswith("错误：无法")
    r = runner.invoke(app, ["gaps", "--backend", "mongo"])
    assert r.exit_code == 2


def test_saved_queries_are_documented_and_listed():
    queries = saved_queries()
    assert {q.rule for q in queries} == {"community-without-org", "unit-needs-own-branch", "member-not-reported",
                                         "community-few-partners", "term-overdue"}  # fmt: skip
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for q in queries:
        assert q.title and "as_of" in q.params
        assert f"queries/cypher/{q.name}.cypher" in readme
    r = runner.invoke(app, ["neo4j", "query", "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)) == len(queries)


def test_without_the_driver_the_message_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "neo4j", None)  # as if pip install dangjian, without [neo4j]
    with pytest.raises(Neo4jError, match=r"pip install 'dangjian\[neo4j\]'"):
        connect("neo4j://127.0.0.1:1", "neo4j", "x")
