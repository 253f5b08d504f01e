"""The command line, through typer's CliRunner and as a real subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.store import Workspace
from dangjian.loaders.readers import read_file

runner = CliRunner()
DJ = Path(sys.executable).with_name("dangjian")


def test_template_writes_csv_and_xlsx_with_dropdowns(tmp_path):
    r = runner.invoke(app, ["template", str(tmp_path / "t"), "--json"])
    assert r.exit_code == 0, r.output
    files = [Path(f) for f in json.loads(r.stdout)["files"]]
    assert {f.suffix for f in files} == {".csv", ".xlsx"}
    assert read_file(tmp_path / "t" / "党员.csv")[0].rows[0][:3] == ["党员编号", "姓名*", "身份证号"]
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "t" / "台账模板.xlsx")
    sheet = wb["党员"]
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert all("选项" in f for f in lists) and len(lists) >= 4
    # the empty template (CSVs header-only, the workbook with its 示例 rows) loads as an empty, valid set
    r = runner.invoke(app, ["load", str(tmp_path / "t"), "--db", str(tmp_path / "w.db"), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["loaded"] == 0 and data["rejected"] == 0


def test_filled_template_round_trips(tmp_path, rosters):
    from openpyxl import load_workbook

    from conftest import ALL, member_rows

    runner.invoke(app, ["template", str(tmp_path / "t")])
    book = tmp_path / "t" / "台账模板.xlsx"
    wb = load_workbook(book)
    from dangjian.loaders.template import FIRST_ROW

    for name, rows in [*ALL.items(), ("党员", member_rows())]:
        sheet = wb[name]
        header = [c.value.rstrip("*") for c in sheet[1]]
        # below the example row, as a user fills it (append would go below the formatted rows)
        for r, row in enumerate(rows[1:], start=FIRST_ROW + 1):
            cells = dict(zip(rows[0], row, strict=True))
            for c, h in enumerate(header, start=1):
                sheet.cell(row=r, column=c, value=cells.get(h) or None)
    wb.save(book)
    r = runner.invoke(app, ["load", str(book), "--db", str(tmp_path / "w.db"), "--json"])
    data = json.loads(r.stdout)
    assert data["rejected"] == 0 and data["loaded"] == 28  # the example rows are skipped


def test_load_and_info_json(tmp_path, rosters):
    db = tmp_path / "w.db"
    r = runner.invoke(app, ["load", str(rosters), "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["read"] == data["loaded"] + data["merged"] + data["rejected"]
    r = runner.invoke(app, ["info", "--db", str(db), "--json"])
    info = json.loads(r.stdout)
    assert info["nodes"]["Member"] == 4 and info["schema_version"] == 1 and info["loads"] == 1


def test_table_output_and_env_var(tmp_path, rosters):
    db = tmp_path / "env.db"
    r = runner.invoke(app, ["load", str(rosters)], env={"DANGJIAN_DB": str(db)})
    assert r.exit_code == 0 and "合计" in r.stdout and "没有被拒绝或跳过的行" in r.stdout
    assert db.exists()
    r = runner.invoke(app, ["info", "--lang", "en"], env={"DANGJIAN_DB": str(db)})
    assert "Party member" in r.stdout and "total" in r.stdout


def test_rejects_are_reported_with_their_path_and_strict_exit(tmp_path, rosters):
    bad = tmp_path / "bad" / "党员.csv"
    bad.parent.mkdir()
    bad.write_text("姓名,党员类别,党员情况,所在党组织\n张华,积极分子,在职,P3\n", encoding="utf-8")
    rej = tmp_path / "rej.csv"
    r = runner.invoke(app, ["load", str(rosters), str(bad), "--db", str(tmp_path / "w.db"),
                            "--rejects", str(rej), "--strict"])
    assert r.exit_code == 3
    assert str(rej) in r.stdout and "积极分子" in rej.read_text(encoding="utf-8-sig")


def test_unreadable_input_is_one_line_and_leaves_no_workspace(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(b"")
    db = tmp_path / "new.db"
    proc = subprocess.run([DJ, "load", str(p), "--db", str(db)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "空" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not db.exists()


def test_failed_load_keeps_an_existing_workspace(tmp_path, rosters):
    db = tmp_path / "w.db"
    runner.invoke(app, ["load", str(rosters), "--db", str(db)])
    before = Workspace.open(db).counts()
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04junk")
    r = runner.invoke(app, ["load", str(rosters), str(tmp_path / "junk.xlsx"), "--db", str(db), "--strict"])
    assert r.exit_code == 1 and "junk.xlsx" in r.stderr and r.stderr.strip().count("\n") == 0
    assert Workspace.open(db).counts() == before


def test_a_bad_file_does_not_refuse_the_others(tmp_path, rosters):
    """Without --strict the unreadable file is reported and the rest loads."""
    db, report = tmp_path / "w.db", tmp_path / "r.csv"
    (tmp_path / "junk.xlsx").write_bytes(b"PK\x03\x04junk")
    r = runner.invoke(app, ["load", str(rosters), str(tmp_path / "junk.xlsx"), "--db", str(db), "--rejects",
                            str(report), "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [Path(f["file"]).name for f in data["failed_files"]] == ["junk.xlsx"] and data["new"] == data["read"]
    assert "不是可读的电子表格" in data["failed_files"][0]["reason"]
    rows = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert [(Path(x[0]).name, x[5]) for x in rows[1:]] == [("junk.xlsx", "未读入")]


def test_errors_are_one_line(tmp_path):
    for args in (["info", "--db", str(tmp_path / "none.db")], ["load", str(tmp_path / "missing")],
                 ["info", "--db", str(tmp_path)]):
        proc = subprocess.run([DJ, *args], capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "DANGJIAN_DB": ""})
        assert proc.returncode == 1, args
        assert proc.stderr.startswith("错误：") and proc.stderr.strip().count("\n") == 0, proc.stderr


def _examples_db(tmp_path) -> Path:
    db = tmp_path / "ex.db"
    root = Path(__file__).resolve().parents[1] / "examples" / "xianghe"
    assert runner.invoke(app, ["load", str(root), "--db", str(db)]).exit_code == 0
    return db


def test_gaps_formats_and_fail_on(tmp_path):
    db = _examples_db(tmp_path)
    base = ["gaps", "--db", str(db), "--as-of", "2026-11-22"]
    r = runner.invoke(app, [*base, "--json"])
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["summary"]["by_severity"]["high"] == 3
    assert data["summary"]["total"] == len(data["findings"])
    r = runner.invoke(app, [*base, "--format", "csv", "--severity", "high"])
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("\ufeff级别,规则") and len(lines) == 4
    r = runner.invoke(app, [*base, "--format", "md", "--rule", "community-without-org"])
    assert "| 高 | 社区没有党组织 | 彩云社区 (530702003006)" in r.stdout
    r = runner.invoke(app, [*base, "--area", "顺和社区", "--json"])
    assert {f["area_path"][-1] for f in json.loads(r.stdout)["findings"]} == {"顺和社区"}
    assert runner.invoke(app, [*base, "--fail-on", "high"]).exit_code == 4
    assert runner.invoke(app, [*base, "--fail-on", "high", "--rule", "branch-too-large"]).exit_code == 0
    r = runner.invoke(app, [*base])
    assert "共发现问题" in r.stdout and "按区域" in r.stdout and "按规则" in r.stdout


def test_json_writes_each_finding_as_its_to_dict(tmp_path):
    """gaps --json and show --json write the findings as Finding.to_dict(): its keys in its order."""
    from dangjian.graph.build import to_networkx
    from dangjian.queries import run_rules

    db = _examples_db(tmp_path)
    with Workspace.open(db) as ws:
        found = run_rules(to_networkx(ws), as_of="2026-11-22")
    expected = json.loads(json.dumps([f.to_dict() for f in found], ensure_ascii=False))
    r = runner.invoke(app, ["gaps", "--db", str(db), "--as-of", "2026-11-22", "--json"])
    written = json.loads(r.stdout)["findings"]
    assert r.exit_code == 0 and written == expected and len(written) > 10
    assert all(list(w) == list(f.to_dict()) for w, f in zip(written, found, strict=True))
    r = runner.invoke(app, ["show", "彩云社区", "--db", str(db), "--as-of", "2026-11-22", "--json"])
    shown = json.loads(r.stdout)["findings"]
    assert shown and shown == [f for f in expected if f["entity"] == "530702003006"]  # 彩云社区


def test_gaps_errors_are_one_line(tmp_path):
    db = _examples_db(tmp_path)
    for args, message in ((["--area", "祥云社"], "是否是：祥云社区"), (["--rule", "nope"], "没有规则“nope”")):
        proc = subprocess.run([DJ, "gaps", "--db", str(db), *args], capture_output=True, text=True)
        assert proc.returncode == 1 and message in proc.stderr, proc.stderr
        assert proc.stderr.strip().count("\n") == 0
    proc = subprocess.run([DJ, "gaps", "--db", str(db), "--as-of", "2026-13-01"], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_rules_lists_citations_and_thresholds():
    r = runner.invoke(app, ["rules", "--json"])
    rules = {x["id"]: x for x in json.loads(r.stdout)}
    assert rules["branch-too-large"]["params"] == {"max_members": 50}
    assert "支部工作条例" in rules["branch-too-large"]["cite"]
    r = runner.invoke(app, ["rules", "--lang", "en"])
    assert "community-without-org" in r.stdout


def test_severity_by_its_label_dates_as_rosters_write_them_and_the_version(tmp_path):
    db = tmp_path / "w.db"
    runner = CliRunner()
    assert runner.invoke(app, ["load", str(Path(__file__).resolve().parent.parent / "examples" / "xianghe"), "--db", str(db)]).exit_code == 0
    iso = runner.invoke(app, ["gaps", "--severity", "high", "--as-of", "2026-11-22", "--format", "json", "--db", str(db)])
    for severity, date in (("高", "2026/11/22"), ("High", "2026年11月22日"), ("high", "20261122")):
        r = runner.invoke(app, ["gaps", "--severity", severity, "--as-of", date, "--format", "json", "--db", str(db)])
        assert r.exit_code == 0 and r.stdout == iso.stdout, (severity, date, r.output)
    r = runner.invoke(app, ["gaps", "--fail-on", "高", "--as-of", "2026/11/22", "--db", str(db)])
    assert r.exit_code == 4 and "高" in r.stdout
    r = runner.invoke(app, ["gaps", "--severity", "很高", "--db", str(db)])
    assert r.exit_code == 2 and "high（高）" in r.stderr
    r = runner.invoke(app, ["gaps", "--as-of", "2026", "--db", str(db)])
    assert r.exit_code == 2 and "2026" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout.startswith("dangjian ") and r.stdout.split()[1][0].isdigit()
    r = runner.invoke(app, ["--help"])
    assert all(f"{code} " in r.stdout for code in ("0", "1", "2", "3", "4", "70", "130")) and "退出码" in r.stdout
