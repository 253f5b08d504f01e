"""What changed since the last check: snapshots kept in the workspace, ``diff``, ``gaps --since`` and
``report --since``, checked against the findings the same workspace gives on each date."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph import Workspace
from dangjian.queries.changes import compare, take_snapshot

from conftest import EXAMPLE, write_csv

runner = CliRunner()
Q1, Q4 = "2025-01-01", "2026-11-22"


def _run(*args: str):
    return runner.invoke(app, list(args))


def _ok(*args: str):
    r = _run(*args)
    assert r.exit_code == 0, r.output
    return r


def _keys(findings) -> set[tuple[str, str]]:
    return {(f["rule"], f["entity"]) for f in findings}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    w = tmp_path / "w.db"
    _ok("load", str(EXAMPLE), "--db", str(w))
    _ok("snapshot", "save", "Q1", "--db", str(w), "--as-of", Q1)
    _ok("snapshot", "save", "Q4", "--db", str(w), "--as-of", Q4)
    return w


def _gaps(db: Path, as_of: str) -> list[dict]:
    return json.loads(_ok("gaps", "--json", "--db", str(db), "--as-of", as_of).stdout)["findings"]


def test_diff_of_two_snapshots_is_the_difference_of_their_findings(db):
    d = json.loads(_ok("diff", "Q1", "Q4", "--json", "--db", str(db)).stdout)
    then, now = _keys(_gaps(db, Q1)), _keys(_gaps(db, Q4))
    assert then != now
    assert _keys(d["findings"]["new"]) == now - then
    assert _keys(d["findings"]["resolved"]) == then - now
    assert _keys(d["findings"]["open"]) == now & then
    assert (d["from"], d["to"]) == ({"name": "Q1", "as_of": Q1}, {"name": "Q4", "as_of": Q4})
    rows = d["by_street"]
    for kind in ("new", "resolved", "open"):  # each finding counted in one street (or under none)
        assert sum(r[kind] for r in rows) == len(d["findings"][kind])
    assert {r["name"] for r in rows if r["street"]} == {"祥和街道"}
    reported = next(f for f in d["figures"] if f["key"] == "two_way_reporting.reported")
    assert reported["change"] == reported["after"] - reported["before"]


def test_diff_with_the_workspace_now_equals_a_snapshot_of_now(db):
    by_snapshot = json.loads(_ok("diff", "Q1", "Q4", "--json", "--db", str(db)).stdout)
    now = json.loads(_ok("diff", "Q1", "--json", "--db", str(db), "--as-of", Q4).stdout)
    assert now["to"] == {"name": None, "as_of": Q4}
    assert now["findings"] == by_snapshot["findings"] and now["by_street"] == by_snapshot["by_street"]


def test_a_load_after_the_snapshot_shows_what_it_resolved_and_added(db, tmp_path):
    # 彩云社区 has no organization in the example; a roster of one more organization gives it one
    path = EXAMPLE / "党组织.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        head = next(csv.reader(fh))
    row = dict.fromkeys(head, "")
    row.update({"组织编码": "PO-XH-099", "党组织名称": "彩云社区党支部", "组织类别": "党支部", "上级党组织": "PO-XH-001",
                "所在区域": "530702003006", "成立日期": "2026-10-01", "本届选举日期": "2026-10-01", "任期年限": "3"})
    extra = write_csv(tmp_path / "more" / "党组织.csv", [head, [row[h] for h in head]])
    _ok("load", str(extra), "--db", str(db))
    d = json.loads(_ok("diff", "Q4", "--json", "--db", str(db), "--as-of", Q4).stdout)
    assert ("community-without-org", "530702003006") in _keys(d["findings"]["resolved"])
    assert d["entities"]["added"] == {"PartyOrg": 1} and d["entities"]["removed"] == {}
    (added,) = d["entities"]["added_list"]
    assert (added["id"], added["name"]) == ("PO-XH-099", "彩云社区党支部")
    street = next(r for r in d["by_street"] if r["name"] == "祥和街道")
    assert street["added"] == 1 and street["resolved"] >= 1
    table = _ok("diff", "Q4", "--db", str(db), "--as-of", Q4).stdout
    assert "已销号" in table and "彩云社区" in table and "新增实体 1 个" in table


def test_gaps_since_marks_each_finding_and_lists_the_resolved(db):
    g = json.loads(_ok("gaps", "--json", "--since", "Q1", "--db", str(db), "--as-of", Q4).stdout)
    d = json.loads(_ok("diff", "Q1", "--json", "--db", str(db), "--as-of", Q4).stdout)
    assert {(f["rule"], f["entity"]) for f in g["findings"] if f["change"] == "new"} == _keys(d["findings"]["new"])
    assert {(f["rule"], f["entity"]) for f in g["findings"] if f["change"] == "open"} == _keys(d["findings"]["open"])
    assert _keys(g["resolved"]) == _keys(d["findings"]["resolved"])
    assert g["since"] == {"name": "Q1", "as_of": Q1, "new": len(d["findings"]["new"]),
                          "open": len(d["findings"]["open"]), "resolved": len(d["findings"]["resolved"])}
    # one rule, one severity: the resolved are of that rule and severity only
    one = json.loads(_ok("gaps", "--json", "--since", "Q1", "--rule", "member-not-reported", "--db", str(db),
                         "--as-of", Q4).stdout)  # fmt: skip
    assert one["resolved"] and {f["rule"] for f in one["resolved"]} == {"member-not-reported"}
    high = json.loads(_ok("gaps", "--json", "--since", "Q1", "--severity", "high", "--db", str(db),
                          "--as-of", Q4).stdout)  # fmt: skip
    assert {f["severity"] for f in high["resolved"]} <= {"high"}
    text = _ok("gaps", "--since", "Q1", "--db", str(db), "--as-of", Q4).stdout
    assert "与快照“Q1”（截至 2025-01-01）相比" in text and "新发现" in text and "已销号问题" in text
    r = _run("gaps", "--since", "Q1", "--format", "csv", "--db", str(db))
    assert r.exit_code == 2 and "dangjian diff" in r.stderr


def test_diff_workbook_and_report_section(db, tmp_path):
    out = tmp_path / "变化.xlsx"
    _ok("diff", "Q1", "Q4", "--format", "xlsx", "-o", str(out), "--db", str(db))
    wb = load_workbook(out)
    assert wb.sheetnames[:5] == ["变化（按街道）", "新发现问题", "已销号问题", "仍未整改问题", "指标变化"]
    d = json.loads(_ok("diff", "Q1", "Q4", "--json", "--db", str(db)).stdout)
    assert wb["已销号问题"].max_row == 1 + len(d["findings"]["resolved"])
    doc = tmp_path / "报告.docx"
    _ok("report", "-o", str(doc), "--since", "Q1", "--db", str(db), "--as-of", Q4)
    text = "\n".join(p.text for p in Document(doc).paragraphs)
    assert "四、与上次督查相比" in text and "与快照“Q1”（截至 2025-01-01）相比" in text
    plain = tmp_path / "plain.docx"
    _ok("report", "-o", str(plain), "--db", str(db), "--as-of", Q4)
    assert "与上次督查相比" not in "\n".join(p.text for p in Document(plain).paragraphs)


def test_no_member_name_in_what_a_comparison_writes(db, tmp_path):
    with (EXAMPLE / "党员.csv").open(encoding="utf-8-sig", newline="") as fh:
        names = [row["姓名"] for row in csv.DictReader(fh)]
    out = tmp_path / "d.xlsx"
    _ok("diff", "Q1", "Q4", "--format", "xlsx", "-o", str(out), "--db", str(db))
    cells = " ".join(str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row)
    texts = [cells, _ok("diff", "Q1", "Q4", "--json", "--db", str(db)).stdout,
             _ok("diff", "Q1", "Q4", "--limit", "0", "--db", str(db)).stdout,
             _ok("gaps", "--since", "Q1", "--json", "--db", str(db), "--as-of", Q4).stdout]
    with Workspace.open(db) as ws:
        texts.append(json.dumps(ws.snapshot("Q1"), ensure_ascii=False))
    d = json.loads(texts[1])
    people = [f["name"] for kind in ("new", "resolved", "open") for f in d["findings"][kind] if f["entity_type"] == "Member"]
    assert people and all("*" in n for n in people)  # members are in them, masked
    for text in texts:
        assert not [n for n in names if n in text]


def test_snapshot_names_errors_and_replacing(db, tmp_path):
    listed = json.loads(_ok("snapshot", "list", "--json", "--db", str(db)).stdout)
    assert [s["name"] for s in listed] == ["Q1", "Q4"] and listed[0]["as_of"] == Q1
    assert listed[0]["summary"]["findings"] == len(_gaps(db, Q1))
    r = _run("snapshot", "save", "Q1", "--db", str(db))
    assert r.exit_code == 1 and "--replace" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    _ok("snapshot", "save", "Q1", "--replace", "--db", str(db), "--as-of", Q4)
    assert json.loads(_ok("snapshot", "list", "--json", "--db", str(db)).stdout)[-1]["as_of"] == Q4
    r = _run("diff", "Q9", "--db", str(db))
    assert r.exit_code == 1 and "Q9" in r.stderr and "Q4、Q1" in r.stderr  # in the order kept
    for bad in ("-x", "a\x1bb", " ", "x" * 65):
        r = _run("snapshot", "save", "--db", str(db), "--", bad)
        assert r.exit_code == 2 and "快照名称" in r.stderr, (bad, r.output)
    _ok("snapshot", "delete", "Q1", "--db", str(db))
    assert [s["name"] for s in json.loads(_ok("snapshot", "list", "--json", "--db", str(db)).stdout)] == ["Q4"]
    r = _run("snapshot", "delete", "Q1", "--db", str(db))
    assert r.exit_code == 1 and "Q1" in r.stderr
    r = _run("snapshot", "save", "Q5", "--config", str(tmp_path / "none.yaml"), "--db", str(db))
    assert r.exit_code == 1  # a config that cannot be read: nothing kept
    assert [s["name"] for s in json.loads(_ok("snapshot", "list", "--json", "--db", str(db)).stdout)] == ["Q4"]


def test_a_snapshot_keeps_figures_of_unknown_values(tmp_path):
    # members without a situation count under no value (None): kept and compared as such
    w = tmp_path / "w.db"
    _ok("load", str(EXAMPLE), "--db", str(w))
    _ok("load", str(EXAMPLE.parent / "messy"), "--db", str(w))
    _ok("load", str(EXAMPLE.parent / "huamingce"), "--db", str(w))
    _ok("snapshot", "save", "A", "--db", str(w))
    d = json.loads(_ok("diff", "A", "--json", "--db", str(w)).stdout)
    assert d["findings"]["new"] == [] and d["findings"]["resolved"] == []
    assert all(f["change"] in (0, None) for f in d["figures"])


def test_a_workspace_without_snapshots_is_read_as_it_was(tmp_path):
    w = tmp_path / "w.db"
    _ok("load", str(EXAMPLE), "--db", str(w))
    before = w.read_bytes()
    assert "还没有快照" in _ok("snapshot", "list", "--db", str(w)).stdout
    r = _run("diff", "Q1", "--db", str(w))
    assert r.exit_code == 1 and "snapshot save Q1" in r.stderr
    assert w.read_bytes() == before  # reading made no table
    ro = tmp_path / "ro"
    ro.mkdir()
    shutil.copy(w, ro / "w.db")
    (ro / "w.db").chmod(0o444)
    r = _run("snapshot", "save", "Q1", "--db", str(ro / "w.db"))
    assert r.exit_code == 1 and "只读" in r.stderr


def _graph(orgs: dict[str, str], units: list[str]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("s", type="Area", name="祥和街道", level="street")
    g.add_node("s2", type="Area", name="文化街道", level="street")
    for c, street in (("c1", "s"), ("c2", "s"), ("c3", "s2")):
        g.add_node(c, type="Area", name=c + "社区", level="community")
        g.add_edge(street, c, type="CONTAINS")
    for o, c in orgs.items():
        g.add_node(o, type="PartyOrg", name=o + "党支部", kind="branch")
        g.add_edge(o, c, type="ANCHORED_IN")
    for u in units:
        g.add_node(u, type="Unit", name=u + "公司")
        g.add_edge(u, "c3", type="LOCATED_IN")
    return g


def test_compare_counts_by_street_entities_and_severity():
    rules = ["community-without-org"]
    before = take_snapshot(_graph({"o1": "c1"}, ["u1"]), as_of=Q4, rules=rules)
    after = take_snapshot(_graph({"o1": "c1", "o2": "c2"}, ["u2"]), as_of=Q4, rules=rules)
    d = compare(before, after)
    assert _keys(d["findings"]["resolved"]) == {("community-without-org", "c2")}
    assert _keys(d["findings"]["open"]) == {("community-without-org", "c3")}
    assert d["entities"]["added"] == {"PartyOrg": 1, "Unit": 1} and d["entities"]["removed"] == {"Unit": 1}
    rows = {r["name"]: r for r in d["by_street"]}
    assert (rows["祥和街道"]["resolved"], rows["祥和街道"]["added"]) == (1, 1)
    assert (rows["文化街道"]["open"], rows["文化街道"]["added"], rows["文化街道"]["removed"]) == (1, 1, 1)
    only = compare(before, after, streets={"s2"})
    assert not only["findings"]["resolved"] and only["entities"]["added"] == {"Unit": 1} and only["figures"] == []
    # the same finding at another severity is still open, and says what it was
    worse = {**after, "findings": [{**f, "severity": "medium"} for f in after["findings"]]}
    (f,) = compare(before, worse)["findings"]["open"]
    assert (f["severity"], f["severity_before"]) == ("medium", "high")
    # a rule run on one side only is neither new nor resolved
    other = take_snapshot(_graph({"o1": "c1"}, ["u1"]), as_of=Q4, rules=[*rules, "unit-org-no-agreement"])
    assert compare(before, other)["findings"]["new"] == []
