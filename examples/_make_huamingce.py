"""Write examples/huamingce/: a community's 党员花名册 as such rosters really come, to load after
examples/xianghe/. Run from the repository root: ``python examples/_make_huamingce.py``.

What it has, on purpose (each row's outcome is listed in examples/README.md):
- a merged title row and a 填报单位 row above the header; traditional characters throughout
  (祥雲社區, 黨員類別, 所在黨支部), as a roster typed on a machine set to traditional Chinese;
- no 党员情况 and no 出生日期 column: those facts come from nowhere (党员情况 unknown, one note) or
  from the ID number (出生日期, and 性别 where the cell is empty);
- 所在黨支部 merged down over the members of each branch;
- a branch name with a typo (a reject that suggests the right name);
- footer rows: 合計, and 填表人/审核人/制表日期;
- a hidden sheet with an older list (skipped with a note).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dangjian.loaders.normalize import id_check_digit


def id_number(born: str, serial: int, region: str = "530702") -> str:
    first17 = f"{region}{born}{serial:03d}"
    return first17 + id_check_digit(first17)


HEADER = ["序號", "姓名", "性別", "公民身份號碼", "聯繫電話", "黨員類別", "入黨時間", "所在黨支部", "居住地", "備註"]
RESIDENTS = "祥雲社區居民黨支部"
MOBILE = "祥雲社區流動黨員黨支部"
# name, sex (blank: from the ID), born, serial (odd: a man), phone, status, joined, branch
MEMBERS = [
    ("楊麗華", "女", "19620314", 402, "13908881201", "正式黨員", "1988年7月", RESIDENTS),
    ("和建國", "", "19580902", 411, "13908881202", "正式黨員", "1982.07", RESIDENTS),
    ("木秀英", "", "19700125", 420, "13908881203", "正式", "二〇〇一年七月", RESIDENTS),
    ("趙志鵬", "男", "19850611", 433, "13908881204", "預備黨員", "2024年6月1號", RESIDENTS),
    ("李春蘭", "女", "19660418", 442, "13908881205", "正式黨員", "1995—07—01", RESIDENTS),
    ("段國華", "", "19731105", 451, "13908881206", "正式黨員", "1999", RESIDENTS),
    ("蘇海燕", "女", "19900702", 462, "13908881207", "正式黨員", "2015年5月", MOBILE),
    ("普永強", "男", "19880930", 471, "13908881208", "正式黨員", "2012.06", MOBILE),
]
TYPO = ("孫玉梅", "女", "19780320", 482, "13908881209", "正式黨員", "2003年7月", "祥雲社區居民支部")


def main(out: Path = Path(__file__).resolve().parent / "huamingce") -> Path:
    wb = Workbook()
    sh = wb.active
    sh.title = "黨員花名冊"
    sh.append(["祥雲社區黨員花名冊（2024年11月）"])
    sh.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sh["A1"].font = Font(bold=True, size=14)
    sh["A1"].alignment = Alignment(horizontal="center")
    sh.append(["填報單位：祥雲社區黨總支"])
    sh.append(HEADER)
    first = sh.max_row + 1
    rows = [*MEMBERS, TYPO]
    for i, (name, sex, born, serial, phone, status, joined, branch) in enumerate(rows, start=1):
        sh.append([i, name, sex, id_number(born, serial), phone, status, joined, branch, "祥雲社區", None])
    # 所在黨支部 merged down over each branch's members, as people format a 花名册
    col = HEADER.index("所在黨支部") + 1
    runs: list[tuple[int, int]] = []
    for r in range(first, first + len(rows)):
        value = sh.cell(row=r, column=col).value
        if runs and sh.cell(row=runs[-1][0], column=col).value == value:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    for a, b in runs:
        if b > a:
            for r in range(a + 1, b + 1):
                sh.cell(row=r, column=col).value = None
            sh.merge_cells(start_row=a, start_column=col, end_row=b, end_column=col)
    sh.append(["合計", f"{len(rows)}人"])
    sh.append(["填表人：和麗　　審核人：木建國　　製表日期：2024年11月20日"])
    old = wb.create_sheet("舊名冊")
    old.append(HEADER)
    old.append([1, "王舊名", "男", id_number("19500101", 491), "", "正式黨員", "1970年7月", RESIDENTS, "祥雲社區", "已轉出"])
    old.sheet_state = "hidden"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "祥云社区党员花名册.xlsx"
    wb.save(path)
    return path


if __name__ == "__main__":
    print(main())
