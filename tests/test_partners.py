"""Rebalancing partner units: the plan meets the minimum wherever units can, prefers units of the
same community and then of the same street, never takes a community below the minimum by a move,
meets as much as a maximum flow can, and reads the same from the CLI."""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.queries.coconstruction import partners_by_community
from dangjian.queries.index import GraphIndex
from dangjian.queries.partners import suggest_partners

from conftest import EXAMPLE, planted_city

AS_OF = "2026-11-22"
runner = CliRunner()


def _city(streets: dict[str, list[str]], units: dict[str, str], agreements: list[tuple[str, str]]) -> nx.MultiDiGraph:
    """A district with streets of communities, units located in communities, and agreements in
    force (community, unit) signed by each community's organization."""
    g = nx.MultiDiGraph()
    g.add_node("d", type="Area", name="古城区", level="district")
    for s, cs in streets.items():
        g.add_node(s, type="Area", name=s + "街道", level="street")
        g.add_edge("d", s, type="CONTAINS")
        for c in cs:
            g.add_node(c, type="Area", name=c + "社区", level="community")
            g.add_edge(s, c, type="CONTAINS")
            g.add_node("o" + c, type="PartyOrg", name=c + "党支部", kind="branch")
            g.add_edge("o" + c, c, type="ANCHORED_IN")
    for u, c in units.items():
        g.add_node(u, type="Unit", name=u + "公司")
        g.add_edge(u, c, type="LOCATED_IN")
    for i, (c, u) in enumerate(agreements):
        a = f"a{i}"
        g.add_node(a, type="Agreement", name=f"协议{i}", signed_on="2026-01-01")
        g.add_edge("o" + c, a, type="PARTY_TO", side="community")
        g.add_edge(u, a, type="PARTY_TO", side="unit")
    return g


def _after(g, plan) -> dict[str, set[str]]:
    have = {c: set(us) for c, us in partners_by_community(GraphIndex(g, AS_OF)).items()}
    for m in plan["moves"]:
        have.setdefault(m["to"], set()).add(m["unit"])
        if m["from"] is not None:
            have[m["from"]].discard(m["unit"])
    return have


def test_units_of_the_same_community_then_the_same_street_are_asked_first():
    g = _city({"s1": ["c1", "c2"], "s2": ["c3"]}, {"u1": "c1", "u2": "c2", "u3": "c3"}, [])
    plan = suggest_partners(g, min_partners=1, as_of=AS_OF)
    assert sorted((m["unit"], m["to"], m["nearness"]) for m in plan["moves"]) == [
        ("u1", "c1", "community"), ("u2", "c2", "community"), ("u3", "c3", "community")]
    # c2 has no unit of its own: the unit of its street, not the one of another street
    g = _city({"s1": ["c1", "c2"], "s2": ["c3"]}, {"u1": "c1", "u1b": "c1", "u3": "c3"}, [])
    plan = suggest_partners(g, min_partners=1, as_of=AS_OF)
    to_c2 = [m for m in plan["moves"] if m["to"] == "c2"]
    assert [(m["unit"][:2], m["nearness"]) for m in to_c2] == [("u1", "street")]
    assert plan["after"] == {"communities": 3, "short": 0, "missing": 0}


def test_a_unit_with_no_agreement_is_asked_before_one_with_some():
    g = _city({"s1": ["c1", "c2"]}, {"busy": "c1", "free": "c1"}, [("c1", "busy")])
    plan = suggest_partners(g, min_partners=1, as_of=AS_OF)
    assert [(m["unit"], m["to"]) for m in plan["moves"]] == [("free", "c2")]


def test_moves_take_from_communities_with_partners_to_spare_only():
    # no unit may take a new agreement (per_unit 0): c2 gets a partner moved from c1, which has two
    g = _city({"s1": ["c1", "c2", "c3"]}, {"u1": "c1", "u2": "c1", "u3": "c3"}, [("c1", "u1"), ("c1", "u2"), ("c3", "u3")])
    plan = suggest_partners(g, min_partners=1, per_unit=0, as_of=AS_OF)
    (m,) = plan["moves"]
    assert (m["action"], m["from"], m["to"]) == ("move", "c1", "c2")
    after = _after(g, plan)
    assert all(len(after[c]) >= 1 for c in ("c1", "c2", "c3"))
    assert suggest_partners(g, min_partners=1, per_unit=0, moves=False, as_of=AS_OF)["unmet"][0]["id"] == "c2"


def test_what_no_unit_can_meet_is_listed():
    g = _city({"s1": ["c1", "c2"]}, {"u1": "c1"}, [])
    plan = suggest_partners(g, min_partners=2, per_unit=2, as_of=AS_OF)
    assert plan["before"] == {"communities": 2, "short": 2, "missing": 4}
    assert plan["after"]["missing"] == 2  # one unit, for two agreements: two of four
    assert {r["id"]: r["missing"] for r in plan["unmet"]} == {"c1": 1, "c2": 1}
    assert suggest_partners(g, min_partners=0, as_of=AS_OF)["moves"] == []  # a config's 0: nobody is short
    with pytest.raises(ValueError):
        suggest_partners(g, min_partners=-1, as_of=AS_OF)


@st.composite
def _districts(draw):
    n_streets = draw(st.integers(1, 3))
    streets = {f"s{i}": [f"c{i}{j}" for j in range(draw(st.integers(1, 3)))] for i in range(n_streets)}
    communities = [c for cs in streets.values() for c in cs]
    units = {f"u{k}": draw(st.sampled_from(communities)) for k in range(draw(st.integers(0, 6)))}
    pairs = draw(st.lists(st.tuples(st.sampled_from(communities), st.sampled_from(sorted(units) or ["-"])),
                          max_size=6, unique=True)) if units else []  # fmt: skip
    return streets, units, pairs, draw(st.integers(1, 3)), draw(st.integers(0, 2)), draw(st.booleans())


@settings(max_examples=60, deadline=None)
@given(_districts())
def test_the_plan_is_valid_and_meets_as_much_as_a_maximum_flow(case):
    streets, units, pairs, minimum, per_unit, moves = case
    g = _city(streets, units, pairs)
    plan = suggest_partners(g, min_partners=minimum, per_unit=per_unit, moves=moves, as_of=AS_OF)
    before = {c: set(us) for c, us in partners_by_community(GraphIndex(g, AS_OF)).items()}
    after = _after(g, plan)
    communities = [c for cs in streets.values() for c in cs]
    added = Counter(m["unit"] for m in plan["moves"] if m["action"] == "add")
    assert all(n <= per_unit for n in added.values())
    assert len({(m["unit"], m["to"]) for m in plan["moves"]}) == len(plan["moves"])  # never twice to one community
    for m in plan["moves"]:
        assert m["unit"] not in before.get(m["to"], set())
        if m["action"] == "move":
            assert moves and m["unit"] in before[m["from"]]
    for c in communities:  # a move never takes a community below the minimum, nor below what it had
        assert len(after.get(c, ())) >= min(minimum, len(before.get(c, ())))
    missing = sum(max(0, minimum - len(after.get(c, ()))) for c in communities)
    assert plan["after"]["missing"] == missing
    if not moves:  # adds only: as much as a maximum flow of units to communities meets
        f = nx.DiGraph()
        for u in units:
            f.add_edge("s", u, capacity=per_unit)
            for c in communities:
                if u not in before.get(c, set()):
                    f.add_edge(u, c, capacity=1)
        for c in communities:
            f.add_edge(c, "t", capacity=max(0, minimum - len(before.get(c, ()))))
        best = nx.maximum_flow_value(f, "s", "t") if units else 0
        assert plan["before"]["missing"] - missing == best


def test_cli_plan_table_json_and_workbook(tmp_path):
    db = tmp_path / "w.db"
    assert runner.invoke(app, ["load", str(EXAMPLE), "--db", str(db)]).exit_code == 0
    r = runner.invoke(app, ["suggest", "partners", "--json", "--min", "3", "--db", str(db), "--as-of", AS_OF])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout)
    assert plan["min_partners"] == 3 and plan["moves"]
    gaps = json.loads(runner.invoke(app, ["gaps", "--json", "--rule", "community-few-partners", "--config",
                                          str(_config(tmp_path, 3)), "--db", str(db), "--as-of", AS_OF]).stdout)  # fmt: skip
    assert plan["before"]["short"] == len(gaps["findings"])  # the rule and the plan count the same communities
    by_config = runner.invoke(app, ["suggest", "partners", "--json", "--config", str(_config(tmp_path, 3)),
                                    "--db", str(db), "--as-of", AS_OF])  # fmt: skip
    assert json.loads(by_config.stdout)["moves"] == plan["moves"]
    text = runner.invoke(app, ["suggest", "partners", "--min", "3", "--db", str(db), "--as-of", AS_OF]).stdout
    assert "共建单位调配方案（每个社区至少 3 个共建单位）" in text and "调配前后" in text
    out = tmp_path / "调配.xlsx"
    r = runner.invoke(app, ["suggest", "partners", "--min", "3", "--format", "xlsx", "-o", str(out), "--db", str(db)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["调配方案", "调配前后"] and wb["调配方案"].max_row == 1 + len(plan["moves"])
    ok = runner.invoke(app, ["suggest", "partners", "--db", str(db), "--as-of", AS_OF, "--min", "1", "--area", "祥和街道"])
    assert ok.exit_code == 0 and "彩云社区" in ok.stdout
    r = runner.invoke(app, ["suggest", "partners", "--area", "没有这个地方", "--db", str(db)])
    assert r.exit_code == 1 and len(r.stderr.strip().splitlines()) == 1


def _config(tmp_path, n: int):
    p = tmp_path / "rules.yaml"
    p.write_text(f"rules:\n  community-few-partners: {{min_partners: {n}}}\n", encoding="utf-8")
    return p


def test_plans_and_people_findings_are_the_same_in_every_process(tmp_path):
    """String hashing changes from process to process: nothing of a plan or a finding may follow it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    rosters = tmp_path / "r"
    db = tmp_path / "w.db"
    dj = [str(Path(sys.executable).with_name("dangjian"))]
    planted_city(rosters, seed=1)  # gaps planted often: people serving communities and villages at once
    assert subprocess.run(dj + ["load", str(rosters), "--db", str(db)], capture_output=True).returncode == 0
    outs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        plan = subprocess.run(dj + ["suggest", "partners", "--json", "--min", "3", "--db", str(db), "--as-of", AS_OF],
                              capture_output=True, env=env, text=True)  # fmt: skip
        people = subprocess.run(dj + ["gaps", "--json", "--rule", "person-many-communities", "--db", str(db),
                                      "--as-of", AS_OF], capture_output=True, env=env, text=True)  # fmt: skip
        assert plan.returncode == people.returncode == 0, plan.stderr + people.stderr
        outs.append((plan.stdout, people.stdout))
    assert json.loads(outs[0][1])["findings"]  # something to compare
    assert outs[0] == outs[1] == outs[2]
