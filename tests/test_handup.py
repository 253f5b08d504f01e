"""What people hand up: gaps and stats as Excel workbooks, the CSV with a BOM and Chinese headers,
the work report as Word and Excel; each read back (openpyxl, python-docx) and checked against the
JSON the same commands give."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.store import read_tables
from dangjian.queries.breakdown import breakdown
from dangjian.queries.stats import stats_rows

from conftest import example_with_unit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "xianghe"
AS_OF = "2026-11-22"
runner = CliRunner()


def _run(*args: str) -> object:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The xianghe example, a unit with findings renamed to a formula."""
    d = tmp_path_factory.mktemp("handup")
    rosters = example_with_unit(d / "rosters", "U-XH-08", 单位名称='=HYPERLINK("http://x.example","点我")')  # has findings
    w = d / "w.db"
    r = _run("load", str(rosters), "--db", str(w))
    assert r.exit_code == 0, r.output
    return w


def _members() -> list[str]:
    with (EXAMPLES / "党员.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [row["姓名"] for row in csv.DictReader(fh)]


def _cells(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_gaps_xlsx_holds_every_finding_as_json_gives_them(db, tmp_path):
    out = tmp_path / "问题清单.xlsx"
    r = _run("gaps", "--format", "xlsx", "-o", str(out), "--db", str(db), "--as-of", AS_OF)
    assert r.exit_code == 0 and "问题清单" in r.stdout, r.output
    findings = json.loads(_run("gaps", "--json", "--db", str(db), "--as-of", AS_OF).stdout)["findings"]
    wb = load_workbook(out)
    assert wb.sheetnames == ["问题清单", "按街道", "按社区"]
    ws = wb["问题清单"]
    rows = _cells(ws)
    assert rows[0] == ["级别", "问题", "对象", "编号", "类型", "所在区域", "情况", "整改建议", "依据", "规则"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:J{len(findings) + 1}"
    assert len(rows) - 1 == len(findings) > 10
    label = {"high": "高", "medium": "中", "low": "低"}
    for row, f in zip(rows[1:], findings, strict=True):
        assert row[:4] == [label[f["severity"]], f["title"], f["name"], f["entity"]]
        assert (row[5] or "") == ">".join(f["area_path"]) and row[7:] == [f["action"], f["cite"], f["rule"]]  # "": no cell
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # no formula runs
    formula = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.quotePrefix
    assert all(ws.column_dimensions[k].width >= 6 for k in "ABCDEFGHIJ")
    streets = _cells(wb["按街道"])
    assert streets[0][:8] == ["街道（乡镇）", "所在区域", "社区（村）数", "已建党组织的社区", "覆盖率（%）", "党组织数",
                              "党员数", "问题数"]  # fmt: skip
    assert sum(r[7] for r in streets[1:]) <= len(findings) and streets[1][0] == "祥和街道"
    communities = _cells(wb["按社区"])
    assert {r[0] for r in communities[1:]} >= {"祥云社区", "彩云社区"}


def test_stats_xlsx_agrees_with_stats_json(db, tmp_path):
    out = tmp_path / "统计.xlsx"
    r = _run("stats", "--format", "xlsx", "-o", str(out), "--db", str(db), "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    data = json.loads(_run("stats", "--json", "--db", str(db), "--as-of", AS_OF).stdout)
    street = json.loads(_run("stats", "--area", "祥和街道", "--json", "--db", str(db), "--as-of", AS_OF).stdout)
    wb = load_workbook(out)
    assert wb.sheetnames == ["统计", "党组织", "按街道", "按社区"]
    assert _cells(wb["统计"]) == [["项目", "数值"], *([label, value] for label, value in stats_rows(data, "zh"))]
    kinds = {r[0]: r[1] for r in _cells(wb["党组织"])[1:]}
    assert sum(kinds.values()) == data["organizations"]["total"]
    row = next(r for r in _cells(wb["按街道"])[1:] if r[0] == "祥和街道")
    assert row[2:7] == [street["communities"]["total"], street["communities"]["with_org"], street["communities"]["rate"],
                        street["organizations"]["total"], street["members"]["total"]]  # fmt: skip
    assert len(_cells(wb["按街道"])[0]) == 7  # no columns of findings: stats runs no rules


def test_breakdown_adds_up_to_the_area(db):
    t = read_tables(db)
    rows = breakdown(t, "祥和街道", level="community", as_of=AS_OF)
    street = breakdown(t, "祥和街道", level="street", as_of=AS_OF)[0]
    assert sum(r["communities"] for r in rows) == street["communities"]
    assert sum(r["with_org"] for r in rows) == street["with_org"]
    assert sum(r["organizations"] for r in rows) <= street["organizations"]  # the street's own committee too


def test_csv_has_a_bom_and_headers_in_the_language_asked(db, tmp_path):
    zh = _run("gaps", "--format", "csv", "--db", str(db), "--as-of", AS_OF).stdout
    assert zh.startswith("\ufeff级别,规则,问题,编号,类型,对象,所在区域,情况,整改建议,依据")
    en = _run("gaps", "--format", "csv", "--lang", "en", "--db", str(db), "--as-of", AS_OF).stdout
    assert en.startswith("\ufeffSeverity,Rule,Finding,ID,Type,Entity,Area,Facts,Action,Source")
    rows = list(csv.reader(io.StringIO(zh.lstrip("\ufeff"))))
    assert all(not c.startswith("=") for r in rows for c in r)  # the formula kept as text ('=...)
    out = tmp_path / "g.csv"
    r = _run("gaps", "--format", "csv", "-o", str(out), "--db", str(db), "--as-of", AS_OF)
    assert r.exit_code == 0 and out.read_text(encoding="utf-8") == zh


def test_work_report_docx_reads_back(db, tmp_path):
    out = tmp_path / "报告.docx"
    r = _run("report", "--area", "祥和街道", "-o", str(out), "--db", str(db), "--as-of", "2026/11/22", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    opening = json.loads(_run("stats", "--area", "祥和街道", "--report", "--json", "--db", str(db), "--as-of",
                              AS_OF).stdout)["report"]  # fmt: skip
    findings = json.loads(_run("gaps", "--area", "祥和街道", "--json", "--db", str(db), "--as-of", AS_OF).stdout)
    doc = Document(out)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "祥和街道基层党建工作情况报告" and texts[1] == "数据截至2026-11-22"
    assert "一、基本情况" in texts and opening in texts and "三、存在的问题及依据" in texts
    assert summary["findings"] == len(findings["findings"]) and summary["streets"] == 1
    heading = next(x for x in texts if x.startswith("祥和街道（"))
    assert heading == f"祥和街道（{len(findings['findings'])}条）"
    body = "\n".join(texts)
    for f in findings["findings"]:
        assert f["title"] in body and f["cite"] in body
    kinds, streets, communities = doc.tables[:3]
    assert [c.text for c in kinds.rows[0].cells] == ["类别", "数量"]
    assert streets.rows[1].cells[0].text == "祥和街道" and len(communities.rows) == 1 + 6
    everything = body + "".join(c.text for tb in doc.tables for row in tb.rows for c in row.cells)
    assert not [n for n in _members() if n in everything]  # member names never in the report


def test_work_report_xlsx_and_english(db, tmp_path):
    out = tmp_path / "report.xlsx"
    r = _run("report", "-o", str(out), "--db", str(db), "--as-of", AS_OF, "--lang", "en")
    assert r.exit_code == 0 and "wrote the report" in r.stdout, r.output
    assert load_workbook(out).sheetnames == ["Statistics", "Organizations", "By street", "By community", "Findings"]
    doc = tmp_path / "report.docx"
    assert _run("report", "-o", str(doc), "--db", str(db), "--as-of", AS_OF, "--lang", "en").exit_code == 0
    assert Document(doc).paragraphs[0].text.endswith("Party-building work report")


@pytest.mark.parametrize("args", [
    ["gaps", "--format", "xlsx"], ["report", "-o", "r.pdf"], ["stats", "--format", "xlsx"],
    ["gaps", "--format", "table", "-o", "x.csv"], ["stats", "--format", "pdf", "-o", "s.xlsx"],
])  # fmt: skip
def test_usage_errors_are_one_line(db, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = _run(*args, "--db", str(db))
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.output
    assert list(tmp_path.iterdir()) == []


def test_a_report_into_a_missing_folder_fails_clearly_and_writes_nothing(db, tmp_path):
    r = _run("report", "-o", str(tmp_path / "nofolder" / "报告.docx"), "--db", str(db))
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "不存在" in r.stderr
    assert not (tmp_path / "nofolder").exists()
