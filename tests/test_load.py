"""Loading rosters: every row loaded, merged or rejected with a reason; one transaction."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dangjian.graph.build import to_networkx
from dangjian.graph.errors import WorkspaceError
from dangjian.graph.store import Workspace
from dangjian.loaders.load import load_paths, write_rejects
from dangjian.loaders.messages import MESSAGES

from conftest import AREAS, ORGS, id_number, member_rows, write_csv

MEMBER_HEAD = member_rows(0)[0]


def member(**over) -> list:
    """One clean member row (of conftest's header) with some cells replaced."""
    row = dict(zip(MEMBER_HEAD, member_rows(1)[1], strict=True))
    row.update({"党员编号": "M900", "身份证号": id_number(900), "姓名": "钱多多", **over})
    return [row[h] for h in MEMBER_HEAD]


# Each reason code -> (file name, rows) that make exactly that reject on the row marked by the data.
SCENARIOS: dict[str, tuple[str, list[list]]] = {
    "missing_required": ("党员x.csv", [MEMBER_HEAD, member(所在党组织="")]),
    "missing_column": ("党员x.csv", [MEMBER_HEAD[:10], member()[:10]]),
    "bad_enum": ("党员x.csv", [MEMBER_HEAD, member(党员类别="积极分子")]),
    "bad_date": ("党员x.csv", [MEMBER_HEAD, member(出生日期="2010-13-45")]),
    "bad_number": ("区域x.csv", [AREAS[0], ["X9", "新社区", "社区", "530702003", "", "很大", ""]]),
    "bad_int": ("区域x.csv", [AREAS[0], ["X9", "新社区", "社区", "530702003", "12.5", "", ""]]),
    "negative": ("区域x.csv", [AREAS[0], ["X9", "新社区", "社区", "530702003", "-3", "", ""]]),
    # an ID number typed into the households column: beyond 2**53 no number is exact
    "too_large": ("区域x.csv", [AREAS[0], ["X9", "新社区", "社区", "530702003", "110101199003071233", "", ""]]),
    "bad_bool": ("党组织x.csv", [["组织编码", "党组织名称", "组织类别", "上级党组织", "是否设委员会"],
                                ["P9", "新支部", "党支部", "P2", "也许"]]),
    "bad_id_number": ("党员x.csv", [MEMBER_HEAD, member(身份证号="12345")]),
    "bad_id_check": ("党员x.csv", [MEMBER_HEAD, member(身份证号=id_number(900)[:17] + "0"
                                                   if id_number(900)[17] != "0" else id_number(900)[:17] + "1")]),
    "bad_phone": ("党员x.csv", [MEMBER_HEAD, member(联系电话="打电话")]),
    # an Excel serial number that lost its date format (exported as text)
    "number_not_date": ("党员x.csv", [MEMBER_HEAD, member(入党日期="40360")]),
    "bad_id_birth": ("党员x.csv", [MEMBER_HEAD, member(身份证号=id_number(900, birth="19800230"))]),
    "bad_id_region": ("党员x.csv", [MEMBER_HEAD, member(身份证号=id_number(900, region="999999"))]),
    "no_id": ("党员x.csv", [MEMBER_HEAD, member(党员编号="", 身份证号="", 出生日期="")]),
    "unknown_ref": ("党员x.csv", [MEMBER_HEAD, member(所在党组织="不存在的支部")]),
    "ambiguous_ref": ("任职x.csv", [["人员", "职务", "任职对象"], ["张一华", "委员", "P3"]]),
    "rejected_ref": ("党组织x.csv", [["组织编码", "党组织名称", "组织类别", "上级党组织"],
                                    ["P9", "坏支部", "支委会", "P2"], ["P10", "下级小组", "党小组", "P9"]]),
    "wrong_target": ("任职x.csv", [["人员", "职务", "任职对象"], ["M001", "网格长", "P3"]]),
    "wrong_level": ("任职x.csv", [["人员", "职务", "任职对象"], ["M001", "网格长", "530702003003"]]),
    "parent_rank": ("区域x.csv", [AREAS[0], ["X9", "错社区", "社区", "G1", "", "", ""]]),
    "self_ref": ("党组织x.csv", [["组织编码", "党组织名称", "组织类别", "上级党组织"], ["P9", "自己", "党支部", "P9"]]),
    "duplicate_conflict": ("党员x.csv", [MEMBER_HEAD, member(性别="男"), member(性别="女")]),
    "id_taken": ("驻区单位x.csv", [["单位编号", "单位名称", "单位类别", "所在社区"], ["P1", "撞号公司", "非公有制企业", "530702003003"]]),
    "unresolved_cycle": ("区域x.csv", [AREAS[0], ["", "甲小区", "小区", "乙小区", "", "", ""],
                                      ["", "乙小区", "小区", "甲小区", "", "", ""]]),
}


def test_every_reason_has_a_scenario():
    from test_report import LINE_SCENARIOS  # skips, warnings, notes and files not read

    assert set(SCENARIOS) | set(LINE_SCENARIOS) | {"id_number_as_number"} == set(MESSAGES)


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_each_reject_reason(code, rosters, ws, tmp_path):
    if code == "ambiguous_ref":  # two members of the same name make the name ambiguous
        rows = member_rows(12)
        write_csv(rosters / "党员.csv", rows)
    name, rows = SCENARIOS[code]
    extra = write_csv(tmp_path / "extra" / name, rows)
    result = load_paths(ws, [rosters, extra], lang="en")
    codes = {r.code for r in result.rejects if Path(r.source[0]) == extra}
    assert code in codes, [(r.code, r.params) for r in result.rejects]
    assert result.read == result.loaded + result.merged + result.skipped + result.rejected
    # rejects in the base rosters would be a fixture bug
    assert all(Path(r.source[0]) == extra for r in result.rejects)


def test_rejection_cascades_to_rows_that_refer_to_a_rejected_row(rosters, ws, tmp_path):
    """P9 resolves nothing (unknown superior); P10 under P9 and a member of P10 follow it out."""
    extra = write_csv(tmp_path / "x" / "党组织.csv", [["组织编码", "党组织名称", "组织类别", "上级党组织"],
                                                  ["P10", "下级支部", "党支部", "P9"],
                                                  ["P9", "坏总支", "党总支", "无此党委"]])
    mem = write_csv(tmp_path / "y" / "党员.csv", [MEMBER_HEAD, member(所在党组织="P10")])
    result = load_paths(ws, [rosters, extra, mem])
    got = sorted((Path(r.source[0]).name, r.source[2], r.code) for r in result.rejects)
    assert got == [("党员.csv", 2, "rejected_ref"), ("党组织.csv", 2, "rejected_ref"),
                   ("党组织.csv", 3, "unknown_ref")]
    assert result.read == result.loaded + result.merged + result.skipped + result.rejected
    g = to_networkx(ws)
    assert all(n in g.nodes and "type" in g.nodes[n] for e in g.edges for n in e[:2])  # no dangling edge


def test_id_number_stored_as_number_in_xlsx(rosters, ws, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.title = "党员"
    sh.append(MEMBER_HEAD)
    row = member()
    row[MEMBER_HEAD.index("身份证号")] = float(id_number(900)[:17] + "0")
    sh.append(row)
    wb.save(tmp_path / "m.xlsx")
    result = load_paths(ws, [rosters, tmp_path / "m.xlsx"])
    assert [r.code for r in result.rejects] == ["id_number_as_number"]


def test_clean_rosters_load_with_no_rejects(rosters, ws):
    result = load_paths(ws, [rosters])
    assert result.rejected == 0 and result.merged == 0
    assert result.read == result.loaded == sum(1 for f in rosters.iterdir() for _ in open(f)) - 7 - 1
    counts = ws.counts()
    assert counts["nodes"] == {"Activity": 1, "Agreement": 1, "Area": 8, "Member": 4, "Person": 1,
                               "PartyOrg": 7, "Unit": 3}


def test_round_trip_nodes_and_edges_with_sources(rosters, ws):
    load_paths(ws, [rosters])
    g = to_networkx(ws)
    # every row of every roster is a node with its source (file, sheet, row)
    for f in rosters.iterdir():
        if f.stem == "任职":
            continue
        rows = list(csv.reader(open(f, encoding="utf-8")))
        for i, row in enumerate(rows[1:], start=2):
            nid = row[0] or None
            if nid is None:
                continue
            assert g.nodes[nid]["source"] == (str(f), f.stem, i)
    assert g.nodes["530702003003"]["venue_area"] == 320 and g.nodes["530702003003"]["funds"] == 20000
    # ids made from the parent path when a roster gives none
    assert g.nodes["G1/阳光小区"]["level"] == "compound"
    assert g.has_edge("G1/阳光小区", "G1/阳光小区/1栋")
    # a sample of each edge kind, with the row that made it
    by_type = {}
    for u, v, d in g.edges(data=True):
        by_type.setdefault(d["type"], set()).add((u, v))
    assert ("P2", "P3") in by_type["LEADS"]
    assert ("M000", "P7") in by_type["MEMBER_OF"]
    assert ("M000", "U1") in by_type["WORKS_AT"]
    assert ("M000", "530702003003") in by_type["LIVES_IN"]
    assert ("M000", "P3") in by_type["REPORTED_TO"]
    assert {("P6", "U2"), ("P6", "U3")} <= by_type["COVERS"]
    assert ("P7", "U1") in by_type["ANCHORED_IN"]
    assert {("P2", "A1"), ("U1", "A1")} == by_type["PARTY_TO"]
    assert ("E1", "A1") in by_type["UNDER"]
    assert ("M000", "P3") in by_type["SECRETARY_OF"]
    assert ("X1", "530702003003") in by_type["LIAISON_FOR"]
    assert ("M001", "G1") in by_type["GRID_LEADER_OF"]
    reported = [d for u, v, d in g.edges(data=True) if d["type"] == "REPORTED_TO"][0]
    assert reported["valid_from"] == "2020-05-01"
    assert reported["source"] == (str(rosters / "党员.csv"), "党员", 2)
    party = [d for u, v, d in g.edges(data=True) if d["type"] == "PARTY_TO"]
    assert {d["side"] for d in party} == {"community", "unit"}
    assert all(d["valid_to"] == "2026-12-31" for d in party)
    # the graph and the workspace hold the same edges
    assert g.number_of_edges() == sum(ws.counts()["edges"].values())


def test_failed_load_leaves_workspace_unchanged(rosters, ws, tmp_path, monkeypatch):
    load_paths(ws, [rosters])
    before = list(ws.conn.iterdump())
    write_csv(tmp_path / "more" / "党组织.csv", [ORGS[0], ["P9", "新支部", "党支部", "", "P2", "", "", "", ""]])

    def boom(self, rows, load_id):
        list(rows)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Workspace, "put_edges", boom)
    with pytest.raises(RuntimeError):
        load_paths(ws, [tmp_path / "more"])
    assert list(ws.conn.iterdump()) == before


def test_reloading_the_same_rosters_changes_nothing(rosters, ws):
    first = load_paths(ws, [rosters])
    edges = ws.counts()["edges"]
    second = load_paths(ws, [rosters])
    assert second.new == second.updated == second.rejected == 0
    assert second.merged == first.read
    assert ws.counts()["edges"] == edges


def test_a_changed_row_updates_and_absent_columns_keep_their_values(rosters, ws, tmp_path):
    load_paths(ws, [rosters])
    # a roster with fewer columns: only the education of M000 changes
    write_csv(tmp_path / "upd" / "党员.csv", [["党员编号", "姓名", "党员类别", "党员情况", "所在党组织", "学历"],
                                            ["M000", "张一华", "正式党员", "在职", "P7", "研究生"]])
    result = load_paths(ws, [tmp_path / "upd"])
    assert (result.updated, result.new) == (1, 0)
    g = to_networkx(ws)
    assert g.nodes["M000"]["education"] == "postgraduate"
    assert g.nodes["M000"]["residence"] == "530702003003"  # kept: the column was absent
    assert g.has_edge("M000", "P3")  # its REPORTED_TO edge was kept too


def test_duplicate_rows_merge(rosters, ws, tmp_path):
    rows = member_rows(2)
    rows.append(rows[1][:])
    rows[-1][MEMBER_HEAD.index("学历")] = ""  # a blank in the duplicate is filled from the first
    write_csv(rosters / "党员.csv", rows)
    result = load_paths(ws, [rosters])
    assert result.by_type["Member"].merged == 1 and result.rejected == 0


def test_rejects_report_hides_sensitive_values(rosters, ws, tmp_path):
    bad = write_csv(tmp_path / "x" / "党员.csv", [MEMBER_HEAD, member(身份证号="12345", 姓名="欧阳小华",
                                                                   所在党组织="无此支部")])
    result = load_paths(ws, [rosters, bad])
    out = tmp_path / "rejects.csv"
    write_rejects(result, out)
    text = out.read_text(encoding="utf-8-sig")
    assert "12345" not in text and "欧阳小华" not in text
    header, *lines = list(csv.reader(text.splitlines()))
    assert header == ["文件", "工作表", "行号", "列", "值", "处理", "原因"]
    assert lines[0][:4] == [str(bad), "党员", "2", "身份证号"]
    assert lines[0][5] == "拒绝" and "身份证号格式不对" in lines[0][6]


def test_workspace_of_another_version_is_refused(tmp_path):
    path = tmp_path / "old.db"
    Workspace.open(path, create=True).close()
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="模式版本是 99"):
        Workspace.open(path)


def test_a_file_that_is_not_a_workspace_is_refused(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("hello")
    with pytest.raises(WorkspaceError, match="不是 dangjian 工作区"):
        Workspace.open(p)
    with pytest.raises(WorkspaceError, match="没有工作区"):
        Workspace.open(tmp_path / "missing.db")


def test_workbook_with_a_sheet_per_kind_and_title_rows(rosters, tmp_path):
    from openpyxl import Workbook

    from conftest import ALL

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in [*ALL.items(), ("党员", member_rows())]:
        sh = wb.create_sheet(name)
        sh.append([f"祥和街道{name}台账（2024年）"])
        sh.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        for row in rows:
            sh.append([int(c) if c.isdigit() and len(c) < 6 else c for c in row])
    wb.save(tmp_path / "book.xlsx")
    a = Workspace.open(tmp_path / "a.db", create=True)
    b = Workspace.open(tmp_path / "b.db", create=True)
    ra, rb = load_paths(a, [rosters]), load_paths(b, [tmp_path / "book.xlsx"])
    assert rb.rejected == 0 and rb.read == ra.read
    assert {s["header_row"] for s in rb.sheets} == {2}
    ga, gb = to_networkx(a), to_networkx(b)
    strip = lambda g: sorted((n, {k: v for k, v in d.items() if k != "source"}) for n, d in g.nodes(data=True))  # noqa: E731
    assert strip(ga) == strip(gb)
    assert sorted((u, v, d["type"]) for u, v, d in ga.edges(data=True)) == \
        sorted((u, v, d["type"]) for u, v, d in gb.edges(data=True))


def test_a_sign_in_sheet_records_who_took_part(tmp_path):
    """A sign-in sheet (签到表: activity, participant by id or name) makes the same participation as
    the activity roster's 参加单位和党员 column, and the activity rules see it; a participant named
    twice is merged, an unknown activity and an empty participant are rejected with their rows."""
    import shutil

    from dangjian.queries import run_rules

    example = Path(__file__).resolve().parents[1] / "examples" / "xianghe"
    folder = tmp_path / "rosters"
    shutil.copytree(example, folder)
    rules = ["partner-unit-inactive", "reported-member-inactive"]

    def found() -> set:
        with Workspace.open(tmp_path / "w.db", create=True) as ws:
            result = load_paths(ws, [folder])
            return result, {(f.rule, f.entity) for f in run_rules(to_networkx(ws), as_of="2026-11-22", rules=rules)}

    _, before = found()
    assert before == {("partner-unit-inactive", "U-XH-11"), ("reported-member-inactive", "M0019")}
    (tmp_path / "w.db").unlink()
    write_csv(folder / "签到表.csv", [["活动", "参加者", "签到时间"],
                                     ["ACT-XH-19", "U-XH-11", "2026-06-30 09:00"],  # 顺和社区, within six months
                                     ["ACT-XH-17", "王平磊", ""],  # M0019, by name, in 祥云社区 this year
                                     ["ACT-XH-17", "M0019", ""],  # the same again
                                     ["ACT-XH-99", "M0019", ""],
                                     ["ACT-XH-17", "", ""]])  # fmt: skip
    result, after = found()
    assert after == set()
    c = result.by_type["SignIn"]
    assert (c.read, c.loaded, c.merged, c.rejected) == (5, 2, 1, 2)
    rejects = sorted((r.source[2], r.code) for r in result.rejects if r.source[0].endswith("签到表.csv")
                     and r.kind == "reject")  # fmt: skip
    assert rejects == [(5, "unknown_ref"), (6, "missing_required")], rejects
