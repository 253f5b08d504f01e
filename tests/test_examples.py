"""The shipped examples: the street loads cleanly; the messy file shows exactly its documented rejects."""

from __future__ import annotations

from pathlib import Path

from dangjian.graph.build import to_networkx
from dangjian.graph.store import Workspace
from dangjian.loaders.load import load_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# examples/README.md: the messy file's bad rows, by line
MESSY_REJECTS = [
    (9, "bad_enum"), (10, "bad_date"), (11, "bad_id_check"), (12, "unknown_ref"),
    (13, "missing_required"), (14, "duplicate_conflict"),
]  # fmt: skip


def test_street_loads_without_rejects_and_uses_every_type(tmp_path):
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [EXAMPLES / "xianghe"])
        assert result.rejected == 0 and result.read == result.loaded == 302
        g = to_networkx(ws)
    from dangjian.graph.schema import model

    m = model()
    assert {d for _, d in g.nodes(data="type")} == set(m.nodes)
    assert {d["type"] for _, _, d in g.edges(data=True)} == set(m.edges)
    # six communities of 祥和街道, with their official codes
    communities = [n for n, d in g.nodes(data=True) if d.get("level") == "community"]
    assert sorted(communities) == [f"530702003{i:03d}" for i in range(1, 7)]


def test_messy_file_counts_add_up_and_rejects_are_the_documented_ones(tmp_path):
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        result = load_paths(ws, [EXAMPLES / "messy"])
    (sheet,) = result.sheets
    assert sheet["encoding"] == "gb18030" and sheet["header_row"] == 2 and sheet["ignored_columns"] == []
    assert result.read == 12 == result.loaded + result.merged + result.skipped + result.rejected
    assert (result.loaded, result.rejected) == (6, 6)
    assert sorted((r.source[2], r.code) for r in result.of_kind("reject")) == MESSY_REJECTS
    # 王秀兰 is written 男, and her ID number says female: loaded as written, with a warning
    assert [(r.source[2], r.code, r.column) for r in result.of_kind("warning")] == [(14, "id_contradiction", "性别")]


# examples/README.md: what the 花名册 does, line by line (4-11 members, 12 a typo, 13-14 footers)
HUAMINGCE = {
    "loaded": {4, 5, 6, 7, 8, 9, 10, 11},
    "entries": [(9, "warning", "imprecise_date"), (12, "reject", "unknown_ref"), (13, "skip", "footer_row"),
                (14, "skip", "footer_row")],
    "notes": {"merged_filled", "absent_columns", "hidden_sheet"},
}  # fmt: skip


def test_a_real_looking_huamingce_loads_every_row_or_says_why(tmp_path):
    """Traditional characters, no 党员情况 and no 出生日期 column, merged cells, footers, a hidden
    sheet: every data row is loaded or in the report, in Chinese."""
    report = tmp_path / "r.csv"
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        result = load_paths(ws, [EXAMPLES / "huamingce"], rejects_path=report)
        members = {n.source[2]: n for n in ws.iter_nodes() if n.source[0].endswith("花名册.xlsx")}
    assert set(members) == HUAMINGCE["loaded"]
    assert sorted((r.source[2], r.kind, r.code) for r in result.rejects if r.kind != "note") == HUAMINGCE["entries"]
    assert {r.code for r in result.of_kind("note")} == HUAMINGCE["notes"]
    c = result.by_type["Member"]
    assert (c.read, c.new, c.skipped, c.rejected) == (11, 8, 2, 1) and c.add_up()
    for node in members.values():  # birth date and sex from the ID number; the branch filled down
        assert node.props["birth_date"] and node.props["sex"] in ("male", "female") and "situation" not in node.props
    assert members[5].name == "和建國" and members[5].props["org"] == "PO-XH-031"
    assert members[10].props["org"] == "PO-XH-032"  # 流動黨員黨支部, merged over rows 10-11
    text = report.read_text(encoding="utf-8-sig")
    assert "是否想填：祥云社区居民党支部" in text and "孙玉梅" not in text and "孫玉梅" not in text


# examples/README.md: the deliberate gaps, each with the rule that must find it
DELIBERATE = {
    ("community-without-org", "530702003006"),  # 彩云社区
    ("unit-needs-own-branch", "U-XH-09"),
    ("member-not-reported", "M0062"),
    ("term-overdue", "PO-XH-108"),
    ("agreement-expired", "AG-XH-08"),
}


def test_each_deliberate_gap_is_found_exactly_once_and_nothing_else_is_high(tmp_path):
    from dangjian.queries import run_rules

    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        g = to_networkx(ws)
    findings = run_rules(g, as_of="2026-11-22")
    for rule_id, entity in DELIBERATE:
        hits = [f for f in findings if f.entity == entity and f.rule == rule_id]
        assert len(hits) == 1, (rule_id, entity)
        assert [f.entity for f in findings if f.rule == rule_id] == [entity]
    high = {(f.rule, f.entity) for f in findings if f.severity == "high"}
    assert high <= DELIBERATE, high - DELIBERATE


def test_volunteer_teams_load_count_and_draw(tmp_path):
    """志愿服务队: a type of the schema, loaded from its roster (the template has it), counted by stats,
    drawn in the community it serves."""
    from dangjian.loaders.template import write_templates
    from dangjian.queries.stats import area_stats, stats_rows
    from dangjian.viz import build_view

    assert any("志愿服务队" in p.name for p in write_templates(tmp_path / "templates"))
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        g = to_networkx(ws)
    teams = area_stats(g, as_of="2026-11-22")["volunteer_teams"]
    assert teams == {"total": 3, "members_listed": 7, "volunteers": 39}  # 12 + 18 + 9 on the roster
    assert area_stats(g, "祥云社区", as_of="2026-11-22")["volunteer_teams"]["total"] == 1
    assert ("志愿服务队", "3") in stats_rows(area_stats(g, as_of="2026-11-22"), "zh")
    members = {u for u, v, d in g.edges(data=True) if d["type"] == "VOLUNTEERS_IN" and v == "VT-XH-02"}
    assert members == {"M0019", "M0021", "M0022", "M0023"}
    view = build_view(g, "community", "祥云社区", as_of="2026-11-22")
    assert [(n["id"], n["group"]) for n in view.nodes if n["group"] == "team"] == [("VT-XH-02", "team")]


def test_funds_are_counted_apart_from_the_self_governance_subsidy(tmp_path):
    from dangjian.queries import run_rules
    from dangjian.queries.stats import area_stats

    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        g = to_networkx(ws)
    funds = area_stats(g, as_of="2026-11-22")["funds"]
    assert (funds["party_work_total"], funds["self_governance_subsidy_total"]) == (390000, 160200)
    assert run_rules(g, as_of="2026-11-22", rules=["funds-under-standard"]) == []  # every community meets it
    evals = area_stats(g, as_of="2026-11-22")["evaluations"]
    assert (evals["last_12_months"], evals["members_evaluated"]) == (11, 11) and sum(evals["by_grade"].values()) == 11
    short = run_rules(g, as_of="2026-11-22", rules=["funds-under-standard"],
                      config={"funds-under-standard": {"per_member_yuan": 10000}})  # fmt: skip
    assert short and {f.facts["basis"] for f in short} == {"members"}
