"""Numbers written with separators and members' names inside other names, masked in every output
that carries free text or names (views, show, find, path, gaps, stats, the Neo4j files), unless the
user asks for personal data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.privacy import NameGuard, mask_numbers

from conftest import example_with_unit

AS_OF = "2026-11-22"

# as people write them in a note or an address
WRITTEN = ["139 1234 5678", "139-1234-5678", "(0888)5123456", "（0888）5123456", "+86 136 0000 2222",
           "0888-512-3456", "139.1234.5678", "530702 19750907 0113", "5307 0219 7509 0701 13"]  # fmt: skip
KEPT = ["2024-05-01", "2024.05.01 13:00", "530702003003 530702003004", "面积150.5平方米", "QQ群 123456789",
        "1,500 元", "第3网格12号楼"]  # fmt: skip


@pytest.mark.parametrize("number", WRITTEN)
def test_numbers_with_separators_are_masked(number):
    assert mask_numbers(f"联系电话{number}，找王主任") == "联系电话***，找王主任"
    assert NameGuard([])(f"电话：{number}") == "电话：***"  # a guard with no names masks numbers too


@pytest.mark.parametrize("text", KEPT)
def test_dates_codes_and_measures_are_kept(text):
    assert mask_numbers(text) == text


_SEPARATORS = st.sampled_from(["", " ", "-", "."])


@given(st.lists(_SEPARATORS, min_size=10, max_size=10), st.integers(3, 9), st.text("社区路号楼", max_size=6))
def test_any_mobile_with_any_separators_is_masked(seps, second, around):
    digits = f"1{second}" + "012345678"
    written = digits[0] + "".join(s + d for s, d in zip(seps, digits[1:], strict=True))
    out = mask_numbers(f"{around}{written}{around}")
    assert out == f"{around}***{around}" and digits not in out


def test_a_second_number_after_digits_that_are_none_is_still_found():
    assert mask_numbers("530702003003 13912345678") == "530702003003 ***"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> tuple[Path, str, Path]:
    """The xianghe example with a unit named after a member (王磊便利店) whose address and note carry
    numbers with separators; the workspace, the unit's id and the folder."""
    d = tmp_path_factory.mktemp("privacy")
    rosters = example_with_unit(d / "rosters", "U-XH-08",  # a unit with findings: its name is in gaps and reports
                                单位名称="王磊便利店", 地址="祥云社区育才路8号 电话 139 1234 5678",
                                备注="联系人王磊 (0888)5123456，+86 136 0000 2222，身份证 530702 19750907 0113")  # fmt: skip
    with (rosters / "驻区单位.csv").open("a", encoding="utf-8", newline="") as fh:  # a row the load rejects
        csv.writer(fh).writerow(["U-XH-99", "王磊 139-1234-5678 小卖部", "非公有制企业", "是", "530702003003", "很多"])
    db = d / "w.db"
    r = CliRunner().invoke(app, ["load", str(rosters), "--db", str(db), "--rejects", str(d / "report.csv"),
                                 "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    (d / "load.out").write_text(r.stdout, encoding="utf-8")
    return db, "U-XH-08", d


SECRETS = ["王磊", "139 1234 5678", "(0888)5123456", "+86 136 0000 2222", "530702 19750907 0113", "13912345678"]


def _outputs(db: Path, unit: str, out: Path) -> dict[str, str]:
    runner = CliRunner()
    commands = {
        "show": ["show", unit], "show-json": ["show", unit, "--json"], "show-community": ["show", "祥云社区", "--json"],
        "find": ["find", "便利店"], "find-json": ["find", "便利店", "--json"],
        "path": ["path", unit, "祥云社区", "--json"], "gaps-json": ["gaps", "--format", "json"],
        "gaps-csv": ["gaps", "--format", "csv"], "gaps": ["gaps"], "stats": ["stats", "--json"],
    }  # fmt: skip
    texts = {}
    for name, args in commands.items():
        r = runner.invoke(app, [*args, "--db", str(db), "--as-of", AS_OF] if name.startswith(("gaps", "stats"))
                          else [*args, "--db", str(db)])  # fmt: skip
        assert r.exit_code in (0, 4), (name, r.output)
        texts[name] = r.stdout
    for kind, target in (("community", "祥云社区"), ("gaps", None), ("overview", None), ("tree", None)):
        html = out / f"{kind}.html"
        args = ["view", kind, *([target] if target else []), "--db", str(db), "-o", str(html), "--as-of", AS_OF]
        r = runner.invoke(app, args)
        assert r.exit_code == 0, (kind, r.output)
        texts["view-" + kind] = html.read_text(encoding="utf-8")
    for name, args in (("report-docx", ["report", "-o", str(out / "r.docx")]),
                       ("report-xlsx", ["report", "-o", str(out / "r.xlsx")]),
                       ("gaps-xlsx", ["gaps", "--format", "xlsx", "-o", str(out / "g.xlsx")]),
                       ("stats-xlsx", ["stats", "--format", "xlsx", "-o", str(out / "s.xlsx")])):  # fmt: skip
        r = runner.invoke(app, [*args, "--db", str(db), "--as-of", AS_OF])
        assert r.exit_code == 0, (name, r.output)
        path = Path(args[-1])
        texts[name] = _docx_text(path) if path.suffix == ".docx" else _xlsx_text(path)
    r = runner.invoke(app, ["neo4j", "export", str(out / "neo4j"), "--db", str(db)])
    assert r.exit_code == 0, r.output
    texts["neo4j-export"] = "".join(p.read_text(encoding="utf-8") for p in sorted((out / "neo4j").rglob("*.csv")))
    return texts


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(path)
    cells = (c.text for tb in doc.tables for row in tb.rows for c in row.cells)
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def _xlsx_text(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def test_no_output_carries_a_number_or_a_members_name(hostile_db, tmp_path):
    db, unit, folder = hostile_db
    texts = _outputs(db, unit, tmp_path)
    report = (folder / "report.csv").read_text(encoding="utf-8-sig")
    assert "U-XH-99" in report or "很多" in report  # the rejected row is in the load report
    texts["load-report"], texts["load"] = report, (folder / "load.out").read_text(encoding="utf-8")
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (name, secret)
    shown = json.loads(texts["show-json"])
    assert shown["name"] == "王*便利店"
    assert "***" in json.dumps(shown["properties"], ensure_ascii=False)
    assert any(x["name"] == "王*便利店" for x in json.loads(texts["find-json"]))
    assert "王*便利店" in texts["view-community"] and "王*便利店" in texts["neo4j-export"]
    assert "王*便利店" in texts["gaps-xlsx"] and "王*便利店" in texts["report-docx"]  # the unit has findings


def test_personal_exports_keep_what_the_user_asked_for(hostile_db, tmp_path):
    db, unit, _ = hostile_db
    r = CliRunner().invoke(app, ["neo4j", "export", str(tmp_path / "n"), "--db", str(db), "--personal"])
    assert r.exit_code == 0, r.output
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "n").rglob("*.csv"))
    assert "王磊便利店" in text and "(0888)5123456" in text


def test_messages_about_names_mask_members_inside_other_names(hostile_db, tmp_path):
    db, _, _ = hostile_db
    runner = CliRunner()
    r = runner.invoke(app, ["show", "王磊便利", "--db", str(db)])  # no such name: suggestions
    offered = r.stderr.partition("是否是")[2]  # what the user typed is echoed; what is offered is masked
    assert r.exit_code == 1 and "王*便利店" in offered and "王磊" not in offered, r.stderr
