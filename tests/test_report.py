"""The load report: every line of a file has an outcome, and what a file does to the loader has a
reason in the report (skips, warnings, notes, files not read), as the user sees it on disk."""

from __future__ import annotations

import csv
import json
import multiprocessing
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from dangjian.graph.store import Workspace
from dangjian.loaders.load import load_paths
from dangjian.loaders.messages import MESSAGES, render

from conftest import AREAS, ORGS, UNITS, id_number, member_rows, write_csv

HEAD = member_rows(0)[0]
ROW = member_rows(1)[1]


def _member(**over) -> list:
    row = dict(zip(HEAD, ROW, strict=True))
    row.update({"党员编号": "M900", "身份证号": id_number(900), "姓名": "钱多多", **over})
    return [row[h] for h in HEAD]


def _csv_text(rows: list[list]) -> str:
    return "\n".join(",".join(map(str, r)) for r in rows) + "\n"


def _raw(name: str, text: str, encoding: str = "utf-8"):
    return lambda d: _write(d / name, text.encode(encoding))


def _bytes(name: str, data: bytes):
    return lambda d: _write(d / name, data)


def _write(p: Path, data: bytes) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def _book(name: str, build):
    def make(d: Path) -> Path:
        wb = Workbook()
        build(wb)
        d.mkdir(parents=True, exist_ok=True)
        wb.save(d / name)
        return d / name

    return make


def _merged(wb):
    sh = wb.active
    sh.title = "党员"
    sh.append(HEAD)
    sh.append(_member(党员编号="M901", 身份证号=id_number(901), 姓名="甲乙丙"))
    sh.append(_member(党员编号="M902", 身份证号=id_number(902), 姓名="丁戊己", 所在党组织=None))
    sh.merge_cells("K2:K3")  # 所在党组织 merged over both members


def _hidden(wb):
    sh = wb.active
    sh.title = "党员"
    sh.append(HEAD)
    sh.append(_member())
    hidden = wb.create_sheet("旧党员")
    hidden.append(HEAD)
    hidden.append(_member(党员编号="M903", 身份证号=id_number(903)))
    hidden.sheet_state = "hidden"


def _contradiction() -> list:
    ident = id_number(904)  # serial 904: an even 17th digit, a woman's
    return _member(党员编号="M904", 身份证号=ident, 性别="男")


# code -> (how to write the file into a folder, kind, the line the entry is on)
LINE_SCENARIOS = {
    "duplicate_merged": (_raw("党员d.csv", _csv_text([HEAD, _member(), _member(性别="")])), "merge", 3),
    "imprecise_date": (lambda d: write_csv(d / "党员y.csv", [HEAD, _member(入党日期="2005")]), "warning", 2),
    "approximate": (lambda d: write_csv(d / "区域n.csv", [AREAS[0], ["X9", "新社区", "社区", "530702003",
                                                                    "1300余户", "", ""]]), "warning", 2),
    "ambiguous_month": (_book("党员t.xlsx", lambda wb: (wb.active.append(HEAD),
                                                         wb.active.append(_member(入党日期=2005.1)))), "warning", 2),
    "footer_row": (_raw("党员f.csv", _csv_text([HEAD, _member(), ["合计", "1人"], ["填表人：张三"]])), "skip", 3),
    "repeated_header": (_raw("党员h.csv", _csv_text([HEAD, _member(), HEAD])), "skip", 3),
    "continuation": (lambda d: write_csv(d / "党员c.csv", [HEAD, _member(姓名="钱多多")[:-1] + ["第一行\n第二行"]]),
                     "skip", 3),
    "unbalanced_quote": (_raw("党员q.csv", _csv_text([HEAD, _member(姓名='"钱多多'),
                                                      _member(党员编号="M905", 身份证号=id_number(905)),
                                                      _member(党员编号="M906", 身份证号=id_number(906))])),
                         "reject", 2),
    "bad_encoding_line": (_bytes("党员e.csv", _csv_text([HEAD, _member(),
                                                         _member(党员编号="M907", 身份证号=id_number(907))]).encode()
                                 .replace("钱多多".encode(), b"\xff\xfe\xfd", 1)), "reject", 2),
    "extra_cells": (_raw("党员x.csv", _csv_text([HEAD, _member(), _member(党员编号="M908", 身份证号=id_number(908))
                                                 + ["多出来的"]])), "reject", 3),
    "unheaded_cells": (_book("党员u.xlsx", lambda wb: (wb.active.append(HEAD), wb.active.append(_member() + ["无表头"]))),
                       "warning", 2),
    "invisible_chars": (lambda d: write_csv(d / "党员i.csv", [HEAD, _member(姓名="钱\u200b多\x1b[31m多\u202e")]),
                        "warning", 2),
    "id_contradiction": (lambda d: write_csv(d / "党员k.csv", [HEAD, _contradiction()]), "warning", 2),
    "file_not_read": (_bytes("党员z.xlsx", b"PK\x03\x04not a zip"), "error", 0),
    "hidden_sheet": (_book("党员s.xlsx", _hidden), "note", 0),
    "merged_filled": (_book("党员m.xlsx", _merged), "note", 1),
    "absent_columns": (lambda d: write_csv(d / "党员a.csv", [[h for h in HEAD if h != "党员情况"],
                                                            [c for h, c in zip(HEAD, _member(), strict=True)
                                                             if h != "党员情况"]]), "note", 1),
}  # fmt: skip


def _base(tmp_path: Path) -> Path:
    d = tmp_path / "base"
    write_csv(d / "区域.csv", AREAS)
    write_csv(d / "党组织.csv", ORGS)
    write_csv(d / "驻区单位.csv", UNITS)
    return d


def _lines_of(report: Path) -> list[list[str]]:
    return list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))[1:]


@pytest.mark.parametrize("code", sorted(LINE_SCENARIOS))
def test_each_report_entry(code, tmp_path):
    make, kind, line = LINE_SCENARIOS[code]
    path = make(tmp_path / "x")
    report = tmp_path / "report.csv"
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), path], rejects_path=report)
    got = [(r.kind, r.source[2]) for r in result.rejects if r.code == code and Path(r.source[0]) == path]
    assert (kind, line) in got, [(r.code, r.kind, r.source, r.params) for r in result.rejects]
    for t, c in result.by_type.items():
        assert c.add_up(), (t, c)
    rows = [r for r in _lines_of(report) if Path(r[0]) == path]
    wanted = render(code, "zh", **next(r.params for r in result.rejects if r.code == code))
    assert any(r[6] == result.shown(wanted) for r in rows)


def test_every_line_is_in_the_workspace_or_the_report(tmp_path):
    """A file with a runaway quote, a footer, a shifted row and a broken line: each physical line
    after the header is a node's source row or a line of the report."""
    text = _csv_text([HEAD, _member(), _member(党员编号="M910", 身份证号=id_number(910), 姓名='"孙一二'),
                      _member(党员编号="M911", 身份证号=id_number(911)), ["小计", "2"],
                      _member(党员编号="M912", 身份证号=id_number(912)) + ["x", "y"],
                      _member(党员编号="M913", 身份证号=id_number(913))])  # fmt: skip
    path = _write(tmp_path / "x" / "党员.csv", text.encode("gb18030"))
    report = tmp_path / "r.csv"
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), path], rejects_path=report)
        loaded = {n.source[2] for n in ws.iter_nodes() if n.source[0] == str(path)}
    reported = {int(r[2]) for r in _lines_of(report) if r[0] == str(path) and r[2]}
    assert loaded | reported == set(range(2, 8))
    assert result.by_type["Member"].read == 6 and result.by_type["Member"].add_up()
    assert loaded == {2, 4, 7}


def test_report_cells_never_start_a_formula_and_names_stay_masked(tmp_path):
    posts = write_csv(tmp_path / "x" / "任职.csv", [["人员", "职务", "任职对象"], ["欧阳小华", "书记", "P3"],
                                                   ["=HYPERLINK(\"http://x\")", "书记", "P3"],
                                                   ["M001", "@SUM(A1)", "P3"]])  # fmt: skip
    members = write_csv(tmp_path / "x" / "党员.csv", [HEAD, _member(姓名="王小明", 所在党组织="-1+1", 备注="联系人王小明")])
    report = tmp_path / "r.csv"
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [_base(tmp_path), posts, members], rejects_path=report)
    text = report.read_text(encoding="utf-8-sig")
    assert "欧阳小华" not in text and "王小明" not in text and "欧**华" in text
    for row in _lines_of(report):
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), row


def test_unknown_references_suggest_the_nearest_names(tmp_path):
    members = write_csv(tmp_path / "x" / "党员.csv", [HEAD, _member(所在党组织="祥云社区第一支部")])
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), members])
    (r,) = result.of_kind("reject")
    assert r.code == "unknown_ref" and "祥云社区第一党支部" in render(r.code, "zh", **r.params)


def test_traditional_references_and_choices_match(tmp_path):
    members = write_csv(tmp_path / "x" / "黨員.csv", [["黨員編號", "姓名", "黨員類別", "黨員情況", "所在黨組織"],
                                                     ["M1", "張小華", "正式黨員", "離退休", "祥雲社區第一黨支部"]])
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), members])
        node = ws.get_nodes(["M1"])["M1"]
    assert result.rejected == 0, [(r.code, r.params) for r in result.rejects]
    assert node.name == "張小華" and node.props["status"] == "formal" and node.props["situation"] == "retired"


def test_several_reporting_organizations(tmp_path):
    members = write_csv(tmp_path / "x" / "党员.csv", [HEAD, _member(报到党组织="P3、P4"),
                                                    _member(党员编号="M920", 身份证号=id_number(920), 报到党组织="P3;P4")])
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), members])
        reported = sorted((e.src, e.dst) for _, e in ws.iter_edges() if e.type == "REPORTED_TO")
    assert result.rejected == 0
    assert reported == [("M900", "P3"), ("M900", "P4"), ("M920", "P3"), ("M920", "P4")]


def test_birth_date_and_sex_come_from_the_id_number(tmp_path):
    ident = id_number(931, birth="19750302")  # odd serial: a man
    members = write_csv(tmp_path / "x" / "党员.csv", [["姓名", "身份证号", "所在党组织"], ["孙悟空", ident, "P3"]])
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), members])
        (node,) = [n for n in ws.iter_nodes() if n.type == "Member"]
    assert result.rejected == 0 and node.props["birth_date"] == "1975-03-02" and node.props["sex"] == "male"
    # the 花名册 had neither 党员类别 nor 党员情况: one note, not a reject per row
    assert [r.params["columns"] for r in result.of_kind("note")] == ["党员类别、党员情况"]


def _load_one(args):
    db, path, report = args
    with Workspace.open(db, create=True) as ws:
        return load_paths(ws, [path], rejects_path=report, rejects_unique=True).rejects_path


def test_two_loads_in_the_same_second_keep_both_reports(tmp_path):
    from dangjian.loaders.load import default_rejects_path

    base = _base(tmp_path)
    bad = write_csv(tmp_path / "x" / "党员.csv", [HEAD, _member(所在党组织="无此支部")])
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_paths(ws, [base])
    name = default_rejects_path(str(tmp_path / "w.db"))
    with multiprocessing.get_context("fork").Pool(2) as pool:
        paths = pool.map(_load_one, [(tmp_path / "w.db", bad, name)] * 2)
    assert len(set(paths)) == 2 and all(Path(p).exists() for p in paths)


def test_a_report_path_that_cannot_be_written_refuses_the_load_before_it_writes(tmp_path):
    from dangjian.graph.errors import InputError

    base = _base(tmp_path)
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        for bad in (tmp_path / "missing" / "r.csv", tmp_path):
            with pytest.raises(InputError, match="无法写入导入报告"):
                load_paths(ws, [base], rejects_path=bad)
        assert ws.counts()["nodes"] == {} and ws.loads() == []


def test_load_json_counts_add_up(tmp_path):
    from typer.testing import CliRunner

    from dangjian.cli.main import app

    path = _raw("党员.csv", _csv_text([HEAD, _member(), ["合计", "1"]]))(tmp_path / "x")
    r = CliRunner().invoke(app, ["load", str(_base(tmp_path)), str(path), "--db", str(tmp_path / "w.db"), "--json"])
    data = json.loads(r.stdout)
    assert data["read"] == data["new"] + data["updated"] + data["merged"] + data["skipped"] + data["rejected"]
    assert data["by_type"]["Member"]["skipped"] == 1


def test_the_messages_have_both_languages():
    for code, (zh, en) in MESSAGES.items():
        assert zh and en and zh != en, code


_ALPHABET = 'a张华,;\t"\' =+-@\x1b\x07\u202e\u200b0123456789'
_line = st.one_of(
    st.text(alphabet=_ALPHABET, max_size=20),
    st.just(",".join(_member())),
    st.builds(lambda name: ",".join(_member(姓名=name)), st.text(alphabet=_ALPHABET, min_size=1, max_size=6)),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=1, max_size=8), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_any_lines_each_line_is_loaded_or_reported(tmp_path_factory, lines, encoding):
    """Raw physical lines (stray quotes, separators, control characters), not made by a CSV writer:
    the counts add up, and each line with data is an entity's source row or a line of the report."""
    d = tmp_path_factory.mktemp("lines")
    path = _write(d / "党员.csv", ("\n".join([",".join(HEAD), *lines]) + "\n").encode(encoding, errors="replace"))
    report = d / "r.csv"
    ws = Workspace.open(":memory:", create=True)
    result = load_paths(ws, [_BASE, path], rejects_path=report)
    assert all(c.add_up() for c in result.by_type.values())
    loaded = {n.source[2] for n in ws.iter_nodes() if n.source[0] == str(path)}
    reported = {int(r[2]) for r in _lines_of(report) if r[0] == str(path) and r[2]} if report.exists() else set()
    with_data = {i for i, ln in enumerate(lines, start=2) if ln.strip(' \t,;"\'')}
    assert with_data <= loaded | reported
    rejected = {int(r[2]) for r in _lines_of(report) if r[0] == str(path) and r[5] == "拒绝"} \
        if report.exists() else set()  # fmt: skip
    assert not loaded & rejected  # a rejected line made no entity


_BASE = Path(tempfile.mkdtemp()) / "base"
write_csv(_BASE / "区域.csv", AREAS)
write_csv(_BASE / "党组织.csv", ORGS)
write_csv(_BASE / "驻区单位.csv", UNITS)


def test_placeholders_for_none_are_blank_in_columns_of_values(tmp_path):
    """无, 不详, —, / in a date, choice or reference column mean nothing is known: no reject; in a
    required column they are a missing value."""
    members = write_csv(tmp_path / "x" / "党员.csv", [HEAD, _member(出生日期="无", 学历="不详", 工作单位="—", 报到日期="/"),
                                                    _member(党员编号="M940", 身份证号=id_number(940), 所在党组织="无")])
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), members])
        node = ws.get_nodes(["M900"])["M900"]
    assert [(r.source[2], r.code) for r in result.of_kind("reject")] == [(3, "missing_required")]
    assert "education" not in node.props and "unit" not in node.props and node.props["birth_date"] == "1980-01-01"


def test_a_default_report_name_without_hard_links_still_never_replaces_another(tmp_path, monkeypatch):
    from dangjian.loaders import load as load_module

    def no_links(*_a):
        raise PermissionError(1, "Operation not permitted")

    bad = write_csv(tmp_path / "x" / "党员.csv", [HEAD, _member(所在党组织="无此支部")])
    name = tmp_path / "rejects-x.csv"
    name.write_text("an earlier report", encoding="utf-8")
    monkeypatch.setattr(load_module.os, "link", no_links)
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_paths(ws, [_base(tmp_path), bad], rejects_path=name, rejects_unique=True)
    assert result.rejects_path == str(tmp_path / "rejects-x-2.csv")
    assert name.read_text(encoding="utf-8") == "an earlier report"
