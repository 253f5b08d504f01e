"""The views in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright. Each view loads with no console error and no network request, draws as many nodes as
it reports, finds nodes by name and by pinyin, opens details on a click, runs nothing from crafted
names and shows no ID or phone number. Every test saves a screenshot in build/screenshots/.

Without a Chromium these tests are skipped, except under CI (``CI`` set), where they fail:
``.ci/run`` installs the ``chromium`` package."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dangjian.viz import VIEWS, build_view, write_view

from view_graphs import AS_OF, FULL_NAMES, HOSTILE, ID_NUMBERS, PHONES, examples_graph, hostile_graph

SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
CHROMIUM = os.environ.get("DANGJIAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
TARGETS = {"overview": None, "community": "祥云社区", "tree": None, "coconstruction": None, "gaps": None}

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"no Chromium at {CHROMIUM}: .ci/run should have installed the chromium package")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


class Opened:
    """A page with its console messages, page errors, requests and dialogs recorded."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 850})
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.problems.append(f"{m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)  # fmt: skip
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=60_000)

    def js(self, expr: str):
        return self.page.evaluate(expr)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"))

    def _at(self, node_id: str) -> tuple[float, float]:
        self.js(f"dangjianView.network.focus({_js(node_id)}, {{scale: 1.5, animation: false}})")
        self.page.wait_for_timeout(100)
        box = self.page.locator("#dj-net canvas").bounding_box()
        xy = self.js(f"dangjianView.network.canvasToDOM(dangjianView.network.getPosition({_js(node_id)}))")
        return box["x"] + xy["x"], box["y"] + xy["y"]

    def click_node(self, node_id: str) -> None:
        """Click where the node is drawn on the canvas."""
        self.page.mouse.click(*self._at(node_id))

    def hover_node(self, node_id: str) -> str:
        """Rest the mouse on a node; the text of its tooltip."""
        x, y = self._at(node_id)
        self.page.mouse.move(x - 3, y - 3)
        self.page.mouse.move(x, y)
        tip = self.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5_000)
        return tip.inner_text()

    def close(self) -> None:
        self.page.close()


def _js(value: str) -> str:
    import json

    return json.dumps(value)


@pytest.fixture(scope="module")
def example_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("views")
    g = examples_graph(tmp)
    out = {}
    for kind in VIEWS:
        view = build_view(g, kind, TARGETS[kind], as_of=AS_OF)
        out[kind] = (write_view(view, tmp / f"{kind}.html"), view)
    return out


@pytest.mark.parametrize("kind", list(VIEWS))
def test_view_loads_offline_and_draws_what_it_reports(browser, example_files, kind):
    path, view = example_files[kind]
    p = Opened(browser, path)
    try:
        p.shot(f"{kind}")
        assert p.problems == []
        assert p.requests == [p.url]  # the page itself, nothing else
        drawn = p.js("dangjianView.network.body.nodeIndices.length")
        assert drawn == len(view.nodes) == p.js("dangjianView.data.counts.nodes")
        assert str(len(view.nodes)) in p.page.inner_text("#dj-counts")
        assert p.js("dangjianView.network.body.edgeIndices.length") == len(view.edges)
        # the page's findings, expanded from its compact form, are the view's to the letter
        assert p.js("dangjianView.data.nodes.map(n => n.findings)") == [n["findings"] for n in view.nodes]
    finally:
        p.close()


def test_search_by_name_and_by_pinyin_then_details(browser, example_files):
    path, view = example_files["overview"]
    p = Opened(browser, path)
    try:
        for query in ("祥云", "xysq", "xiangyun"):
            p.page.fill("#dj-search", query)
            items = p.page.locator("#dj-results li[data-index]")
            assert "祥云社区" in items.all_inner_texts()[0] if items.count() else False, query
        p.page.fill("#dj-search", "xysq")
        p.page.press("#dj-search", "Enter")
        assert p.page.inner_text("#dj-details-body .dj-name") == "祥云社区"
        p.shot("search-xysq")
        assert p.problems == []
    finally:
        p.close()


def test_clicking_a_node_opens_its_details_with_findings(browser, example_files):
    path, view = example_files["overview"]
    caiyun = next(n["id"] for n in view.nodes if n["name"] == "彩云社区")
    p = Opened(browser, path)
    try:
        p.click_node(caiyun)
        p.page.wait_for_selector("#dj-details-body .dj-name")
        body = p.page.inner_text("#dj-details-body")
        assert "彩云社区" in body and "依据" in body  # its finding, with the citation
        assert p.js("dangjianView.network.getSelectedNodes()") == [caiyun]
        p.shot("click-caiyun")
    finally:
        p.close()


def test_filter_hides_a_type(browser, example_files):
    path, view = example_files["overview"]
    p = Opened(browser, path)
    try:
        orgs = sum(n["group"] == "org" for n in view.nodes)
        p.page.uncheck("#dj-legend input[data-group='org']")
        hidden = p.js("dangjianView.nodes.get({filter: n => n.hidden === true}).length")
        assert hidden == orgs > 0
        p.shot("filter-orgs-hidden")
    finally:
        p.close()


@pytest.mark.parametrize("kind", list(VIEWS))
def test_crafted_names_run_nothing_and_no_secrets(browser, tmp_path, kind):
    g = hostile_graph()
    view = build_view(g, kind, "c1" if kind == "community" else None, as_of=AS_OF, members=True) \
        if kind == "community" else build_view(g, kind, None, as_of=AS_OF)  # fmt: skip
    p = Opened(browser, write_view(view, tmp_path / f"{kind}.html"))
    try:
        for n in view.nodes:  # open every node's details and hover over none: all as text
            p.js(f"dangjianView.showDetails({_js(n['id'])})")
        p.page.fill("#dj-search", "<")
        p.page.fill("#dj-search", "")
        p.shot(f"hostile-{kind}")
        assert p.js("window.__pwned === undefined")
        assert p.dialogs == [] and p.problems == [] and p.requests == [p.url]
        assert p.js("dangjianView.data.nodes.map(n => n.findings)") == [n["findings"] for n in view.nodes]
        assert p.js("document.querySelectorAll('img, svg:not(canvas svg), a[href]').length") == 0
        html = p.page.content()
        for secret in (*ID_NUMBERS, *PHONES, *FULL_NAMES):
            assert secret not in html
        shown = {n["name"] for n in view.nodes}
        for name in (HOSTILE["area"], HOSTILE["unit"], HOSTILE["org"]):
            if name in shown:  # the crafted text appears as text where it is shown
                nid = next(n["id"] for n in view.nodes if n["name"] == name)
                p.js(f"dangjianView.showDetails({_js(nid)})")
                assert p.page.inner_text("#dj-details-body .dj-name") == name
        if kind == "overview":  # tooltips are set as text too
            tip = p.hover_node("c1")
            assert tip.startswith(HOSTILE["area"])
            p.shot("hostile-tooltip")
            assert p.js("window.__pwned === undefined")
        if kind == "community":
            assert HOSTILE["area"] in p.page.title()
    finally:
        p.close()


def test_enter_in_search_works_with_numeric_ids(browser, tmp_path):
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node(1, type="Area", name="测试市", level="city")
    g.add_node(2, type="Area", name="祥云社区", level="community")
    g.add_edge(1, 2, type="CONTAINS")
    p = Opened(browser, write_view(build_view(g, "overview", as_of=AS_OF), tmp_path / "ints.html"))
    try:
        p.page.fill("#dj-search", "xysq")
        p.page.press("#dj-search", "Enter")
        assert p.page.inner_text("#dj-details-body .dj-name") == "祥云社区"
        assert p.js("dangjianView.network.getSelectedNodes()") == [2]
        p.shot("numeric-ids")
        assert p.problems == []
    finally:
        p.close()


def test_a_city_of_1800_communities_opens_drawn_and_searchable(browser, tmp_path):
    from view_graphs import city_graph

    view = build_view(city_graph(1800), "overview", as_of=AS_OF)
    assert len(view.nodes) > 3600
    p = Opened(browser, write_view(view, tmp_path / "city.html"))
    try:
        # it opens folded: the city and its districts drawn, few enough for their labels to be read
        drawn = p.js("dangjianView.network.body.nodeIndices.length")
        assert drawn == len(p.js("dangjianView.shown()")) <= 80 and view.fold_depth is not None
        assert p.js("dangjianView.network.getScale()") >= 0.5
        assert f"{drawn}/{len(view.nodes)}" in p.page.inner_text("#dj-counts")
        assert p.js("dangjianView.network.physics.physicsEnabled") is False  # positions precomputed
        p.shot("city-1800-opening")
        p.page.fill("#dj-search", "幸福1800社区")
        p.page.press("#dj-search", "Enter")  # a folded community: the way to it unfolds
        assert p.page.inner_text("#dj-details-body .dj-name") == "幸福1800社区"
        target = p.js("dangjianView.network.getSelectedNodes()")[0]
        assert target in p.js("dangjianView.shown()")
        p.shot("city-1800")
        p.page.click("#dj-reset")
        assert p.js("dangjianView.network.body.nodeIndices.length") == drawn
        assert p.problems == [] and p.requests == [p.url]
    finally:
        p.close()


def _shown_ids(p: Opened) -> set:
    return set(p.js("dangjianView.shown()"))


def _with_rule(view, rule: str) -> set:
    return {n["id"] for n in view.nodes if any(f[5] == rule for f in n["findings"])}


def _ancestors(view, ids: set) -> set:
    out = set()
    for n in ids:
        x = view.parents.get(n)
        while x is not None and x not in out:
            out.add(x)
            x = view.parents.get(x)
    return out


def test_filter_by_rule_by_severity_and_the_no_organization_shortcut(browser, example_files):
    path, view = example_files["overview"]
    p = Opened(browser, path)
    try:
        everything = _shown_ids(p)
        assert len(everything) == len(view.nodes)
        p.page.click("#dj-no-org")  # one click: the communities with no Party organization
        named = _with_rule(view, "community-without-org")
        assert named and _shown_ids(p) == named | _ancestors(view, named)
        assert f"{len(named | _ancestors(view, named))}/{len(view.nodes)}" in p.page.inner_text("#dj-counts")
        p.page.click("#dj-table-toggle")
        rows = p.js("dangjianView.tableRows()")
        assert sorted(r["name"] for r in rows) == sorted(n["name"] for n in view.nodes if n["id"] in named)
        p.shot("filter-no-organization")
        p.page.click("#dj-all")
        assert _shown_ids(p) == everything
        rule = next(r for n in view.nodes for f in n["findings"] for r in [f[5]] if r != "community-without-org")
        p.page.click(f"#dj-rules button[data-rule='{rule}']")
        assert _shown_ids(p) == _with_rule(view, rule) | _ancestors(view, _with_rule(view, rule))
        p.page.click(f"#dj-rules button[data-rule='{rule}']")  # a second click shows everything again
        assert _shown_ids(p) == everything
        for s in ("high", "medium"):  # only low findings, and the tree above them
            p.page.uncheck(f"#dj-severity input[data-severity='{s}']")
        low = {n["id"] for n in view.nodes if any(f[0] == "low" for f in n["findings"])}
        assert _shown_ids(p) == low | _ancestors(view, low)
        p.page.click("#dj-reset")
        assert _shown_ids(p) == everything and p.page.is_checked("#dj-severity input[data-severity='high']")
        assert p.problems == [] and p.requests == [p.url]
    finally:
        p.close()


def test_overview_explains_its_colours_and_lists_findings_inside_a_community(browser, example_files):
    path, view = example_files["overview"]
    p = Opened(browser, path)
    try:
        assert "不等于没有党组织" in p.page.inner_text("#dj-colour-note")
        com = next(n for n in view.nodes if n.get("inside"))
        p.js(f"dangjianView.showDetails({_js(com['id'])})")
        body = p.page.inner_text("#dj-details-body")
        assert f"社区内的问题 ({len(com['inside'])})" in body
        assert all(title in body for _, _, title, _ in com["inside"])
    finally:
        p.close()


def test_table_sorts_exports_csv_prints_and_saves_a_png(browser, tmp_path):
    g = hostile_graph()
    view = build_view(g, "gaps", as_of=AS_OF)
    path = write_view(view, tmp_path / "gaps.html")
    p = Opened(browser, path)
    try:
        p.page.click("#dj-table-toggle")
        assert p.page.is_visible("#dj-table")
        heads = p.page.locator("#dj-table thead th")
        assert heads.count() == 5
        p.page.click("#dj-table thead th[data-key='count']")
        p.page.click("#dj-table thead th[data-key='count']")  # the second click: most findings first
        counts = [int(x) for x in p.page.locator("#dj-table tbody tr td:nth-child(4)").all_inner_texts()]
        assert counts == sorted(counts, reverse=True) and len(counts) == len(view.nodes)
        with p.page.expect_download() as d:
            p.page.click("#dj-csv")
        data = Path(d.value.path()).read_bytes().decode("utf-8")
        assert data.startswith("\ufeff名称,类型,区域,问题数,最高级别\r\n")
        import csv
        import io

        cells = [c for row in csv.reader(io.StringIO(data.lstrip("\ufeff"))) for c in row]
        assert cells and not any(c.lstrip().startswith(("=", "+", "-", "@")) for c in cells)  # no live formula
        p.page.select_option("#dj-table-mode", "findings")
        assert len(p.js("dangjianView.tableRows()")) == sum(len(n["findings"]) for n in view.nodes)
        with p.page.expect_download() as d:
            p.page.click("#dj-png")
        assert Path(d.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        p.page.emulate_media(media="print")  # the print stylesheet: the table and the graph, no controls
        assert not p.page.is_visible("#dj-fit") and not p.page.is_visible("#dj-search")
        assert p.page.is_visible("#dj-table") and p.page.is_visible("#dj-net")
        p.shot("print-media")
        p.page.emulate_media(media="screen")
        assert p.dialogs == [] and p.problems == [] and p.requests == [p.url]
    finally:
        p.close()


def test_search_tells_same_names_apart_puts_exact_names_first_and_says_when_capped(browser, tmp_path):
    from view_graphs import city_graph

    g = city_graph(60)
    g.add_node("X1", type="Area", name="星月社区", level="community")
    g.add_node("X2", type="Area", name="星月社区", level="community")
    g.add_node("X3", type="Area", name="星月社区东区", level="community")
    districts = [n for n, d in g.nodes(data=True) if d.get("level") == "street"][:2]
    g.add_edge(districts[0], "X1", type="CONTAINS")
    g.add_edge(districts[1], "X2", type="CONTAINS")
    g.add_edge(districts[1], "X3", type="CONTAINS")
    view = build_view(g, "overview", as_of=AS_OF)
    p = Opened(browser, write_view(view, tmp_path / "s.html"))
    try:
        p.page.fill("#dj-search", "星月社区")
        items = p.page.locator("#dj-results li[data-index]")
        assert items.count() == 3
        names = [items.nth(i).inner_text().split("\n")[0] for i in range(3)]
        assert names[0].startswith("星月社区") and names[2].startswith("星月社区东区")  # exact names first
        wheres = {p.page.locator("#dj-results li[data-index] .dj-where").nth(i).inner_text() for i in range(2)}
        assert len(wheres) == 2  # two 星月社区, told apart by where they are
        p.page.fill("#dj-search", "幸福")
        assert p.page.locator("#dj-results li[data-index]").count() == 20
        assert "仅显示前 20 条" in p.page.inner_text("#dj-results .dj-more")
        p.page.press("#dj-search", "Enter")
        assert p.page.inner_text("#dj-details-body .dj-name").startswith("幸福")
    finally:
        p.close()


def test_a_generated_city_filters_to_its_communities_with_no_organization_and_unfolds(browser, tmp_path):
    """On a synthesized 古城区 (every gap planted often), through the workspace's columns as the CLI
    reads them: the no-organization shortcut, a rule, the table and its CSV; then the same city
    folded (a view over the threshold opens folded) and unfolded level by level."""
    from dangjian.graph.store import Workspace, read_tables
    from dangjian.loaders.load import load_paths
    from dangjian.viz import views as V

    from conftest import planted_city

    db = tmp_path / "w.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [planted_city(tmp_path / "rosters", seed=7)])
    tables = read_tables(db)
    view = build_view(tables, "overview", as_of=AS_OF)
    named = _with_rule(view, "community-without-org")
    assert len(named) >= 3
    p = Opened(browser, write_view(view, tmp_path / "overview.html"))
    try:
        p.page.click("#dj-no-org")
        assert _shown_ids(p) == named | _ancestors(view, named)
        p.page.click("#dj-table-toggle")
        with p.page.expect_download() as d:
            p.page.click("#dj-csv")
        import csv
        import io

        rows = list(csv.reader(io.StringIO(Path(d.value.path()).read_text(encoding="utf-8-sig"))))
        assert sorted(r[0] for r in rows[1:]) == sorted(n["name"] for n in view.nodes if n["id"] in named)
        p.shot("generated-city-no-organization")
    finally:
        p.close()
    old = V.FOLD_AT
    V.FOLD_AT = 50  # the same city over the threshold: it opens folded
    try:
        folded_view = build_view(tables, "overview", as_of=AS_OF)
    finally:
        V.FOLD_AT = old
    p = Opened(browser, write_view(folded_view, tmp_path / "folded.html"))
    try:
        opening = _shown_ids(p)
        assert len(opening) <= V.OPEN_MAX < len(folded_view.nodes)
        first = p.js("dangjianView.folded()")[0]
        p.click_node(first)  # a click unfolds one level
        after = _shown_ids(p)
        assert opening < after and {k for k, v in folded_view.parents.items() if v == first} <= after
        p.shot("generated-city-unfolded")
        p.click_node(first)  # and folds it again
        assert _shown_ids(p) == opening
        assert p.problems == [] and p.requests == [p.url]
    finally:
        p.close()
