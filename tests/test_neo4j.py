"""The Neo4j backend. Without a server: the push and the shard pull run end to end against
tests/fake_neo4j.py (which answers only the project's own listed statements), connection errors are
one line, values never enter statement text. With NEO4J_URI (and NEO4J_USERNAME, NEO4J_PASSWORD)
set: the same flows against the real database, compared with the embedded backend."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fake_neo4j import FakeDriver
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph import Workspace, to_networkx
from dangjian.graph.neo4j_store import Neo4jError, Neo4jSource, Neo4jStore, connect, statements
from dangjian.loaders import load_paths
from dangjian.queries import run_rules
from dangjian.queries.explore import describe
from dangjian.queries.saved import run_saved, saved_queries
from dangjian.queries.sharded import pull_area, pull_entity, resolve_in, run_rules_sharded
from dangjian.queries.stats import area_stats

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


def _pushed(db: Path, **kw) -> tuple[Neo4jStore, FakeDriver]:
    driver = FakeDriver()
    store = Neo4jStore(driver, "neo4j")
    with Workspace.open(db) as ws:
        store.push(ws, **kw)
    return store, driver


def test_push_sends_only_listed_statements_with_values_as_parameters(city_db):
    store, driver = _pushed(city_db, batch_size=500)
    listed = {s.name: s.text for s in statements()}
    names = [name for name, _, _ in driver.calls]
    first_merge = next(i for i, n in enumerate(names) if n.startswith("merge-"))
    assert all(n.startswith(("constraint", "index:")) for n in names[:first_merge])  # constraints first
    assert {n for n in names if n.startswith("constraint:")} == {"constraint:Dangjian"}  # ids unique on our label
    for name, params, database in driver.calls:
        assert database == "neo4j"  # database_ always passed
        text = listed[name]
        assert not any(h in text for h in HOSTILE)
        for row in params.get("rows", []):
            assert len(params["rows"]) <= 500
            assert row.get("id", row.get("src")) not in text
    sent = json.dumps([p for _, p, _ in driver.calls], default=str, ensure_ascii=False)
    assert "'}) DETACH DELETE n //" in sent  # the hostile name went, as a parameter
    with Workspace.open(city_db) as ws:  # the member with these secrets was loaded, and pushed
        assert ws.get_nodes(["M1"])["M1"].name == "张小华"
    assert any(row.get("id") == "M1" for _, p, _ in driver.calls for row in p.get("rows", []))
    assert "110101199003071233" not in sent and "13912345678" not in sent and "张小华" not in sent
    assert "联系人张*华" in sent  # the street's note names a member: masked as the name is


def test_push_writes_the_whole_workspace_and_twice_is_the_same(city_db):
    store, driver = _pushed(city_db)
    with Workspace.open(city_db) as ws:
        counts = ws.counts()
    assert store.counts() == {k: v for k, v in counts["nodes"].items()} | {
        k: 0 for k in store.counts() if k not in counts["nodes"]}
    assert len(driver.rels) == sum(counts["edges"].values())
    before = (json.dumps(driver.nodes, default=str, sort_keys=True), json.dumps(
        {str(k): v for k, v in driver.rels.items()}, default=str, sort_keys=True))
    with Workspace.open(city_db) as ws:
        again = store.push(ws)
    after = (json.dumps(driver.nodes, default=str, sort_keys=True), json.dumps(
        {str(k): v for k, v in driver.rels.items()}, default=str, sort_keys=True))
    assert before == after and again.pruned_nodes == 0 and again.pruned_relationships == 0


def test_a_push_after_new_loads_removes_what_is_gone(tmp_path):
    db = _workspace(tmp_path, EXAMPLES / "xianghe")
    store, driver = _pushed(db)
    driver.nodes["Area"]["stale"] = {"id": "stale", "name": "旧", "pushed": "old"}
    driver.nodes.setdefault("Unit", {})["theirs"] = {"id": "theirs"}  # another application's: no stamp, kept
    with Workspace.open(db, write=True) as ws:
        load_paths(ws, [EXAMPLES / "messy"])
        result = store.push(ws)
    assert result.pruned_nodes == 1 and "stale" not in driver.nodes["Area"] and "theirs" in driver.nodes["Unit"]


def test_sharded_gaps_from_the_pushed_graph_equal_the_embedded_ones(city_db):
    store, _ = _pushed(city_db)
    with Workspace.open(city_db) as ws:
        g = to_networkx(ws)
    whole = run_rules(g, as_of=AS_OF)
    assert len(whole) > 500
    assert run_rules_sharded(Neo4jSource(store), as_of=AS_OF) == whole
    assert run_rules_sharded(Neo4jSource(store), level="district", as_of=AS_OF, lang="en") == \
        run_rules(g, as_of=AS_OF, lang="en")  # fmt: skip
    src = Neo4jSource(store)
    street = "530702003"
    assert run_rules_sharded(src, area="祥和街道", as_of=AS_OF) == run_rules(g, area=street, as_of=AS_OF)
    sub, root = pull_area(src, "祥和街道")
    assert root == street and area_stats(sub, root, as_of=AS_OF) == area_stats(g, street, as_of=AS_OF)
    sub, n = pull_entity(src, "祥云社区")
    assert describe(sub, n, as_of=AS_OF)["findings"] == describe(g, n, as_of=AS_OF)["findings"]
    assert resolve_in(src, "祥云社区居委会", ["Area"]) == n  # the official name finds the short one


def test_connection_errors_are_one_line():
    with pytest.raises(Neo4jError, match="a Neo4j URI starts with"):
        connect("http://localhost:7474", "neo4j", "pw")

    class Refusing(FakeDriver):
        def verify_connectivity(self):
            raise RuntimeError("The client is unauthorized due to authentication failure.\nmore")

    with pytest.raises(Neo4jError) as caught:
        connect("neo4j+s://db.example:7687", "neo4j", "pw", driver_factory=lambda uri, **kw: Refusing())
    assert "\n" not in str(caught.value) and "unauthorized" in str(caught.value)


def test_cli_push_asks_for_the_password_and_never_echoes_it(city_db, monkeypatch):
    seen = {}

    def fake_connect(uri, user, password, database="neo4j"):
        seen.update(uri=uri, user=user, password=password, database=database)
        return Neo4jStore(FakeDriver(), database)

    monkeypatch.setattr("dangjian.graph.neo4j_store.connect", fake_connect)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("NEO4J_USERNAME", "auditor")
    r = runner.invoke(app, ["neo4j", "push", "--db", str(city_db), "--uri", "neo4j+s://db.example:7687",
                            "--database", "city", "--json"], input="s3cret\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert seen == {"uri": "neo4j+s://db.example:7687", "user": "auditor", "password": "s3cret", "database": "city"}
    assert "s3cret" not in r.output
    data = json.loads(r.stdout[r.stdout.index("{"):])
    assert data["database"] == "city" and sum(data["nodes"].values()) > 1000


def test_cli_without_a_server_fails_in_one_line(city_db, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    r = runner.invoke(app, ["gaps", "--backend", "neo4j"])
    assert r.exit_code == 2 and "NEO4J_URI" in r.output
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    r = runner.invoke(app, ["gaps", "--backend", "neo4j", "--uri", "bolt://127.0.0.1:9"])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and r.output.startswith("error: cannot use")
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


# -- against a real Neo4j (NEO4J_URI set) --------------------------------------------------------------
# Under CI (make test starts a real server: tests/neo4j/with-server) these never skip: a missing
# server fails them.
needs_server = pytest.mark.skipif(not os.environ.get("NEO4J_URI") and not os.environ.get("CI"),
                                  reason="no Neo4j server: set NEO4J_URI, NEO4J_USERNAME and NEO4J_PASSWORD to run "
                                  "against one (the database is overwritten), or run make test")  # fmt: skip


@pytest.fixture(scope="module")
def server(city_db):
    if not os.environ.get("NEO4J_URI"):
        pytest.fail("CI: no Neo4j server (NEO4J_URI unset): tests/neo4j/with-server should have started one")
    store = connect(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"),
                    os.environ.get("NEO4J_PASSWORD", ""), os.environ.get("NEO4J_DATABASE", "neo4j"))  # fmt: skip
    with Workspace.open(city_db) as ws:
        store.push(ws, batch_size=2000)
    yield store
    store.close()


@needs_server
def test_real_push_twice_leaves_the_same_graph(server, city_db):
    first = server.counts()
    with Workspace.open(city_db) as ws:
        again = server.push(ws, batch_size=2000)
        nodes = ws.counts()["nodes"]
    assert server.counts() == first and again.pruned_nodes == 0 and again.pruned_relationships == 0
    assert {k: v for k, v in first.items() if v} == nodes


@needs_server
def test_real_sharded_gaps_equal_the_embedded_ones(server, city_db):
    with Workspace.open(city_db) as ws:
        g = to_networkx(ws)
    assert run_rules_sharded(Neo4jSource(server), as_of=AS_OF) == run_rules(g, as_of=AS_OF)


@needs_server
def test_real_saved_queries_answer_as_the_rules_do(server, city_db):
    with Workspace.open(city_db) as ws:
        g = to_networkx(ws)
    for q in saved_queries():
        expected = {f["entity"] for f in run_rules(g, as_of=AS_OF, rules=[q.rule])}
        assert {r["id"] for r in run_saved(server, q.name, as_of=AS_OF)} == expected, q.name


def test_views_from_the_pushed_graph_equal_the_embedded_ones(tmp_path):
    from dangjian.viz import build_view

    db = _workspace(tmp_path, EXAMPLES / "xianghe")
    store, _ = _pushed(db)
    with Workspace.open(db) as ws:
        g = to_networkx(ws)
    src = Neo4jSource(store)
    for kind, target in [("community", "祥云社区"), ("tree", "祥和街道"), ("coconstruction", "祥和街道"),
                         ("gaps", "祥和街道"), ("overview", None)]:  # fmt: skip
        sub, _ = pull_entity(src, target) if kind == "community" else pull_area(src, target)
        ours, theirs = build_view(g, kind, target, as_of=AS_OF), build_view(sub, kind, target, as_of=AS_OF)
        assert (theirs.nodes, theirs.edges) == (ours.nodes, ours.edges), kind


def test_cli_commands_on_the_neo4j_backend(tmp_path, monkeypatch):
    db = _workspace(tmp_path, EXAMPLES / "xianghe")
    store, _ = _pushed(db)
    monkeypatch.setattr("dangjian.graph.neo4j_store.connect", lambda *a, **kw: store)
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    neo = ["--backend", "neo4j", "--uri", "neo4j://db.example"]

    def run(*args: str) -> str:
        r = runner.invoke(app, [*args, "--as-of", AS_OF])
        assert r.exit_code == 0, r.output
        return r.stdout

    for args in (["gaps", "--json"], ["stats", "--area", "祥和街道", "--json"], ["show", "祥云社区", "--json"]):
        ours, theirs = json.loads(run(*args, "--db", str(db))), json.loads(run(*args, *neo))
        assert theirs == ours, args[0]
    out = tmp_path / "v.html"
    assert "祥云社区" in run("view", "community", "祥云社区", "-o", str(out), *neo) and out.exists()


def test_pulls_are_read_routed_and_name_their_relationship_types(tmp_path):
    """Reads go to readers (routing r), writes to the leader (w); a pull that wants some types
    sends statements with those types in the pattern, never a filter over every relationship."""
    db = _workspace(tmp_path, EXAMPLES / "xianghe")
    store, driver = _pushed(db)
    pushes = list(zip(driver.calls, driver.routes, strict=True))
    assert {r for (name, _, _), r in pushes if name.startswith(("merge-", "prune-", "constraint", "index:"))} == {"w"}
    driver.calls.clear()
    driver.routes.clear()
    sub, _ = pull_entity(Neo4jSource(store), "祥云社区", AS_OF)
    assert sub.number_of_nodes() and set(driver.routes) == {"r"}
    typed = [name for name, _, _ in driver.calls if name.startswith("edges-") and name.count(":") == 1]
    texts = {s.name: s.text for s in statements()}
    assert typed and all(f"[r:{name.rsplit(':', 1)[1]}]" in texts[name] for name in typed)
    assert all("$types" not in s.text for s in statements())


def test_without_the_driver_the_message_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "neo4j", None)  # as if pip install dangjian, without [neo4j]
    with pytest.raises(Neo4jError, match=r"pip install 'dangjian\[neo4j\]'"):
        connect("neo4j://127.0.0.1:1", "neo4j", "x")
