"""The views as data and as files, without a browser: the graph is only read, nothing is written
but the output file, people are masked, ID and phone numbers never copied, crafted names stay
inert, and the page references nothing outside itself."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.viz import VIEWS, ViewError, build_view, render, write_view
from dangjian.viz.layout import tree_layout
from dangjian.viz.page import vis_assets

from view_graphs import AS_OF, FULL_NAMES, HOSTILE, ID_NUMBERS, PHONES, examples_graph, hostile_graph

TARGETS = {"overview": None, "community": "祥云社区", "tree": None, "coconstruction": None, "gaps": None}


@pytest.fixture(scope="module")
def eg(tmp_path_factory):
    return examples_graph(tmp_path_factory.mktemp("eg"))


def _snapshot(g):
    return (copy.deepcopy(dict(g.nodes(data=True))), copy.deepcopy(list(g.edges(keys=True, data=True))),
            copy.deepcopy(g.graph))  # fmt: skip


@pytest.mark.parametrize("kind", list(VIEWS))
def test_view_leaves_graph_unchanged_and_writes_only_its_file(eg, kind, tmp_path, monkeypatch):
    before = _snapshot(eg)
    cwd, outdir = tmp_path / "cwd", tmp_path / "out"
    cwd.mkdir()
    outdir.mkdir()
    monkeypatch.chdir(cwd)
    view = build_view(eg, kind, TARGETS[kind], as_of=AS_OF)
    path = write_view(view, outdir / "v.html")
    assert _snapshot(eg) == before
    assert os.listdir(cwd) == [] and os.listdir(outdir) == ["v.html"]
    assert path.stat().st_size > 100_000  # vis-network is inside
    assert len(view.nodes) > 3 and len({n["id"] for n in view.nodes}) == len(view.nodes)
    ids = {n["id"] for n in view.nodes}
    assert all(e["from"] in ids and e["to"] in ids for e in view.edges)
    spots = {(n["x"], n["y"]) for n in view.nodes}
    assert len(spots) == len(view.nodes), "two nodes drawn on the same spot"


def test_page_is_self_contained(eg):
    html = render(build_view(eg, "overview", as_of=AS_OF))
    js, css = vis_assets()
    assert js in html and css in html  # the library itself, inlined whole
    assert "new vis.Network(" in html  # and our page starts it
    for bad in ("cdn.", "cdnjs", "unpkg", "jsdelivr", "node_modules", "\"lib/", "sourceMappingURL", "bootstrap"):
        assert bad not in html, bad
    # URLs only in licence comments, error messages and the SVG namespace, none on our side
    urls = set(re.findall(r"[a-z]+://[^\s\"')]+", html))
    assert all(u.startswith(("http://www.w3.org/", "https://github.com/", "http://www.apache.org/",
                             "http://opensource.org/", "https://visjs.github.io/", "http://almende.com"))
               for u in urls), urls  # fmt: skip
    # no element loads anything: no src= or href= attributes, no CSS imports or remote url()
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)\s*=", html, re.I)
    assert "@import" not in html
    styles = "".join(re.findall(r"<style>(.*?)</style>", html, re.S))
    assert "url(" in styles and not re.search(r"url\(\s*(?!['\"]?data:)", styles)
    assert "default-src 'none'" in html


def test_overview_reports_what_it_draws(eg):
    view = build_view(eg, "overview", as_of=AS_OF)
    levels = {n["group"] for n in view.nodes}
    assert "member" not in levels and "members" not in levels  # aggregated: no member nodes
    caiyun = next(n for n in view.nodes if n["name"] == "彩云社区")
    assert caiyun["severity"] == "high"  # the community without an organization
    assert any(f[2] and "依据" not in f[2] for f in caiyun["findings"])
    data = json.loads(re.search(r'id="dj-data">(.*?)</script>', render(view), re.S).group(1))
    assert data["counts"]["nodes"] == len(view.nodes) == len(data["nodes"])


def test_community_view_members_masked_unless_asked():
    g = hostile_graph()
    for members in (False, True):
        html = render(build_view(g, "community", "c1", as_of=AS_OF, members=members))
        for secret in (*ID_NUMBERS, *PHONES, *FULL_NAMES, "周建国", "1980-01-01"):
            assert secret not in html, secret
    html = render(build_view(g, "community", "c1", as_of=AS_OF, members=True))
    assert "张*华" in html and "欧**月" in html and "周*国" in html
    shown = render(build_view(g, "community", "c1", as_of=AS_OF, members=True, show_names=True))
    assert "张小华" in shown and "欧阳明月" in shown
    for secret in (*ID_NUMBERS, *PHONES):
        assert secret not in shown, secret


def test_members_are_totalled_by_situation_by_default():
    g = hostile_graph()
    view = build_view(g, "community", "c1", as_of=AS_OF)
    totals = [n for n in view.nodes if n["group"] == "members"]
    assert [n["label"] for n in totals] == ["在职党员 2"]
    assert not any(n["group"] == "member" for n in view.nodes)
    one_by_one = build_view(g, "community", "c1", as_of=AS_OF, members=True)
    assert sum(n["group"] == "member" for n in one_by_one.nodes) == 2


@pytest.mark.parametrize("kind", list(VIEWS))
def test_crafted_names_are_inert_in_the_file(kind):
    g = hostile_graph()
    view = build_view(g, kind, "c1" if kind == "community" else None, as_of=AS_OF)
    html = render(view)
    for name in HOSTILE.values():
        assert name not in html
    assert "window.__pwned" in html  # the names are there, as escaped data
    assert "<img src=x" not in html and "<svg onload" not in html and "<script>window" not in html
    # the data block, vis-network and our script; nothing else opens a script
    assert len(re.findall(r"<script\b", html)) == 3 + vis_assets()[0].count("<script")


def test_page_title_is_escaped():
    g = hostile_graph()
    html = render(build_view(g, "community", "c1", as_of=AS_OF))
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<svg" not in title and "&lt;svg onload=window.__pwned=1&gt;" in title


def test_english_labels(eg):
    view = build_view(eg, "tree", as_of=AS_OF, lang="en")
    assert view.title.endswith("Organization tree")
    assert {item["label"] for item in view.legend} == {"Party organization"}


def test_errors_are_view_errors(eg, tmp_path):
    with pytest.raises(ViewError):
        build_view(eg, "community", None)
    with pytest.raises(ViewError):
        build_view(eg, "nonsense")
    view = build_view(eg, "tree", as_of=AS_OF)
    with pytest.raises(ViewError):
        write_view(view, tmp_path)
    with pytest.raises(ViewError):
        write_view(view, tmp_path / "missing" / "v.html")


def test_tree_layout_is_a_forest_with_cycles_cut():
    pos = tree_layout(["a", "b", "c", "d", "x", "y"], {"b": "a", "c": "a", "d": "b", "x": "y", "y": "x"})
    assert set(pos) == {"a", "b", "c", "d", "x", "y"}
    assert pos["a"][1] < pos["b"][1] < pos["d"][1]
    assert len(set(pos.values())) == 6


def test_tree_layout_packs_many_children_into_a_block():
    parent = {str(i): "root" for i in range(400)}
    pos = tree_layout(["root", *parent], parent)
    xs = {pos[str(i)][0] for i in range(400)}
    ys = {pos[str(i)][1] for i in range(400)}
    assert len({pos[n] for n in pos}) == 401
    assert 10 < len(xs) < 60 and len(ys) > 10  # wrapped into shelves, not one long row
    assert all(pos["root"][1] < y for y in ys)
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert 0.8 < width / height < 3.5  # a block about the shape of a screen


def test_cli_view_writes_file_and_reports(tmp_path, eg):
    from dangjian.graph.store import Workspace
    from dangjian.loaders.load import load_paths

    from view_graphs import EXAMPLES

    db = tmp_path / "w.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
    runner = CliRunner()
    out = tmp_path / "c.html"
    r = runner.invoke(app, ["view", "community", "祥云社区", "--db", str(db), "-o", str(out), "--json",
                            "--as-of", AS_OF])  # fmt: skip
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["path"] == str(out) and summary["nodes"] > 10 and out.exists()
    r = runner.invoke(app, ["view", "gaps", "--db", str(db), "-o", str(tmp_path / "g.html"), "--severity", "high"])
    assert r.exit_code == 0 and "问题清单" in r.stdout
    r = runner.invoke(app, ["view", "maps", "--db", str(db), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2
    r = runner.invoke(app, ["view", "community", "无此社区", "--db", str(db), "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.output
    r = runner.invoke(app, ["view", "tree", "--db", str(db), "-o", str(tmp_path / "nofolder" / "x.html")])
    assert r.exit_code == 1 and "不存在" in r.stderr


def test_free_text_and_people_ids_keep_no_secrets():
    g = hostile_graph()
    g.nodes["u1"]["address"] = "祥和路1号 联系电话13912345678 或 0888-5123456"
    g.add_node("530102198001011234", type="Member", name="李四光", status="formal", situation="retired")
    g.add_edge("530102198001011234", "o1", type="MEMBER_OF")  # a roster that used ID numbers as 党员编号
    for kind, target in (("community", "c1"), ("gaps", None), ("tree", None)):
        html = render(build_view(g, kind, target, as_of=AS_OF, members=True) if kind == "community"
                      else build_view(g, kind, target, as_of=AS_OF))  # fmt: skip
        for secret in ("13912345678", "0888-5123456", "530102198001011234", "李四光"):
            assert secret not in html, (kind, secret)


def test_free_text_naming_a_member_shows_the_name_masked_unless_asked():
    g = hostile_graph()
    g.nodes["u1"]["note"] = "联系人张小华（党员），欧阳明月负责共建"
    for kind, target in (("community", "c1"), ("gaps", None)):
        html = render(build_view(g, kind, target, as_of=AS_OF))
        assert "张小华" not in html and "欧阳明月" not in html, kind
        if kind == "community":
            assert "联系人张*华（党员），欧**月负责共建" in html
    shown = render(build_view(g, "community", "c1", as_of=AS_OF, show_names=True))
    assert "联系人张小华（党员），欧阳明月负责共建" in shown


def test_gaps_view_survives_a_cycle_in_the_area_tree():
    g = hostile_graph()
    g.add_edge("g1", "c1", type="CONTAINS")  # c1 contains g1 contains c1
    view = build_view(g, "gaps", as_of=AS_OF)
    assert len(view.nodes) > 3


def test_int_ids_and_missing_names_render():
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node(1, type="Area", level="city")
    g.add_node(2, type="Area", level="community", name=float("nan"))
    g.add_edge(1, 2, type="CONTAINS")
    for kind in ("overview", "gaps", "coconstruction"):
        view = build_view(g, kind, as_of=AS_OF)
        assert [n["label"] for n in view.nodes] == ["1", "2"]  # no "nan", no "None"
        assert '"id":2' in render(view)
    empty = build_view(g, "tree", as_of=AS_OF)  # no organizations: an empty page, not a crash
    assert empty.nodes == [] and '"nodes":[]' in render(empty)


def test_community_view_needs_a_community():
    g = hostile_graph()
    with pytest.raises(ViewError, match="不是社区或村"):
        build_view(g, "community", "测试街道", as_of=AS_OF)
    below = build_view(g, "community", "g1", as_of=AS_OF)  # a grid: drawn as its community
    assert below.title.startswith(HOSTILE["area"])
    with pytest.raises(ViewError, match="语言"):
        build_view(g, "overview", lang="fr")


def test_views_are_the_same_under_any_hash_seed(tmp_path):
    import subprocess
    import sys

    script = ("import sys; sys.path.insert(0, sys.argv[1]); from view_graphs import hostile_graph;"
              "from dangjian.viz import build_view, render;"
              "print(''.join(render(build_view(hostile_graph(), k, 'c1' if k == 'community' else None,"
              "as_of='2026-11-22')) for k in ('overview', 'community', 'tree', 'coconstruction', 'gaps')).__hash__())")
    here = str(Path(__file__).resolve().parent)
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        code = script.replace(".__hash__()", "").replace("print(", "import hashlib; print(hashlib.sha256((")
        code = code[:-1] + ").encode()).hexdigest())"
        env["PYTHONHASHSEED"] = seed
        out = subprocess.run([sys.executable, "-c", code, here], capture_output=True, text=True, env=env, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_actions_are_tabled_with_the_name_cut_out_and_put_back():
    """The page stores an action as a number into its string table with the node's name replaced
    by a mark; page.js joins the name back in. The round trip gives the text back exactly, and
    text that already holds the mark is stored as it is."""
    from dangjian.viz.page import NAME_MARK, _action, _Table

    table = _Table()
    cases = [("请指导祥云社区成立党组织", "祥云社区"), ("祥云社区与祥云社区共建", "祥云社区"),
             ("无名称的建议", "祥云社区"), ("建议", ""), ("张*华未报到", "张*华")]  # fmt: skip
    for text, name in cases:
        stored = _action(text, name, table)
        assert isinstance(stored, int)
        assert name.join(list(table)[stored].split(NAME_MARK)) == text
    assert _action("请为A社区" + NAME_MARK, "A社区", table) == "请为A社区" + NAME_MARK
    assert _action("请为A社区", "A" + NAME_MARK, table) == "请为A社区"
    same = _action("请指导和平社区成立党组织", "和平社区", table)
    assert same == _action("请指导祥云社区成立党组织", "祥云社区", table)  # one entry for both


def test_node_findings_follow_run_rules_order_worst_first(eg):
    """The views take the findings unsorted; each node still lists its own as run_rules sorts
    them (severity, then rule), so its colour is its worst."""
    from dangjian.queries import run_rules
    from dangjian.viz.model import SEVERITY_COLOURS

    ordered = run_rules(eg, as_of=AS_OF)
    unordered = run_rules(eg, as_of=AS_OF, ordered=False)
    key = lambda f: (f.rule, str(f.entity), f.action)  # noqa: E731
    assert sorted(map(key, unordered)) == sorted(map(key, ordered)) and len(ordered) > 10
    view = build_view(eg, "gaps", as_of=AS_OF)  # every entity with findings, each its own
    rows = {n["id"]: n for n in view.nodes}
    by_entity: dict = {}
    for f in ordered:
        by_entity.setdefault(f.entity, []).append([f.severity, f.title, f.cite, f.action])
    several = [e for e, fs in by_entity.items() if len({f[0] for f in fs}) > 1 and e in rows]
    assert several  # the check below means something: entities with findings of two severities
    for e, fs in by_entity.items():
        if e in rows:
            assert [[r[0], r[2], r[3], r[4]] for r in rows[e]["findings"]] == fs
            assert rows[e]["color"] == SEVERITY_COLOURS[fs[0][0]]
    shown = [n for n in build_view(eg, "overview", as_of=AS_OF).nodes if n["id"] in by_entity]  # unsorted input
    assert any(len({r[0] for r in n["findings"]}) > 1 for n in shown)
    for n in shown:
        assert [[r[0], r[2], r[3], r[4]] for r in n["findings"]] == by_entity[n["id"]]
