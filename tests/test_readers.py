"""Reading files: encodings, spreadsheets with title rows, and files that cannot be read."""

from __future__ import annotations

import pytest

from dangjian.graph.errors import InputError
from dangjian.loaders.readers import find_files, read_file
from dangjian.loaders.roster import plan_sheet

TEXT = "姓名,党员类别,党员情况,所在党组织\n张华,正式党员,在职,祥云社区党委\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_each_encoding_reads_the_same(tmp_path, encoding):
    p = tmp_path / "党员.csv"
    p.write_bytes(TEXT.encode(encoding))
    (sheet,) = read_file(p)
    assert sheet.rows == [["姓名", "党员类别", "党员情况", "所在党组织"], ["张华", "正式党员", "在职", "祥云社区党委"]]
    assert sheet.encoding in {"utf-8", "utf-8-sig", "gb18030", "utf-16"}


def test_gb18030_rare_characters_survive(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("姓名,党员类别\n𠀾䶮,正式\n".encode("gb18030"))
    assert read_file(p)[0].rows[1][0] == "𠀾䶮"


def test_tab_separated_text(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(TEXT.replace(",", "\t"), encoding="utf-8")
    assert read_file(p)[0].rows[1][3] == "祥云社区党委"


def test_xlsx_header_under_a_merged_title_row(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.title = "Sheet1"
    sh.append(["祥和街道党员台账（2024年）"])
    sh.merge_cells("A1:D1")
    sh.append(["填报单位：祥云社区", None, None, "单位：人"])
    for line in TEXT.splitlines():
        sh.append(line.split(","))
    wb.save(tmp_path / "台账.xlsx")
    (sheet,) = read_file(tmp_path / "台账.xlsx")
    plan = plan_sheet(sheet)
    assert plan.type.name == "Member" and plan.header_row == 2


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.csv", b"", "空"),
        ("blank.csv", b"  \n\n", "空"),
        ("img.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        ("doc.docx", b"hello", "不是台账文件"),
        ("broken.xlsx", b"PK\x03\x04garbage-not-a-zip", "不是可读的电子表格"),
        ("fake.xlsx", b"just text", "不是可读的电子表格"),
    ],
)
def test_unreadable_files_give_one_line_errors(tmp_path, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_file(p)
    assert "\n" not in str(info.value) and name in str(info.value)


def test_folders_are_searched_and_missing_paths_refused(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.csv").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a" / "~$x.xlsx").write_text("lock", encoding="utf-8")
    (tmp_path / "a" / "readme.md").write_text("#", encoding="utf-8")
    assert [p.name for p in find_files([tmp_path / "a"])] == ["x.csv"]
    with pytest.raises(InputError, match="没有这个文件"):
        find_files([tmp_path / "nope.csv"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="没有 CSV 或 Excel"):
        find_files([tmp_path / "empty"])
