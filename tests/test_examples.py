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
        assert result.rejected == 0 and result.read == result.loaded == 261
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
        hits = [f for f in findings if f["entity"] == entity and f["rule"] == rule_id]
        assert len(hits) == 1, (rule_id, entity)
        assert [f["entity"] for f in findings if f["rule"] == rule_id] == [entity]
    high = {(f["rule"], f["entity"]) for f in findings if f["severity"] == "high"}
    assert high <= DELIBERATE, high - DELIBERATE
