"""Synthetic data over real areas: it loads through the ordinary roster path with no rejects, and the
gap rules find exactly the planted gaps (precision and recall 1.0 for every rule) over several
seeds; the same seed writes the same files. At a report's size the statistics are the report's."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.build import to_networkx
from dangjian.graph.errors import InputError
from dangjian.graph.schema import model
from dangjian.graph.store import Workspace
from dangjian.loaders import load_paths
from dangjian.loaders.divisions import division_rows, shipped_divisions
from dangjian.queries import rules_registry, run_rules
from dangjian.queries.stats import area_stats
from dangjian.synth import PLANTED_RULES, PRESETS, choose, synthesize, write_plan
from dangjian.synth.generate import COLUMNS, roster_headers

AS_OF = "2026-11-22"


def _graph(tmp_path, plan):
    write_plan(plan, tmp_path / "rosters")
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [tmp_path / "rosters"])
        return to_networkx(ws), result


def _found(tmp_path, plan) -> tuple[set, object]:
    g, result = _graph(tmp_path, plan)
    return {(f.rule, f.entity) for f in run_rules(g, as_of=AS_OF)}, result


def _score(found: set, truth: set) -> dict[str, tuple[float, float]]:
    rules = {r for r, _ in found | truth}
    out = {}
    for rule in rules:
        f = {x for x in found if x[0] == rule}
        t = {x for x in truth if x[0] == rule}
        out[rule] = (len(f & t) / len(f) if f else 1.0, len(f & t) / len(t) if t else 1.0)
    return out


def _assert_found_exactly(g, plan) -> None:
    """The rules find exactly the planted gaps; shown when they differ: (precision, recall) by rule."""
    found = {(f.rule, f.entity) for f in run_rules(g, as_of=AS_OF)}
    scores = _score(found, set(plan.truth))
    assert found == set(plan.truth), {r: x for r, x in scores.items() if x != (1.0, 1.0)}


def _at_report_size(tmp_path, region: str, preset: str, seed: int, communities: int):
    """The preset's plan over so many communities of the region, loaded with no reject: the plan, the
    graph and its statistics."""
    plan = synthesize(shipped_divisions(), region, preset, seed=seed, as_of=AS_OF, communities=communities)
    g, result = _graph(tmp_path, plan)
    assert result.rejected == 0
    return plan, g, area_stats(g, as_of=AS_OF)


def _divisions(region: str) -> tuple[list[dict], dict[str, str], dict[str, str]]:
    """The shipped extract's rows under ``region``, and each code's level and parent."""
    rows = list(division_rows(shipped_divisions(), region))
    return rows, {r["code"]: r["level"] for r in rows}, {r["code"]: r["parent"] for r in rows}


@pytest.mark.parametrize(("region", "preset", "seed"), [
    *((region, preset, seed) for region, preset in (("430111", "yuhua"), ("530702", "lijiang")) for seed in (1, 2, 3)),
    ("230881", "tongjiang", 1), ("510104", "chengdu", 1), ("510104", "chengdu", 2)])  # fmt: skip
def test_rules_find_exactly_the_planted_gaps(tmp_path, region, preset, seed):
    plan = synthesize(shipped_divisions(), region, preset, seed=seed, as_of=AS_OF)
    found, result = _found(tmp_path, plan)
    assert result.rejected == 0 and result.read == result.loaded == sum(plan.counts().values())
    scores = _score(found, set(plan.truth))  # shown when they differ: (precision, recall) by rule
    assert found == set(plan.truth), {r: s for r, s in scores.items() if s != (1.0, 1.0)}


def test_report_size_picks_the_reports_streets():
    # 丽江 2011: 49 communities, 23 under 4 streets, 26 under townships (the extract has 19 communities in
    # townships today, so 7 villages make up the number)
    rows, level, parent = _divisions("5307")
    keep = choose(rows, 49, PRESETS["lijiang"].report)
    places = [c for c in keep if level[c] in ("community", "village")]
    assert len(places) == 49
    assert Counter(level[parent[c]] for c in places) == {"street": 23, "township": 26}
    assert len({parent[c] for c in places if level[parent[c]] == "street"}) == 4
    assert Counter(level[c] for c in places) == {"community": 42, "village": 7}
    assert all(parent[c] in keep or not parent[c] for c in keep)  # with everything above them, nothing else
    assert len(choose(rows, 5)) > 5 and len([c for c in choose(rows, 5) if level[c] == "community"]) == 5


@pytest.mark.parametrize("seed", [1, 2])
def test_lijiang_at_report_size_gives_the_reports_figures(tmp_path, seed):
    plan, g, s = _at_report_size(tmp_path, "5307", "lijiang", seed, 49)
    assert s["communities"]["total"] == s["communities"]["with_org"] == 49
    kinds = s["organizations"]["by_kind"]
    # the report's 239 community-level organizations; the townships' committees (党委) it does not count
    assert (kinds["working_committee"], kinds["general_branch"], kinds["branch"]) == (4, 33, 202)
    assert set(kinds) == {"working_committee", "general_branch", "branch", "committee"}
    assert s["members"]["total"] == 4995
    assert s["two_way_reporting"]["in_service_residents"] == 2320 and s["two_way_reporting"]["reported"] == 1262
    truth = Counter(r for r, _ in plan.truth)
    assert truth["venue-under-standard"] == 7 and truth["member-not-reported"] == 2320 - 1262
    assert sum(1 for p in plan.rows["Post"] if p["role"] == "第一书记") == 49
    _assert_found_exactly(g, plan)


@pytest.mark.parametrize("seed", [1, 2])
def test_yuhua_at_report_size_gives_the_reports_figures(tmp_path, seed):
    plan, g, s = _at_report_size(tmp_path, "430111", "yuhua", seed, 78)
    assert (s["communities"]["total"], s["communities"]["with_org"]) == (78, 73)
    m = s["members"]
    assert m["total"] == 3791 and m["by_situation"]["mobile"] == 314
    assert m["by_age"] == {"under_35": 847, "35_to_60": 1872, "over_60": 1072}
    assert m["college_or_above"] == 1668
    assert (s["units"]["two_new_eligible"], s["units"]["two_new_eligible_with_org"]) == (39, 25)
    truth = Counter(r for r, _ in plan.truth)
    assert truth["community-without-org"] == 5 and truth["unit-needs-own-branch"] == 39 - 25
    found = {(f.rule, f.entity) for f in run_rules(g, as_of=AS_OF)}
    assert found == set(plan.truth)


@pytest.mark.parametrize("seed", [1, 2])
def test_tongjiang_at_report_size_gives_the_reports_figures(tmp_path, seed):
    # 同江市 2018: 9 communities, each with a general branch; 160 resident units with 2,174 in-service
    # members reported; 120 grid leaders; 9 liaison leaders; 45 joint meetings, 71 matters settled; 21
    # volunteer teams; 16 shared venues; 10,004 m² of venues
    plan, g, s = _at_report_size(tmp_path, "230881", "tongjiang", seed, 9)
    c = s["as_reports_count"]
    assert s["communities"]["total"] == s["communities"]["with_org"] == 9
    assert c["communities_by_own_org"] == {"general_branch": 9}
    assert (c["units_with_reported_members"], c["unit_members_reported"]) == (160, 2174)
    assert (c["grid_leaders"], c["liaison_leaders"]) == (120, 9)
    assert (s["activities"]["meetings"], s["matters"]["settled"]) == (45, 71)
    assert s["volunteer_teams"]["total"] == 21 and c["shared_venues"] == 16
    assert c["venues"]["total_m2"] == 10004
    truth = Counter(r for r, _ in plan.truth)
    # the report's 9 general branches hold over 100 members each: the finding its structure implies
    assert truth["large-org-not-committee"] == 9 and truth["community-no-liaison"] == 0
    _assert_found_exactly(g, plan)


def test_chengdu_at_report_size_gives_the_reports_figures(tmp_path):
    # 成都市 ~2015: 1,396 communities under 103 streets, counted by the kind of their own organization
    # (113 committees, 202 general branches, 1,081 branches); 65,760 members; community committee >
    # compound branch > building group
    plan, g, s = _at_report_size(tmp_path, "5101", "chengdu", 1, 1396)
    c = s["as_reports_count"]
    assert s["communities"]["total"] == s["communities"]["with_org"] == 1396
    assert c["streets"] == 103 and c["communities"]["under_street"]["total"] == 1396
    assert c["communities_by_own_org"] == {"committee": 113, "general_branch": 202, "branch": 1081}
    assert s["members"]["total"] == 65760
    # the groups sit in buildings under the compounds' branches
    groups = [o for o in plan.rows["PartyOrg"] if o["kind"] == "党小组"]
    kind = {o["id"]: o["kind"] for o in plan.rows["PartyOrg"]}
    level = {a["id"]: a["level"] for a in plan.rows["Area"]}
    assert len(groups) > 1000 and {(kind[o["parent"]], level[o["area"]]) for o in groups} == {("党支部", "楼栋")}
    _assert_found_exactly(g, plan)


def test_report_size_picks_streets_that_make_the_number():
    # 成都 today has 161 streets with 1,373 communities and 507 villages: 103 of them, whole, make 1,396
    rows, level, parent = _divisions("5101")
    keep = choose(rows, 1396, PRESETS["chengdu"].report)
    places = [c for c in keep if level[c] in ("community", "village")]
    streets = {parent[c] for c in places}
    assert len(places) == 1396 and len(streets) == 103 and {level[x] for x in streets} == {"street"}
    whole = Counter(parent[r["code"]] for r in rows if level[r["code"]] in ("community", "village"))
    assert all(whole[x] == sum(1 for c in places if parent[c] == x) for x in streets)


def test_fewer_communities_than_the_report(tmp_path):
    plan = synthesize(shipped_divisions(), "430111", "yuhua", seed=4, as_of=AS_OF, communities=12)
    assert sum(1 for r in plan.rows["Area"] if r["level"] == "社区") == 12
    found, result = _found(tmp_path, plan)
    assert result.rejected == 0 and found == set(plan.truth)


def test_every_plantable_rule_is_planted_and_found(tmp_path):
    dense = dataclasses.replace(PRESETS["lijiang"], gaps={r: 0.2 for r in PLANTED_RULES})
    plan = synthesize(shipped_divisions(), "430111", dense, seed=7, as_of=AS_OF)
    planted = Counter(r for r, _ in plan.truth)
    assert set(planted) == set(PLANTED_RULES)
    assert set(PLANTED_RULES) == set(rules_registry()) - {"community-no-first-secretary"}  # off unless configured
    found, _ = _found(tmp_path, plan)
    assert found == set(plan.truth)


def test_clean_layer_has_no_findings(tmp_path):
    clean = dataclasses.replace(PRESETS["lijiang"], gaps={})
    plan = synthesize(shipped_divisions(), "530702003", clean, seed=3, as_of=AS_OF)
    found, result = _found(tmp_path, plan)
    assert plan.truth == [] and found == set() and result.read > 500


def test_same_seed_same_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, 5), (b, 5), (c, 6)):
        write_plan(synthesize(shipped_divisions(), "530702003", "chengdu", seed=seed, as_of=AS_OF), out)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir()) and "ground_truth.json" in files
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / "党员.csv").read_bytes() != (c / "党员.csv").read_bytes()


def test_rows_are_keyed_by_the_schemas_names(tmp_path):
    """The plan's rows by type name and property name; the files by the model's Chinese roster names
    and column labels, each cell under the label of its property."""
    plan = synthesize(shipped_divisions(), "530702003", "lijiang", seed=2, as_of=AS_OF, communities=3)
    assert list(plan.rows) == list(COLUMNS) and all(plan.rows.values())
    for t, rows in plan.rows.items():
        assert set().union(*rows) <= set(COLUMNS[t]), t  # no key the writer would leave out
    written = write_plan(plan, tmp_path)
    assert list(written) == [f"{name}.csv" for name in roster_headers()] + ["ground_truth.json"]
    member = model().record("Member")
    header, first = (tmp_path / f"{member.roster['zh']}.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.split(",") == [member.prop(c).label("zh") for c in COLUMNS["Member"]]
    row = plan.rows["Member"][0]
    assert first.split(",") == [str(row.get(c, "")) for c in COLUMNS["Member"]]


def test_scale_scales_members():
    small = synthesize(shipped_divisions(), "530702003", "tongjiang", seed=1, as_of=AS_OF).counts()["Member"]
    big = synthesize(shipped_divisions(), "530702003", "tongjiang", seed=1, scale=3, as_of=AS_OF).counts()["Member"]
    assert 2.2 < big / small < 3.8


def test_bad_input():
    with pytest.raises(InputError, match="没有预设"):
        synthesize(shipped_divisions(), "5307", "shanghai")
    with pytest.raises(InputError, match="scale"):
        synthesize(shipped_divisions(), "5307", "lijiang", scale=0)
    with pytest.raises(InputError, match="没有代码为"):
        synthesize(shipped_divisions(), "11", "lijiang")
    with pytest.raises(InputError, match="应为 1 至 65"):
        synthesize(shipped_divisions(), "530702", "lijiang", communities=66)


def test_cli_synth(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["synth", "--region", "530702003", "--preset", "yuhua", "-o", str(tmp_path / "s"),
                            "--as-of", AS_OF, "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    truth = json.loads((tmp_path / "s" / "ground_truth.json").read_text(encoding="utf-8"))
    assert data["files"]["ground_truth.json"] == len(truth["findings"]) and truth["as_of"] == AS_OF
    assert truth["preset"] == "yuhua" and truth["seed"] == 1
    r = runner.invoke(app, ["synth", "--region", "530702003", "--preset", "lijiang", "--communities", "3",
                            "-o", str(tmp_path / "c"), "--as-of", AS_OF])  # fmt: skip
    assert r.exit_code == 0, r.output
    truth = json.loads((tmp_path / "c" / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["communities"] == 3
    r = runner.invoke(app, ["synth", "--region", "530702003", "--preset", "nowhere", "-o", str(tmp_path / "x")])
    assert r.exit_code == 1 and "没有预设" in r.stderr and "Traceback" not in r.output
