"""Write the hostile roster corpus: small files of the kinds organization departments really hold
(every encoding, delimiter, title rows, footers, merged cells, hidden sheets, runaway quotes,
control characters, formula-looking cells, bad ID numbers, dates and numbers of every shape,
unreadable files ...), each with the outcome the loader promises for each of its data lines.

    .venv/bin/python tests/corpus/make_corpus.py [OUT]     # default: tests/corpus/

writes OUT/base/ (a clean base of areas, organizations, units, people and members that every
corpus file is loaded with, so that references resolve) and OUT/files/ with manifest.json.
The output is deterministic: the same bytes every run (tests/test_corpus.py checks it).

manifest.json, per file: ``file``, ``classes`` (what it covers), ``refused`` (a file that cannot
be read at all), ``names`` (people's names it holds, never to be shown unmasked) and ``sheets``:
each ``{"sheet", "type", "lines": [{"row", "out", "why", "warn", "props", "edges"}]}`` where
``out`` is loaded / merged / skipped / rejected (or a list of acceptable outcomes), ``why`` the
reason code (or a list of acceptable codes), ``warn`` warning codes the line must carry, ``props``
properties the node made by the line must have and ``edges`` edges ``[type, src, dst]`` it must
make (``@`` is the node of the line); or ``{"sheet", "hidden": true}``, ``{"sheet", "roster":
false}``. ``notes`` lists ``[sheet, code]`` notes the report must hold.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from conftest import AREAS, ORGS, PEOPLE, UNITS, member_rows  # noqa: E402

# -- people and ID numbers ----------------------------------------------------------------------

NAMES = [
    "李秀英", "王建华", "刘志强", "陈美玲", "杨国平", "赵丽娟", "黄海涛", "周晓燕", "吴俊杰", "徐桂兰",
    "孙红梅", "马文斌", "朱玉珍", "胡德明", "郭淑芬", "何永康", "高秀云", "林志远", "罗春花", "郑宏伟",
    "梁晓东", "谢丽萍", "宋建军", "唐桂芳", "韩立新", "冯雪梅", "于海波", "董秀珍", "萧振宇", "程丽君",
    "曹德胜", "袁佩玲", "邓家豪", "许文静", "傅春生", "沈玉兰", "曾凡荣", "彭兴旺", "吕慧敏", "苏建明",
    "卢晓峰", "蒋雅琴", "蔡宏图", "贾春燕", "丁学军", "魏秋菊", "薛永福", "叶翠华", "阎振东", "余晓丽",
]
# ISO 7064 MOD 11-2 over the first 17 digits (GB 11643), written here without the project's code
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
assert [2 ** (17 - i) % 11 for i in range(17)] == _WEIGHTS


def check_char(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]


assert check_char("11010519491231002") == "X"  # the standard's own example


def idn(k: int, birth: str | None = None, region: str = "530702", male: bool | None = None) -> str:
    """A valid 18-character ID number (birth date YYYYMMDD, sex from the 17th digit)."""
    if birth is None:
        birth = (date(1960, 1, 1) + timedelta(days=(k * 97) % 14000)).strftime("%Y%m%d")
    seq = 100 + (k * 7) % 800
    if male is not None and (seq % 2 == 1) != male:
        seq += 1
    body = f"{region}{birth}{seq:03d}"
    return body + check_char(body)


def facts(id18: str) -> dict:
    b = id18[6:14]
    return {"birth_date": f"{b[:4]}-{b[4:6]}-{b[6:]}", "sex": "male" if int(id18[16]) % 2 else "female"}


class Pool:
    """Distinct people, one after another (names do not repeat within a file of < 50 members)."""

    def __init__(self) -> None:
        self.k = 0

    def next(self) -> tuple[int, str]:
        self.k += 1
        return self.k, NAMES[self.k % len(NAMES)]


POOL = Pool()

# -- lines and cases ------------------------------------------------------------------------------


@dataclass
class Ln:
    """One record of a CSV file (one or more physical lines) or one row of a worksheet."""

    cells: list | None = None
    raw: str | None = None  # CSV: the record's text as it is (no quoting applied)
    kind: str = "data"  # data | header | title | blank
    out: Any = "loaded"
    why: Any = None
    warn: tuple = ()
    props: dict | None = None
    edges: list | None = None
    names: tuple = ()  # people's names in the line besides its 姓名 / 人员 cells
    hint: tuple = ()  # texts the reason must contain (the nearest names suggested)
    enc: str | None = None  # CSV: this record in another encoding (a broken line)


def D(cells, **kw) -> Ln:
    return Ln(cells, **kw)


def X(cells, why=None, **kw) -> Ln:
    return Ln(cells, out="rejected", why=why, **kw)


def SK(cells, why, **kw) -> Ln:
    return Ln(cells, out="skipped", why=why, **kw)


def MG(cells, **kw) -> Ln:
    return Ln(cells, out="merged", **kw)


def H(cells) -> Ln:
    return Ln(list(cells), kind="header")


def T(*cells) -> Ln:
    return Ln(list(cells), kind="title")


def BL(raw: str = "", cells=None) -> Ln:
    return Ln(cells, raw=raw if cells is None else None, kind="blank")


class Txt(str):
    """An xlsx cell stored as text even though it looks like a formula (=1+1)."""


class Fm(str):
    """An xlsx formula cell (no cached value)."""


@dataclass
class Sh:
    title: str
    rtype: str | None
    lines: list[Ln]
    hidden: str | None = None  # hidden | veryHidden
    merges: list = field(default_factory=list)  # (first row, first col, last row, last col), 1-based
    formats: dict = field(default_factory=dict)  # (row, col) 1-based -> number format
    far_format: bool = False  # a formatted, empty cell at the sheet's last row and column


CASES: list[dict] = []  # manifest entries, in order
DATA: dict[str, bytes] = {}

_LINE_END = re.compile(r"\r\n|\n|\r")
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_ID_LIKE = re.compile(r"^(?=.*\d)[A-Za-z0-9:_/.\-]+$")
NAME_HEADERS = {"姓名", "人员", "党员姓名", "任职人员", "*姓名", "姓名*", "姓名（必填）"}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", str(text)))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(?<=[\u2e80-\u9fff]) (?=[\u2e80-\u9fff])", "", text)


def _line_entry(ln: Ln, row: int) -> dict:
    e: dict[str, Any] = {"row": row, "out": ln.out}
    if ln.why is not None:
        e["why"] = ln.why
    if ln.warn:
        e["warn"] = list(ln.warn)
    if ln.props:
        e["props"] = ln.props
    if ln.edges:
        e["edges"] = ln.edges
    if ln.hint:
        e["hint"] = list(ln.hint)
    return e


def _cells(ln: Ln, delim: str) -> list:
    if ln.cells is not None:
        return ln.cells
    return [c.strip('" ') for c in (ln.raw or "").split(delim)]  # naive: a raw line may hold a stray quote


def _names_of(header: Ln, lines: list[Ln], delim: str = ",") -> set[str]:
    cols = [i for i, h in enumerate(_cells(header, delim)) if isinstance(h, str) and _clean(h) in NAME_HEADERS]
    out: set[str] = set()
    for ln in lines:
        out.update(ln.names)
        if ln.kind != "data" or ln.out == "skipped":
            continue
        cells = _cells(ln, delim)
        for c in cols:
            if c < len(cells) and isinstance(cells[c], str):
                out.update(p for p in re.split(r"[、,，;；]", cells[c]))
    return {n for n in (_clean(x) for x in out) if len(n) >= 2 and not _ID_LIKE.match(n)}


def _sheet_manifest(title: str, rtype: str, lines: list[Ln], rows: list[int], spans: list[int],
                    delim: str = ",") -> tuple:
    """The manifest of one roster sheet: data lines after the header, continuation lines added."""
    head = [i for i, ln in enumerate(lines) if ln.kind == "header"]
    assert len(head) == 1, title
    h = head[0]
    assert all(ln.kind in ("title", "blank") for ln in lines[:h]), title
    entries = []
    for ln, row, span in zip(lines[h + 1 :], rows[h + 1 :], spans[h + 1 :], strict=True):
        if ln.kind == "blank":
            continue
        assert ln.kind == "data", (title, ln)
        entries.append(_line_entry(ln, row))
        for extra in range(row + 1, row + span):
            entries.append({"row": extra, "out": "skipped", "why": "continuation"})
    return {"sheet": title, "type": rtype, "lines": entries}, _names_of(lines[h], lines, delim)


def _add(file: str, classes, sheets: list, names: set, refused: bool = False, notes=(), data: bytes = b"") -> None:
    assert file not in DATA, file
    DATA[file] = data
    CASES.append({"file": file, "classes": sorted(set(classes)), "refused": refused, "sheets": sheets,
                  "notes": [list(n) for n in notes], "names": sorted(names)})


def _render(ln: Ln, delim: str) -> str:
    if ln.raw is not None:
        return ln.raw
    buf = io.StringIO()
    # the line terminator tells the writer to quote cells holding line breaks; it is not kept
    csv.writer(buf, delimiter=delim, lineterminator="\r\n").writerow(["" if c is None else str(c) for c in ln.cells])
    return buf.getvalue()[:-2]


ENCODERS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "gbk": lambda t: t.encode("gbk"),
    "gb18030": lambda t: t.encode("gb18030"),
    "big5": lambda t: t.encode("big5"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
}
BOMS = {"utf-8-sig": (b"\xef\xbb\xbf", "utf-8"), "utf-16le": (b"\xff\xfe", "utf-16-le"),
        "utf-16be": (b"\xfe\xff", "utf-16-be")}


def csv_case(file: str, rtype: str, lines: list[Ln], *, classes=(), enc: str = "utf-8", delim: str = ",",
             eol: str = "\n", final_eol: bool = True, notes=(), tail: bytes = b"") -> None:
    bom, base_enc = BOMS.get(enc, (b"", enc))
    chunks, rows, spans = [bom], [], []
    n = 1
    for i, ln in enumerate(lines):
        text = _render(ln, delim)
        span = len(_LINE_END.split(text))
        rows.append(n)
        spans.append(span)
        n += span
        last = i == len(lines) - 1
        chunks.append(ENCODERS[ln.enc or base_enc](text + ("" if last and not final_eol else eol)))
    data = b"".join(chunks) + tail
    sheet, names = _sheet_manifest(Path(file).stem, rtype, lines, rows, spans, delim)
    _add(file, ("csv", f"encoding:{enc}", f"delimiter:{delim!r}", *classes), [sheet], names, notes=notes,
         data=data)


def _fixed_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps, so that the corpus is byte for byte the same."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-05-01T00:00:00Z", body)
            zi = zipfile.ZipInfo(info.filename, date_time=(2024, 5, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def book_bytes(sheets: list[Sh], epoch1904: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.remove(wb.active)
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    for sh in sheets:
        ws = wb.create_sheet(sh.title)
        for ln in sh.lines:
            cells = ln.cells or []
            ws.append([None if isinstance(c, (Txt, Fm)) else c for c in cells])
            r = ws.max_row if cells else ws._current_row
            for c, v in enumerate(cells, start=1):
                if isinstance(v, Txt):
                    cell = ws.cell(r, c)
                    cell.value = str(v)
                    cell.data_type = "s"
                elif isinstance(v, Fm):
                    ws.cell(r, c).value = str(v)
        for (r, c), fmt in sh.formats.items():
            ws.cell(r, c).number_format = fmt
        for r0, c0, r1, c1 in sh.merges:
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        if sh.hidden:
            ws.sheet_state = sh.hidden
        if sh.far_format:
            ws.cell(1048576, 1).font = Font(bold=True)
            ws.cell(1, 16384).font = Font(bold=True)
    wb.properties.creator = "corpus"
    wb.properties.created = wb.properties.modified = datetime(2024, 5, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue())


def book_case(file: str, sheets: list[Sh], *, classes=(), notes=(), refused: bool = False,
              epoch1904: bool = False) -> None:
    data = book_bytes(sheets, epoch1904)
    entries, names = [], set()
    for sh in sheets:
        if sh.hidden:
            entries.append({"sheet": sh.title, "hidden": True})
            continue
        if sh.rtype is None:
            entries.append({"sheet": sh.title, "roster": False})
            continue
        rows = list(range(1, len(sh.lines) + 1))
        entry, got = _sheet_manifest(sh.title, sh.rtype, sh.lines, rows, [1] * len(rows))
        entries.append(entry)
        names |= got
    for sh in sheets:
        if sh.hidden:
            notes = (*notes, (sh.title, "hidden_sheet"))
    _add(file, ("xlsx", *classes), entries, names, refused=refused, notes=notes, data=data)


def raw_case(file: str, data: bytes, *, classes=(), refused: bool = True) -> None:
    _add(file, ("unreadable" if refused else "raw", *classes), [], set(), refused=refused, data=data)


# -- rosters ----------------------------------------------------------------------------------------

MH = ["党员编号", "姓名", "性别", "身份证号", "出生日期", "学历", "入党日期", "党员类别", "党员情况", "所在党组织",
      "居住地", "报到党组织", "备注"]  # fmt: skip
AH = ["区域编码", "区域名称", "层级", "上级区域", "户数", "活动场所面积", "年度工作经费"]
OH = ["组织编码", "党组织名称", "组织类别", "支部类型", "上级党组织", "所在区域", "所在单位", "联合单位", "本届选举日期",
      "是否设委员会"]  # fmt: skip
UH = ["单位编号", "单位名称", "单位类别", "所在社区", "职工人数", "党员人数", "报到党组织"]
PH = ["人员", "职务", "任职对象", "任职日期"]
XH = ["人员编号", "姓名", "职务身份", "工作单位", "联系电话"]
GH = ["协议编号", "协议名称", "社区党组织", "共建单位", "签订日期", "起始日期", "到期日期", "承诺资金"]
EH = ["活动编号", "活动名称", "活动日期", "依托协议", "组织方", "活动地点", "参加人数"]


def mem(head: list[str] = MH, **over) -> list:
    """A clean member row of ``head`` (the next person of the pool) with some cells replaced."""
    k, name = POOL.next()
    row = {"党员编号": f"C{k:03d}", "姓名": name, "性别": "", "身份证号": idn(k), "出生日期": "", "学历": "大学本科",
           "入党日期": "2005-07-01", "党员类别": "正式党员", "党员情况": "在职", "所在党组织": "P3",
           "居住地": "530702003003", "报到党组织": "P3", "备注": ""}  # fmt: skip
    row.update(over)
    return [row.get(h, "") for h in head]


def mems(n: int, head: list[str] = MH, **over) -> list[Ln]:
    return [D(mem(head, **over)) for _ in range(n)]


def col(head: list[str], name: str) -> int:
    return head.index(name)


def area(code, name, level, parent, hh="", venue="", funds="") -> list:
    return [code, name, level, parent, hh, venue, funds]


def org(code, name, kind, bkind="", parent="P2", area_="530702003003", unit="", covers="", elected="2024-03-01",
        committee="") -> list:
    return [code, name, kind, bkind, parent, area_, unit, covers, elected, committee]


def build() -> None:  # noqa: C901 - one long list of cases
    # == encodings ==================================================================================
    for enc, tag in [("utf-8", "utf8"), ("utf-8-sig", "utf8bom"), ("gbk", "gbk"), ("gb18030", "gb18030")]:
        csv_case(f"党员_{tag}.csv", "Member", [H(MH), *mems(3), D(mem(备注="退休返聘，联系电话见档案"))],
                 classes=["encoding"], enc=enc)
    csv_case("党员_gb18030_rare.csv", "Member",
             [T("祥和街道党员花名册"), H(MH), D(mem(姓名="王𠮷")), D(mem(姓名="䶮明远")), *mems(2)],
             classes=["encoding", "rare characters", "title rows"], enc="gb18030", eol="\r\n")
    big5_head = ["黨員編號", "姓名", "性別", "黨員類別", "黨員情況", "所在黨組織", "居住地", "備註"]
    csv_case("黨員_big5.csv", "Member",
             [H(big5_head),
              D(["B001", "陳志明", "男", "正式黨員", "在職", "祥雲社區第一黨支部", "祥雲社區", "無"],
                edges=[["MEMBER_OF", "@", "P3"], ["LIVES_IN", "@", "530702003003"]],
                props={"status": "formal", "situation": "in_service"}),
              D(["B002", "林淑華", "女", "預備黨員", "離退休", "順和社區黨支部", "順和社區", ""],
                props={"status": "probationary", "situation": "retired"}, edges=[["MEMBER_OF", "@", "P4"]]),
              D(["B003", "黃國強", "男", "正式黨員", "流動", "P3", "", "外出務工"])],
             classes=["encoding", "traditional"], enc="big5")
    csv_case("區域_big5.csv", "Area",
             [H(["區域編碼", "區域名稱", "層級", "上級區域", "戶數"]),
              D(["", "錦繡小區", "小區", "祥雲一網格", "120"],
                edges=[["CONTAINS", "G1", "@"]], props={"level": "compound", "households": 120}),
              D(["530702003006", "長壽社區", "社區", "祥和街道", "800"], edges=[["CONTAINS", "530702003", "@"]])],
             classes=["encoding", "traditional"], enc="big5")
    csv_case("人員_big5.csv", "Person",
             [H(["人員編號", "姓名", "職務身份", "工作單位", "聯繫電話"]),
              D(["X31", "謝長廷", "街道黨工委書記", "祥和街道辦事處", "0888-5120001"], props={"name": "謝長廷", "title": "街道黨工委書記"}),
              D(["X32", "蘇貞昌", "駐村第一書記", "古城區委組織部", ""])],
             classes=["encoding", "traditional", "people"], enc="big5")
    csv_case("党员_utf16.txt", "Member", [H(MH), *mems(2), D(mem(报到党组织="P3、P4"),
                                                              edges=[["REPORTED_TO", "@", "P3"],
                                                                     ["REPORTED_TO", "@", "P4"]])],
             classes=["encoding", "excel unicode text"], enc="utf-16le", delim="\t", eol="\r\n")
    csv_case("党员_utf16be.csv", "Member", [H(MH), *mems(3)], classes=["encoding"], enc="utf-16be")
    csv_case("党员_utf16_comma.csv", "Member", [H(MH), *mems(2), BL(), D(mem(备注="a,b"))],
             classes=["encoding", "blank rows"], enc="utf-16le", eol="\r\n")
    # a UTF-8 file with a broken line: a name pasted from a GBK document
    csv_case("党员_utf8_坏行.csv", "Member",
             [H(MH), *mems(2), X(mem(备注="复制自旧系统：张小华"), "bad_encoding_line", enc="gbk",
                                 names=("张小华",)), *mems(3)],
             classes=["encoding", "bad encoding line"])
    csv_case("党员_utf8_末行坏.csv", "Member",
             [H(MH), *mems(4), X(mem(姓名="刘晓光"), "bad_encoding_line", enc="gbk")],
             classes=["encoding", "bad encoding line"])
    csv_case("党员_utf8_两行坏.csv", "Member",
             [H(MH), *mems(2), X(mem(备注="旧系统导出"), "bad_encoding_line", enc="gbk"), *mems(2),
              X(mem(备注="旧系统导出二"), "bad_encoding_line", enc="gbk"), *mems(1)],
             classes=["encoding", "bad encoding line"])
    csv_case("党员_gbk_cr.csv", "Member", [H(MH), *mems(3)], classes=["encoding", "line ends \\r"], enc="gbk",
             eol="\r")
    csv_case("党员_bom_tab.tsv", "Member", [H(MH), *mems(2), D(mem(备注="地址：祥和路1号,3单元"))],
             classes=["encoding", "commas in cells"], enc="utf-8-sig", delim="\t")
    csv_case("党员_gb18030_分号.csv", "Member", [H(MH), *mems(2), D(mem(备注="爱好：书法,摄影,太极"))],
             classes=["encoding", "semicolons", "commas in cells"], enc="gb18030", delim=";")
    csv_case("党员_无末尾换行.csv", "Member", [H(MH), *mems(3)], classes=["no final newline"], final_eol=False)
    csv_case("党员_nul.csv", "Member", [H(MH), *mems(1), D(mem(备注="导出\x00残留")), *mems(1)],
             classes=["control characters", "NUL"])

    # == delimiters ==================================================================================
    csv_case("党员_tab.tsv", "Member",
             [H(MH), *mems(2), D(mem(备注="古城区,祥和路,8号"), props={"note": "古城区,祥和路,8号"})],
             classes=["tabs", "commas in cells"], delim="\t")
    csv_case("党员_分号.csv", "Member",
             [H(MH), D(mem(报到党组织="P3,P4"), edges=[["REPORTED_TO", "@", "P3"], ["REPORTED_TO", "@", "P4"]]),
              *mems(2), D(mem(备注="一,二,三"))], classes=["semicolons", "several reporting organizations"],
             delim=";")
    csv_case("党员_分号_引号.csv", "Member",
             [H(MH), D(mem(备注="甲;乙;丙"), props={"note": "甲;乙;丙"}), *mems(2)],
             classes=["semicolons", "semicolons in cells", "quotes"], delim=";")
    csv_case("党员_引号.csv", "Member",
             [H(MH), D(mem(备注='他说"好的",然后走了'), props={"note": '他说"好的",然后走了'}),
              D(mem(备注="逗号,在中间"), props={"note": "逗号,在中间"}),
              D(mem(备注="\"全引号\""), props={"note": "\"全引号\""}), *mems(1)],
             classes=["quotes", "commas in cells"])
    csv_case("单位_tab.txt", "Unit",
             [H(UH), D(["U8", "丽江古城酒店管理有限公司", "非公有制企业", "祥云社区", "45", "2", ""],
                       edges=[["LOCATED_IN", "@", "530702003003"]]),
              D(["U9", "顺和养老服务中心", "社会组织", "530702003004", "12", "", ""])],
             classes=["tabs", "units"], delim="\t")

    # == title rows, header variants ===================================================================
    csv_case("党员_标题行.csv", "Member",
             [T("祥和街道党员花名册"), T("填报单位：祥和街道党工委", "", "", "填报日期：2024年5月"), BL(),
              H(MH), *mems(3)], classes=["title rows"])
    csv_case("党员_标题合并.csv", "Member",
             [T("祥和街道2024年党员信息统计表", *[""] * 12), H(MH), *mems(2)], classes=["title rows"])
    seq_head = ["序号", *MH]
    csv_case("党员_序号.csv", "Member",
             [H(seq_head), *[D([str(i), *mem()]) for i in range(1, 4)]], classes=["row numbers column"])
    star_head = ["党员编号", "*姓名", "公民身份号码", "文化程度", "出生年月", "正式或预备", "人员情况", "所在党支部（必填）",
                 "手机号码"]  # fmt: skip
    csv_case("党员_表头别名.csv", "Member",
             [H(star_head), D(["C901", "沈玉洁", idn(901, birth="19800115"), "大专", "1980年1月", "正式", "退休", "P3", "13900001111"],
                               props={"education": "college", "situation": "retired"}),
              D(["C902", "彭家明", idn(902), "本科", "", "预备", "在岗", "祥云社区第一党支部", "0888-5123456"])],
             classes=["header aliases", "required marks"])
    csv_case("党员花名册.csv", "Member",
             [T("党员花名册"), H(["党员编号", "姓名", "性别", "出生日期", "所在党组织", "学历"]),
              D(["H01", "龙海燕", "女", "1975-03-02", "P3", "高中"]), D(["H02", "石开明", "男", "1962-11-20", "P4", "初中"])],
             classes=["花名册 without 党员情况", "absent columns"], notes=[("党员花名册", "absent_columns")])
    csv_case("党员_表头繁体.csv", "Member",
             [H(["黨員編號", "姓名", "學歷", "黨員類別", "黨員情況", "所在黨組織", "報到黨組織"]),
              D(["F01", "鄭宏達", "大學本科", "正式黨員", "離退休", "祥雲社區第一黨支部", "祥雲社區第一黨支部、順和社區黨支部"],
                props={"education": "bachelor", "status": "formal", "situation": "retired"},
                edges=[["MEMBER_OF", "@", "P3"], ["REPORTED_TO", "@", "P3"], ["REPORTED_TO", "@", "P4"]]),
              D(["F02", "許麗雲", "研究生", "預備黨員", "在職", "古城醫院黨支部", ""], edges=[["MEMBER_OF", "@", "P7"]])],
             classes=["traditional", "utf-8 traditional", "several reporting organizations"])
    csv_case("党员_表头控制符.csv", "Member",
             [H(["党员编号", "姓\u200b名", "\u202e所在党组织", "党员类别", "党员情况\x07"]),
              D(["K01", "鲁志飞", "P3", "正式党员", "在职"], edges=[["MEMBER_OF", "@", "P3"]],
                props={"situation": "in_service"})],
             classes=["control characters in headers"])

    # == quotes and line breaks in cells ============================================================
    csv_case("党员_单元格换行.csv", "Member",
             [H(MH), D(mem(备注="第一行\n第二行")), *mems(1), D(mem(备注="家庭住址：\r\n祥和路12号\r\n3单元")), *mems(1)],
             classes=["newlines in cells", "continuation"])
    csv_case("党员_单元格空行.csv", "Member",
             [H(MH), D(mem(备注="第一段\n\n第二段")), *mems(2)], classes=["newlines in cells", "continuation"])
    csv_case("党员_换行含逗号.csv", "Member",
             [H(MH), *mems(1), D(mem(备注="爱好：\n书法,摄影,太极,象棋,围棋,钓鱼,登山,游泳,跑步,唱歌,跳舞,绘画,阅读,旅游")),
              *mems(1)],
             classes=["newlines in cells", "commas in cells", "continuation"])
    r1, r2, r3 = (",".join(mem()) for _ in range(3))
    bad = ",".join(mem(备注='"未闭合的引号'))
    csv_case("党员_失控引号.csv", "Member",
             [H(MH), Ln(raw=r1), Ln(raw=bad, out="rejected", why="unbalanced_quote"), Ln(raw=r2), Ln(raw=r3)],
             classes=["runaway quote"])
    r1, r2 = (",".join(mem()) for _ in range(2))
    bad = ",".join(mem(姓名='"翁美华'))
    csv_case("党员_失控引号_末行.csv", "Member",
             [H(MH), Ln(raw=r1), Ln(raw=r2), Ln(raw=bad, out="rejected", why="unbalanced_quote", names=("翁美华",))],
             classes=["runaway quote", "last line"])
    r1, r2 = (",".join(mem()) for _ in range(2))
    csv_case("党员_失控引号_末列末行.csv", "Member",
             [H(MH), Ln(raw=r1), Ln(raw=r2), Ln(raw=",".join(mem(备注='"未闭合')), out="rejected", why="unbalanced_quote")],
             classes=["runaway quote", "last line"])
    a, b2 = mem(), mem()
    bad = ",".join(mem(学历='"大学'))
    good_quoted = ",".join(a[:-1]) + ',"备注,带逗号"'
    csv_case("党员_失控引号_后有引号.csv", "Member",
             [H(MH), Ln(raw=bad, out="rejected", why="unbalanced_quote"), Ln(raw=",".join(b2)), Ln(raw=good_quoted),
              *mems(1)],
             classes=["runaway quote", "quotes"])
    csv_case("党员_内嵌引号.csv", "Member",
             [H(MH), Ln(raw=",".join(mem(备注='外号"老黄牛"'))), *mems(1)], classes=["quotes"])
    csv_case("党员_失控引号_分号.csv", "Member",
             [H(MH), D(mem()), Ln(raw=";".join(mem(备注='"无结尾')), out="rejected", why="unbalanced_quote"),
              *mems(2)], classes=["runaway quote", "semicolons"], delim=";")

    # == long and short rows ==========================================================================
    csv_case("党员_多余逗号.csv", "Member",
             [H(MH), *mems(2), Ln(raw=",".join(mem(备注="祥和路12号")) + ",3单元", out="rejected", why="extra_cells"),
              *mems(1)], classes=["long rows", "extra cells"])
    short_head = ["党员编号", "姓名", "党员类别", "党员情况", "所在党组织", "备注", "籍贯"]
    csv_case("党员_多余逗号_末列空.csv", "Member",
             [H(short_head), D(["S01", "柳青山", "正式党员", "在职", "P3", "", ""]),
              Ln(raw="S02,卓文君,正式党员,在职,P3,家住祥和路12号,3单元,", out="rejected", why="extra_cells"),
              D(["S03", "甘雨露", "正式党员", "在职", "P3", "", "云南丽江"])],
             classes=["long rows", "extra cells", "shifted cells"])
    csv_case("党员_无表头列.csv", "Member",
             [H(["党员编号", "姓名", "党员类别", "党员情况", "所在党组织"]),
              *[D([f"W0{i}", n, "正式党员", "在职", "P3", "备用列"], warn=("unheaded_cells",))
                for i, n in enumerate(["解晓军", "全红英", "车晓晓"])]],
             classes=["long rows", "unheaded cells"])
    csv_case("党员_短行.csv", "Member",
             [H(MH), D(mem()[:10]), X(mem()[:6], "missing_required"), D(mem()[:12]), X(["C999"], "missing_required")],
             classes=["short rows"])
    csv_case("党员_错列.csv", "Member",
             [H(["党员编号", "姓名", "性别", "党员类别", "党员情况", "所在党组织"]),
              D(["E01", "贺兰山", "男", "正式党员", "在职", "P3"]),
              X(["E02", "女", "欧阳秀英", "正式党员", "在职", "P3"], "bad_enum", names=("欧阳秀英",)),
              X(["E03", "曲建明", "正式党员", "在职", "P3", ""], "bad_enum")],
             classes=["shifted cells", "names masked"])

    # == blank rows =====================================================================================
    csv_case("党员_空行.csv", "Member",
             [H(MH), BL(), *mems(1), BL(",,,,,,,,,,,,"), BL("   "), *mems(1), BL("\u3000,\u00a0,"), BL(), *mems(1),
              BL(), BL()],
             classes=["blank rows"])
    csv_case("党员_零宽行.csv", "Member",
             [H(MH), *mems(1), Ln(raw="\u200b,,,,,,,,,,,,", out=["rejected", "skipped"]), *mems(1)],
             classes=["blank rows", "control characters"])

    # == footers and notes ===============================================================================
    csv_case("党员_表尾.csv", "Member",
             [H(MH), *mems(3), SK(["合计", "3人"], "footer_row"), SK(["填表人：刘小红 审核人：李大明"], "footer_row", names=("刘小红", "李大明")),
              SK(["制表日期：2024年5月20日"], "footer_row")],
             classes=["footers"])
    csv_case("党员_备注行.csv", "Member",
             [H(MH), *mems(2), SK(["备注：以上数据截至2024年5月"], "footer_row"), SK(["说明：流动党员另表统计"], "footer_row"),
              SK(["注：1.本表由支部填写"], "footer_row")],
             classes=["footers", "notes under the table"])
    csv_case("党员_示例行.csv", "Member",
             [H(MH), SK(["示例", "张三", "男", "", "", "大学本科", "2010-07-01", "正式党员", "在职", "P3"], "footer_row"),
              *mems(2)],
             classes=["example row"])
    csv_case("党员_小计.csv", "Member",
             [H(MH), *mems(2), SK(["小计", "2"], "footer_row"), *mems(2), SK(["小计：2人"], "footer_row"),
              SK(["合計", "4"], "footer_row")],
             classes=["footers", "traditional"])
    csv_case("党员_表尾第二列.csv", "Member",
             [H(["序号", *MH]), *[D([str(i), *mem()]) for i in (1, 2)], SK(["", "合计", "", "2"], "footer_row"),
              SK(["", "", "审核人：王五"], "footer_row")],
             classes=["footers"])
    csv_case("单位_合计公司.csv", "Unit",
             [H(UH), D(["U20", "合计公司", "非公有制企业", "530702003003", "10", "", ""], props={"name": "合计公司"}),
              D(["U21", "注册会计师事务所", "非公有制企业", "530702003003", "6", "", ""]),
              SK(["合计", "", "", "", "16"], "footer_row")],
             classes=["footers", "not a footer"])

    # == repeated headers ==================================================================================
    csv_case("党员_重复表头.csv", "Member",
             [H(MH), *mems(2), SK(MH, "repeated_header"), *mems(2)], classes=["repeated header"])
    csv_case("党员_续表.csv", "Member",
             [T("祥和街道党员花名册"), H(MH), *mems(2), Ln(["祥和街道党员花名册（续）"], out=["rejected", "skipped"]),
              SK(MH, "repeated_header"), *mems(1)],
             classes=["repeated header", "repeated title"])
    csv_case("党员_拼接导出.csv", "Member",
             [H(MH), *mems(2), SK(["\ufeff" + MH[0], *MH[1:]], "repeated_header"), *mems(2)],
             classes=["repeated header", "concatenated exports", "control characters"])
    csv_case("党员_重复繁体表头.csv", "Member",
             [H(MH), *mems(1), SK(["黨員編號", "姓名", "性別", "身份證號", "出生日期", "學歷", "入黨日期", "黨員類別"],
                                  "repeated_header"), *mems(1)],
             classes=["repeated header", "traditional"])

    # == formula-looking values ============================================================================
    csv_case("党员_公式.csv", "Member",
             [H(MH), X(mem(党员类别="=1+1"), "bad_enum"), X(mem(所在党组织="@x"), "unknown_ref"),
              X(mem(出生日期="+8613900000000"), "bad_date"), X(mem(学历="=cmd|' /C calc'!A0"), "bad_enum"),
              X(mem(党员情况="-3"), "bad_enum"), X(mem(党员类别="＝SUM(A1)"), "bad_enum"),
              D(mem(备注="=HYPERLINK(\"http://x\",\"点我\")")), X(mem(入党日期="-2010-07-01"), "bad_date")],
             classes=["formula-looking values"])
    csv_case("区域_公式.csv", "Area",
             [H(AH), X(area("530702003101", "七一社区", "社区", "530702003", "-3"), "negative"),
              X(area("530702003102", "八一社区", "社区", "530702003", "", "=1+1"), "bad_number"),
              X(area("530702003103", "五四社区", "社区", "@祥和街道"), "unknown_ref"),
              D(area("530702003104", "三八社区", "社区", "530702003", "", "", "+2000"))],
             classes=["formula-looking values", "numbers"])
    csv_case("=党员.csv", "Member", [H(MH), *mems(1), X(mem(党员类别="积极分子"), "bad_enum")],
             classes=["formula-looking file name"])
    csv_case("@党员.csv", "Member", [H(MH), X(mem(学历="@SUM(1)"), "bad_enum")], classes=["formula-looking file name"])
    csv_case("人员_电话.csv", "Person",
             [H(XH), D(["X8", "包永年", "街道办主任", "祥和街道办事处", "+86 139-0000-0001"]),
              X(["X9", "骆冰清", "驻村干部", "丽江市委组织部", "=1+1"], "bad_phone"),
              D(["X10", "庞振国", "+街道领导", "-", "0888-5123456"])],
             classes=["formula-looking values", "people", "phones"])

    # == control characters ==================================================================================
    csv_case("党员_控制符.csv", "Member",
             [H(MH), D(mem(姓名="\x1b[31m钟红岩\x1b[0m"), warn=("invisible_chars",), names=("钟红岩",)),
              D(mem(备注="\x1b]0;pwned\x07正常备注"), warn=("invisible_chars",)),
              D(mem(党员类别="正式\x07党员"), warn=("invisible_chars",), props={"status": "formal"}),
              D(mem(姓名="\u202e华明田"), warn=("invisible_chars",)),
              D(mem(所在党组织="P\u200b3"), warn=("invisible_chars",), edges=[["MEMBER_OF", "@", "P3"]]),
              D(mem(备注="软\u00ad连字符\u2028行分隔\ufeff"), warn=("invisible_chars",))],
             classes=["control characters", "bidi", "zero-width"])
    csv_case("党员_控制符_拒绝.csv", "Member",
             [H(MH), X(mem(党员类别="\x1b[31m积极分子"), "bad_enum", warn=("invisible_chars",)),
              X(mem(所在党组织="\u202e无此支部"), "unknown_ref", warn=("invisible_chars",)),
              X(mem(姓名="\x9b31m邝美云", 身份证号="12345"), "bad_id_number", warn=("invisible_chars",), names=("邝美云",)),
              X(mem(姓名="\u200b"), "missing_required", warn=("invisible_chars",))],
             classes=["control characters", "rejected"])
    csv_case("任职_控制符.csv", "Post",
             [H(PH), X(["\u202e张一花", "书记", "P3", ""], "unknown_ref", warn=("invisible_chars",)),
              D(["张\u200b一华", "书记", "P3", "2024-03-01"], warn=("invisible_chars",),
                edges=[["SECRETARY_OF", "M000", "P3"]])],
             classes=["control characters", "posts", "names masked"])
    csv_case("区域_控制符.csv", "Area",
             [H(AH), D(area("530702003201", "\u2066团结社区\u2069", "社区", "530702003"), warn=("invisible_chars",),
                       props={"name": "团结社区"}),
              D(area("530702003202", "红旗\u200d社区", "社区", "祥和\u200b街道"), warn=("invisible_chars",))],
             classes=["control characters", "bidi", "zero-width"])

    # == numbers ===============================================================================================
    csv_case("区域_数字.csv", "Area",
             [H(AH),
              D(area("530702003301", "和谐社区", "社区", "530702003", "1300余户", "300平方", "45万余元"),
                warn=("approximate",), props={"households": 1300, "venue_area": 300, "funds": 450000}),
              D(area("530702003302", "文荣社区", "社区", "530702003", "1,200", "320㎡", "2847。1"),
                props={"households": 1200, "venue_area": 320, "funds": 2847.1}),
              D(area("530702003303", "新民社区", "社区", "530702003", "１２００", "约300", "2万元"),
                warn=("approximate",), props={"households": 1200, "venue_area": 300, "funds": 20000}),
              D(area("530702003304", "新华社区", "社区", "530702003", "900户", "150平方米", "20000元"),
                props={"households": 900, "venue_area": 150, "funds": 20000}),
              X(area("530702003305", "东升社区", "社区", "530702003", "12.5"), "bad_int"),
              X(area("530702003306", "西城社区", "社区", "530702003", "", "三百"), "bad_number"),
              X(area("530702003307", "南门社区", "社区", "530702003", "99999999999999999999"), "too_large"),
              X(area("530702003308", "北门社区", "社区", "530702003", "9007199254740993"), "too_large"),
              X(area("530702003309", "中和社区", "社区", "530702003", "1E+20"), ["too_large", "bad_number"]),
              D(area("530702003310", "安康社区", "社区", "530702003", "", "", "5万元左右"), warn=("approximate",),
                props={"funds": 50000})],
             classes=["numbers", "approximate numbers", "huge numbers"])
    csv_case("单位_人数.csv", "Unit",
             [H(UH), D(["U30", "丽江市第一中学", "事业单位", "530702003003", "300余人", "约50名", ""],
                       warn=("approximate",), props={"employees": 300, "member_count": 50}),
              D(["U31", "古城供电所", "国有企业", "530702003004", "1,234人", "3名", ""], props={"employees": 1234}),
              X(["U32", "玉龙商贸", "非公有制企业", "530702003003", "-5", "", ""], "negative")],
             classes=["numbers", "approximate numbers", "units"])
    csv_case("共建协议_金额.csv", "Agreement",
             [H(GH), D(["A11", "医院社区共建", "P2", "U1", "2024年1月1号", "2024-01-01", "2026-12-31", "45万余元"],
                       warn=("approximate",), props={"pledged_funds": 450000, "signed_on": "2024-01-01"},
                       edges=[["PARTY_TO", "P2", "@"], ["PARTY_TO", "U1", "@"]]),
              D(["A12", "商贸共建", "祥云社区党委", "云岭商贸有限公司", "二〇二三年三月", "2023—03—01", "2025年", "5万元左右"],
                warn=("approximate", "imprecise_date")),
              X(["A13", "无此单位共建", "P2", "无此公司", "2024-01-01", "", "", ""], "unknown_ref")],
             classes=["numbers", "approximate numbers", "dates", "agreements"])
    csv_case("活动_人数.csv", "Activity",
             [H(EH), D(["E11", "义诊进社区", "2024年5月1号", "", "P7", "530702003003", "约40人"], warn=("approximate",),
                       props={"date": "2024-05-01", "participants": 40}),
              D(["E12", "重阳敬老", "二〇二三年十月二十三日", "", "祥云社区党委", "祥雲社區", "40余人"], warn=("approximate",),
                props={"date": "2023-10-23"}),
              X(["E13", "植树", "2024-13-01", "", "P3", "", "20"], "bad_date"),
              X(["E14", "清扫", "", "", "P3", "", "20"], "missing_required")],
             classes=["numbers", "dates", "activities"])

    # == ID numbers ==============================================================================================
    good = idn(700)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad_birth = "53070219800230" + "123"
    bad_birth += check_char(bad_birth)
    future = "53070220500101" + "123"
    future += check_char(future)
    bad_region = "99999919800101" + "123"
    bad_region += check_char(bad_region)
    old15 = "530702800101001"
    low_x = next(i for i in (idn(n) for n in range(1000, 3000)) if i.endswith("X"))
    csv_case("党员_身份证.csv", "Member",
             [H(MH), D(mem(身份证号=good), props=facts(good)), X(mem(身份证号=bad_check), "bad_id_check"),
              X(mem(身份证号=bad_birth), "bad_id_birth"), X(mem(身份证号=future), "bad_id_birth"),
              X(mem(身份证号=bad_region), "bad_id_region"), X(mem(身份证号="12345"), "bad_id_number"),
              D(mem(身份证号=old15), props={"birth_date": "1980-01-01", "sex": "male"}),
              D(mem(身份证号=low_x.lower()), props=facts(low_x)),
              D(mem(身份证号=" ".join([low_x[:6], low_x[6:14], low_x[14:]])), props=facts(low_x)),
              X(mem(身份证号="5.30702E+17"), ["bad_id_number", "id_number_as_number"])],
             classes=["ID numbers", "bad ID numbers", "facts from ID"])
    fw = idn(711, male=False)
    csv_case("党员_身份证全角.csv", "Member",
             [H(MH), D(mem(身份证号=fw.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))), props=facts(fw))],
             classes=["ID numbers", "full-width"])
    a_id, b_id = idn(720, birth="19850312", male=False), idn(721, birth="19700505", male=True)
    csv_case("党员_身份证矛盾.csv", "Member",
             [H(MH), D(mem(身份证号=a_id, 性别="", 出生日期=""), props={"birth_date": "1985-03-12", "sex": "female"}),
              D(mem(身份证号=b_id, 性别="女", 出生日期="1970-05-05"), warn=("id_contradiction",),
                props={"sex": "female", "birth_date": "1970-05-05"}),
              D(mem(身份证号=idn(722, birth="19600101"), 出生日期="1961-01-01"), warn=("id_contradiction",),
                props={"birth_date": "1961-01-01"}),
              D(mem(身份证号=idn(723, birth="19751111"), 出生日期="1975年"), warn=("imprecise_date",))],
             classes=["ID numbers", "facts from ID", "contradictions"])
    nohead = ["姓名", "身份证号", "党员类别", "党员情况", "所在党组织", "出生日期"]
    dup_id = idn(730)
    csv_case("党员_无编号.csv", "Member",
             [H(nohead), D(["鲍春来", dup_id, "正式党员", "在职", "P3", ""]), MG(["鲍春来", dup_id, "正式党员", "在职", "P3", ""]),
              X(["鲍春来", dup_id, "预备党员", "在职", "P3", ""], "duplicate_conflict"),
              D(["岳明辉", "", "正式党员", "在职", "P3", "1966-06-06"]),
              X(["岳明月", "", "正式党员", "在职", "P3", ""], "no_id")],
             classes=["ID numbers", "derived ids", "duplicate rows", "conflicting duplicates"])

    # == dates ======================================================================================================
    date_shapes = [
        ("2010年7月1号", "2010-07-01", ()), ("二〇一〇年七月", "2010-07-01", ()), ("2010—07—01", "2010-07-01", ()),
        ("2010", "2010-01-01", ("imprecise_date",)), ("2010年", "2010-01-01", ("imprecise_date",)),
        ("20100701", "2010-07-01", ()), ("2010.07", "2010-07-01", ()), ("2010/7/1", "2010-07-01", ()),
        ("2010年元月", "2010-01-01", ()), ("2010.1", "2010-01-01", ("ambiguous_month",)),
        ("２０１０－０７－０１", "2010-07-01", ()), ("二〇一〇年十二月三十一日", "2010-12-31", ()),
        ("2010-07-01 08:30", "2010-07-01", ()), ("2010.7.1", "2010-07-01", ()), ("2010年7月1日", "2010-07-01", ()),
        ("2010——7——1", "2010-07-01", ()), ("2010 年 7 月", "2010-07-01", ()),
    ]
    csv_case("党员_日期.csv", "Member",
             [H(MH), *[D(mem(入党日期=t), props={"joined_on": iso}, warn=w) for t, iso, w in date_shapes]],
             classes=["dates"])
    csv_case("党员_坏日期.csv", "Member",
             [H(MH), X(mem(入党日期="2010-13-01"), "bad_date"), X(mem(入党日期="40360"), "number_not_date"),
              X(mem(入党日期="1899-12-31"), "bad_date"), X(mem(入党日期="2010-02-30"), "bad_date"),
              X(mem(入党日期="七月一日"), "bad_date"), X(mem(入党日期="2010.13"), "bad_date"),
              X(mem(出生日期="1980.02.30"), "bad_date")],
             classes=["dates", "bad dates"])
    csv_case("党组织_日期.csv", "PartyOrg",
             [H(OH), D(org("P21", "祥云社区第二党支部", "党支部", "居民党支部", elected="2021年6月1号"),
                       props={"elected_on": "2021-06-01"}, edges=[["LEADS", "P2", "@"]]),
              D(org("P22", "祥云社区第三党支部", "黨支部", "離退休黨支部", parent="祥云社区党委", elected="二〇二一年六月"),
                props={"elected_on": "2021-06-01", "kind": "branch", "branch_kind": "retirees"},
                edges=[["LEADS", "P2", "@"]]),
              D(org("P23", "祥云社区第四党支部", "党支部", "", elected="2021—06—01")),
              D(org("P24", "祥云社区第五党支部", "党支部", "", elected="2021"), warn=("imprecise_date",)),
              X(org("P25", "祥云社区第六党支部", "党支部", "", elected="44348"), "number_not_date"),
              D(org("P26", "祥云社区第七党支部", "党支部", "", committee="√"), props={"has_committee": True}),
              X(org("P27", "祥云社区第八党支部", "党支部", "", committee="也许"), "bad_bool")],
             classes=["dates", "traditional", "organizations"])

    # == references ===================================================================================================
    csv_case("党员_未知引用.csv", "Member",
             [H(MH), X(mem(所在党组织="祥云社区第一支部"), "unknown_ref", hint=("是否想填：", "祥云社区第一党支部")), X(mem(居住地="祥云小区"), "unknown_ref"),
              X(mem(报到党组织="P3、无此支部"), "unknown_ref"), X(mem(所在党组织="U1"), "wrong_target"),
              X(mem(报到党组织="G1"), "wrong_level"), X(mem(居住地="530702003"), "wrong_level"), *mems(1)],
             classes=["unknown references", "near names"])
    csv_case("党员_繁体引用.csv", "Member",
             [H(MH + ["工作单位"]),
              D(mem(MH + ["工作单位"], 所在党组织="祥雲社區第一黨支部", 居住地="祥雲社區", 报到党组织="順和社區黨支部",
                    工作单位="古城醫院", 学历="大學本科", 党员情况="離退休"),
                edges=[["MEMBER_OF", "@", "P3"], ["LIVES_IN", "@", "530702003003"], ["REPORTED_TO", "@", "P4"],
                       ["WORKS_AT", "@", "U1"]], props={"situation": "retired"}),
              D(mem(MH + ["工作单位"], 所在党组织="古城醫院黨支部", 居住地="祥雲一網格", 工作单位="雲嶺商貿有限公司"),
                edges=[["MEMBER_OF", "@", "P7"], ["LIVES_IN", "@", "G1"], ["WORKS_AT", "@", "U2"]])],
             classes=["traditional", "references by traditional name"])
    csv_case("党员_多个报到.csv", "Member",
             [H(MH), D(mem(报到党组织="P3、P4"), edges=[["REPORTED_TO", "@", "P3"], ["REPORTED_TO", "@", "P4"]]),
              D(mem(报到党组织="P3，P4；530702003004"), edges=[["REPORTED_TO", "@", "P3"], ["REPORTED_TO", "@", "P4"],
                                                           ["REPORTED_TO", "@", "530702003004"]]),
              D(mem(报到党组织="祥云社区第一党支部、顺和社区党支部"), edges=[["REPORTED_TO", "@", "P3"],
                                                              ["REPORTED_TO", "@", "P4"]]),
              D(mem(报到党组织="P3, P4"), edges=[["REPORTED_TO", "@", "P3"], ["REPORTED_TO", "@", "P4"]]),
              D(mem(报到党组织="P3、"), edges=[["REPORTED_TO", "@", "P3"]])],
             classes=["several reporting organizations"])
    csv_case("单位_报到多个.csv", "Unit",
             [H(UH), D(["U40", "丽江日报社", "事业单位", "530702003003", "80", "12", "P3、P4"],
                       edges=[["REPORTED_TO", "@", "P3"], ["REPORTED_TO", "@", "P4"]])],
             classes=["several reporting organizations", "units"])
    csv_case("党组织_引用.csv", "PartyOrg",
             [H(OH), D(org("P31", "云岭商贸联合党支部", "党支部", "联合党支部", covers="U2、祥云社工服务中心"),
                       edges=[["COVERS", "@", "U2"], ["COVERS", "@", "U3"]]),
              X(org("P32", "坏支部", "支委会"), "bad_enum"),
              X(org("P33", "坏支部下的小组", "党小组", parent="P32"), "rejected_ref"),
              X(org("P34", "自指支部", "党支部", parent="P34"), "self_ref"),
              X(org("P35", "无上级支部", "党支部", parent="祥云社区党工委"), "unknown_ref", hint=("祥和街道党工委",)),
              D(org("P36", "古城醫院第二黨支部", "党支部", "單位黨支部", parent="P7", area_="", unit="古城醫院"),
                edges=[["ANCHORED_IN", "@", "U1"], ["LEADS", "P7", "@"]])],
             classes=["unknown references", "references by traditional name", "cascade", "organizations"])
    csv_case("任职.csv", "Post",
             [H(PH), D(["张一华", "书记", "P3", "2024-03-01"], edges=[["SECRETARY_OF", "M000", "P3"]]),
              D(["周建國", "联系领导", "祥雲社區", "2023-01-01"], edges=[["LIAISON_FOR", "X1", "530702003003"]]),
              X(["张一花", "委员", "P3", ""], "unknown_ref", hint=("是否想填：张*华",)),
              D(["M001", "網格長", "G1", ""], edges=[["GRID_LEADER_OF", "M001", "G1"]]),
              D(["张二华", "書記", "祥云社区第一党支部", ""], edges=[["SECRETARY_OF", "M001", "P3"]]),
              X(["李大嘴", "委员", "P3", ""], "unknown_ref"), X(["张三华", "书记", "U1", ""], "wrong_target"),
              MG(["张一华", "书记", "P3", "2024-03-01"]),
              D(["张四华", "副书记", "P3", "2024年"], warn=("imprecise_date",), edges=[["DEPUTY_SECRETARY_OF", "M003", "P3"]])],
             classes=["posts", "names masked", "references by traditional name", "near names", "duplicate rows"])

    # == duplicates ======================================================================================================
    row_a = mem()
    spaced = [c.replace("P3", "Ｐ３") if c == "P3" else c for c in row_a]
    spaced[1] = " " + row_a[1][0] + "　" + row_a[1][1:] + " "
    csv_case("党员_重复行.csv", "Member",
             [H(MH), D(row_a), MG(list(row_a)), MG(spaced), *mems(1)],
             classes=["duplicate rows", "full-width", "whitespace"])
    row_b = mem(学历="")
    fuller = list(row_b)
    fuller[col(MH, "学历")] = "大专"
    conflict = list(row_b)
    conflict[col(MH, "党员类别")] = "预备党员"
    csv_case("党员_冲突重复.csv", "Member",
             [H(MH), D(row_b, props={"education": "college"}), MG(fuller), X(conflict, "duplicate_conflict"), *mems(1)],
             classes=["duplicate rows", "conflicting duplicates"])
    csv_case("党组织_与底册重复.csv", "PartyOrg",
             [H(ORGS[0]), MG(list(ORGS[3])), X(["P4", "顺和社区第一党支部", *ORGS[4][2:]], "duplicate_conflict"),
              D(["P40", "顺和社区第二党支部", "党支部", "居民党支部", "P1", "530702003004", "", "", "2024-03-01"])],
             classes=["duplicate rows", "conflicting duplicates", "organizations"])
    csv_case("区域_小区楼栋.csv", "Area",
             [H(AH), D(["", "锦华小区", "小区", "G1"], props={"level": "compound"}),
              D(["", "2栋", "楼栋", "锦华小区"], props={"level": "building"}),
              D(["", "3栋", "楼", "锦华小区"]), MG(["", "3栋", "楼", "锦华小区"]),
              X(["X9", "错社区", "社区", "G1"], "parent_rank"),
              X(["", "甲院", "小区", "乙院"], "unresolved_cycle"), X(["", "乙院", "小区", "甲院"], "unresolved_cycle")],
             classes=["areas", "derived ids", "duplicate rows"])
    csv_case("单位_无类别.csv", "Unit",
             [H(["单位编号", "单位名称", "所在社区", "职工人数"]), D(["U50", "祥和菜市场管理处", "祥云社区", "15"]),
              D(["U51", "顺和物业公司", "順和社區", "30"], edges=[["LOCATED_IN", "@", "530702003004"]])],
             classes=["units", "absent columns"], notes=[("单位_无类别", "absent_columns")])
    csv_case("人员.csv", "Person",
             [H(XH), D(["X20", "邱少云", "区委常委", "古城区委", "13800000020"]),
              D(["", "司马光", "党建指导员", "古城区委组织部", ""]), X(["X22", "", "无名", "", ""], "missing_required")],
             classes=["people", "names masked"])
    csv_case("党员_特殊姓名.csv", "Member",
             [H(MH), D(mem(姓名="阿依古丽·买买提")), D(mem(姓名="张　明")), D(mem(姓名="Tom Smith")),
              D(mem(姓名="李娜")), D(mem(姓名="=王小明")), X(mem(姓名="欧阳小华", 党员类别="积极分子"), "bad_enum")],
             classes=["names masked", "minority names", "latin names", "formula-looking values"])
    csv_case("党员_流动.csv", "Member",
             [H([*MH[:9], "所在党组织", "流入地", "外出日期"]),
              D(mem([*MH[:9], "所在党组织", "流入地", "外出日期"], 党员情况="流动", 流入地="广东省深圳市", 外出日期="2022年3月"),
                props={"situation": "mobile", "mobile_destination": "广东省深圳市", "mobile_since": "2022-03-01"}),
              D(mem([*MH[:9], "所在党组织", "流入地", "外出日期"], 党员情况="失联"))],
             classes=["mobile members"])
    csv_case("党员_仅表头.csv", "Member", [H(MH)], classes=["only a header"])
    csv_case("党员_表头加空行.csv", "Member", [H(MH), BL(), BL(",,,"), BL()], classes=["only a header", "blank rows"])
    csv_case("党员_只有表尾.csv", "Member", [H(MH), SK(["合计", "0"], "footer_row"), SK(["填表人：刘小红"], "footer_row")],
             classes=["only footers"])
    csv_case("党员_只剩零.csv", "Member", [H(MH), X(["", "", "", "", "0"], "missing_required")], classes=["short rows"])

    # == workbooks ===============================================================================================
    book_case("台账_多表.xlsx", [
        Sh("区域", "Area", [H(AH), D(["530702003401", "玉河社区", "社区", "祥和街道", 500, 120.5, 30000],
                                     props={"households": 500, "venue_area": 120.5})]),
        Sh("党组织", "PartyOrg", [H(OH), D(org("P41", "玉河社区党支部", "党支部", "居民党支部", "P1", "玉河社区"),
                                          edges=[["ANCHORED_IN", "@", "530702003401"]])]),
        Sh("党员", "Member", [H(MH), D(mem(所在党组织="玉河社区党支部", 居住地="玉河社区", 报到党组织="P41"),
                                     edges=[["MEMBER_OF", "@", "P41"]]), D(mem(姓名="段誉明", 党员编号="Q01"))]),
        Sh("任职", "Post", [H(PH), D(["段誉明", "书记", "玉河社区党支部", date(2024, 3, 1)],
                                    edges=[["SECRETARY_OF", "Q01", "P41"]])]),
        Sh("说明", None, [Ln(["本表由祥和街道党工委填报"]), Ln(["请勿修改表头"])]),
    ], classes=["several sheets", "references across sheets", "instructions sheet"])
    CASES[-1]["sheets"][-1] = {"sheet": "说明", "aux": True}
    book_case("党员_隐藏表.xlsx", [
        Sh("党员", "Member", [H(MH), *mems(2)]),
        Sh("旧数据", "Member", [H(MH), *mems(3)], hidden="hidden"),
        Sh("草稿", "Member", [H(MH), *mems(1)], hidden="veryHidden"),
    ], classes=["hidden sheets"])
    book_case("党员_仅隐藏表.xlsx", [
        Sh("空白", None, [Ln([])]),
        Sh("旧数据", "Member", [H(MH), *mems(2)], hidden="hidden"),
    ], classes=["hidden sheets", "only hidden"])
    CASES[-1]["sheets"][0] = {"sheet": "空白", "empty": True}
    n = len(MH)
    oc = col(MH, "所在党组织") + 1
    merged_lines = [T("祥和街道党员花名册", *[None] * (n - 1)), H(MH),
                    D(mem(所在党组织="P3"), edges=[["MEMBER_OF", "@", "P3"]]),
                    D(mem(所在党组织=None), edges=[["MEMBER_OF", "@", "P3"]]),
                    D(mem(所在党组织=None), edges=[["MEMBER_OF", "@", "P3"]]),
                    D(mem(所在党组织="P4"), edges=[["MEMBER_OF", "@", "P4"]]),
                    D(mem(所在党组织=None), edges=[["MEMBER_OF", "@", "P4"]])]
    book_case("党员_合并单元格.xlsx", [
        Sh("党员", "Member", merged_lines, merges=[(1, 1, 1, n), (3, oc, 5, oc), (6, oc, 7, oc)]),
    ], classes=["merged cells", "title rows"], notes=[("党员", "merged_filled")])
    nc = col(MH, "备注") + 1
    hc = col(MH, "居住地") + 1
    book_case("党员_合并两列.xlsx", [
        Sh("党员", "Member", [H(MH), D(mem(备注="同一楼栋", 居住地="G1"), edges=[["LIVES_IN", "@", "G1"]]),
                              D(mem(备注=None, 居住地=None), props={"note": "同一楼栋"}, edges=[["LIVES_IN", "@", "G1"]]),
                              D(mem(备注="", 居住地="530702003004"))],
           merges=[(2, nc, 3, nc), (2, hc, 3, hc)]),
    ], classes=["merged cells"], notes=[("党员", "merged_filled")])
    book_case("党员_合并表尾.xlsx", [
        Sh("党员", "Member", [H(MH), *mems(2), BL(cells=[]), SK(["填表人：刘小红", *[None] * (n - 1)], "footer_row"),
                              SK(["合计", 2], "footer_row")], merges=[(5, 1, 5, n)]),
    ], classes=["merged cells", "footers", "blank rows"])
    book_case("党员_分页表头.xlsx", [
        Sh("党员", "Member", [T("祥和街道党员花名册"), BL(cells=[]), T("单位：祥和街道", None, None, "2024年"), BL(cells=[]),
                              BL(cells=[]), H(MH), *mems(2), SK(list(MH), "repeated_header"), *mems(2),
                              SK(["示例", "张三"], "footer_row")]),
    ], classes=["title rows", "repeated header", "example row", "blank rows"])
    jc = col(MH, "入党日期") + 1
    id_num = idn(801)
    book_case("党员_数字单元格.xlsx", [
        Sh("党员", "Member", [
            H(MH),
            X(mem(身份证号=float(id_num[:15] + "000")), "id_number_as_number"),
            X(mem(身份证号=int(id_num[:17] + "0")), ["id_number_as_number", "bad_id_check", "bad_id_number"]),
            D(mem(身份证号=530702800101001), props={"birth_date": "1980-01-01", "sex": "male"}),
            D(mem(入党日期=date(2010, 7, 1)), props={"joined_on": "2010-07-01"}),
            D(mem(入党日期=datetime(2010, 7, 1, 9, 30)), props={"joined_on": "2010-07-01"}),
            X(mem(入党日期=40360), "number_not_date"),
            D(mem(入党日期=20100701), props={"joined_on": "2010-07-01"}),
            D(mem(入党日期=2010.07), props={"joined_on": "2010-07-01"}),
            D(mem(入党日期=2010.1), warn=("ambiguous_month",)),
            D(mem(入党日期=40360), props={"joined_on": "2010-07-01"}),
            D(mem(入党日期=40360), props={"joined_on": "2010-07-01"}),
            D(mem(入党日期=40360), props={"joined_on": "2010-07-01"}),
            D(mem(入党日期=2010), warn=("imprecise_date",)),
        ], formats={(11, jc): "yyyy/m/d", (12, jc): 'yyyy"年"m"月"d"日"', (13, jc): "[$-804]yyyy年m月d日"}),
    ], classes=["numbers in cells", "ID numbers as numbers", "Excel dates", "dates"])
    book_case("区域_数字单元格.xlsx", [
        Sh("区域", "Area", [H(AH), D(["530702003501", "金星社区", "社区", "530702003", 1200, 320.5, 20000.0],
                                     props={"households": 1200, "venue_area": 320.5, "funds": 20000}),
                            X(["530702003502", "金山社区", "社区", "530702003", 1e20], "too_large"),
                            X(["530702003503", "金江社区", "社区", "530702003", 12.5], "bad_int"),
                            X(["530702003504", "金沙社区", "社区", "530702003", -3], "negative"),
                            D([530702003505, "金龙社区", "社区", 530702003, "1300余户"], warn=("approximate",),
                              edges=[["CONTAINS", "530702003", "@"]])]),
    ], classes=["numbers in cells", "huge numbers"])
    book_case("党组织_布尔.xlsx", [
        Sh("党组织", "PartyOrg", [H(OH), D(org("P51", "金星社区党支部", "党支部", committee=True), props={"has_committee": True}),
                                  D(org("P52", "金山社区党支部", "党支部", committee=False), props={"has_committee": False}),
                                  D(org("P53", "金江社区党支部", "党支部", elected=datetime(2024, 3, 1)),
                                    props={"elected_on": "2024-03-01"})]),
    ], classes=["booleans", "Excel dates", "organizations"])
    book_case("党员_公式文本.xlsx", [
        Sh("党员", "Member", [H(MH), X(mem(党员类别=Txt("=1+1")), "bad_enum"), X(mem(所在党组织=Txt("@x")), "unknown_ref"),
                              X(mem(党员情况=Txt("+86")), "bad_enum"), X(mem(学历=Txt("-3")), "bad_enum"),
                              D(mem(备注=Fm("=HYPERLINK(\"http://x\",\"点我\")"))),
                              D(mem(备注=Txt("=SUM(A1:A9)")), props={"note": "=SUM(A1:A9)"})]),
    ], classes=["formula-looking values", "formulas"])
    book_case("党员_控制符.xlsx", [
        Sh("党员", "Member", [H(MH), D(mem(姓名="_x001B_[31m卫青松"), warn=("invisible_chars",), names=("卫青松",)),
                              D(mem(备注="_x0007_响铃_x001B_]0;title_x0007_"), warn=("invisible_chars",)),
                              D(mem(姓名="\u202e霍光明"), warn=("invisible_chars",)),
                              D(mem(所在党组织="P\u200b3"), warn=("invisible_chars",), edges=[["MEMBER_OF", "@", "P3"]])]),
    ], classes=["control characters", "bidi", "zero-width"])
    book_case("党员_表名公式.xlsx", [
        Sh("=SUM(A1)", "Member", [H(MH), *mems(1), X(mem(党员类别="积极分子"), "bad_enum")]),
        Sh("+党员", "Member", [H(MH), X(mem(学历="博士后"), "bad_enum")]),
    ], classes=["formula-looking sheet names"])
    book_case("党员_表名控制符.xlsx", [
        Sh("党员\u202e", "Member", [H(MH), *mems(1), X(mem(党员类别="积极分子"), "bad_enum")]),
        Sh("\u200b党员二", "Member", [H(MH), *mems(1)]),
    ], classes=["control characters in sheet names", "bidi"])
    book_case("党员_统计页.xlsx", [
        Sh("党员", "Member", [H(MH), *mems(2)]),
        Sh("统计", None, [Ln(["支部", "人数"]), Ln(["第一支部", 12]), Ln(["第二支部", 8])]),
    ], classes=["several sheets", "sheet with no roster"])
    book_case("党员_跨表重复.xlsx", [
        Sh("一支部", "Member", [H(MH), D(row_c := mem()), *mems(1)]),
        Sh("二支部", "Member", [H(MH), MG(list(row_c)), *mems(1)]),
    ], classes=["several sheets", "duplicate rows"])
    book_case("任职_同名.xlsx", [
        Sh("党员", "Member", [H(MH), D(mem(姓名="苗青", 党员编号="Y01")), D(mem(姓名="苗青", 党员编号="Y02"))]),
        Sh("任职", "Post", [H(PH), X(["苗青", "委员", "P3", ""], "ambiguous_ref"), D(["Y01", "委员", "P3", ""])]),
    ], classes=["posts", "ambiguous references", "names masked"])
    book_case("党员_级联.xlsx", [
        Sh("党组织", "PartyOrg", [H(OH), X(org("P61", "坏支部", "支委会"), "bad_enum")]),
        Sh("党员", "Member", [H(MH), X(mem(所在党组织="P61"), "rejected_ref"), *mems(1)]),
    ], classes=["cascade"])
    book_case("党员_标题多行.xlsx", [
        Sh("Sheet1", "Member", [T("中共祥和街道工作委员会"), T("党员基本信息统计表", None, None), T("（2024年度）"),
                                T(None, None, None, None, None, None, None, None, None, None, None, "单位：人"),
                                BL(cells=[]), H(MH), *mems(3), BL(cells=[]), SK(["制表日期：2024年5月"], "footer_row")],
           merges=[(1, 1, 1, n), (2, 1, 2, n)]),
    ], classes=["title rows", "merged cells", "footers"])
    book_case("党员_示例行.xlsx", [
        Sh("党员", "Member", [H(MH), SK(["示例：", "张三", "男"], "footer_row"), *mems(2)]),
        Sh("说明", None, [Ln(["填表说明"]), Ln(["1. 党员编号可空"])]),
        Sh("选项", None, [Ln(["学历"]), Ln(["大学本科"])]),
    ], classes=["example row", "template"])
    CASES[-1]["sheets"][1:] = [{"sheet": "说明", "aux": True}, {"sheet": "选项", "aux": True}]
    book_case("党员_繁体.xlsx", [
        Sh("黨員名冊", "Member", [H(["黨員編號", "姓名", "性別", "黨員類別", "黨員情況", "所在黨組織", "居住地"]),
                                  D(["T01", "蕭振國", "男", "正式黨員", "離退休", "祥雲社區第一黨支部", "祥雲社區"],
                                    edges=[["MEMBER_OF", "@", "P3"]], props={"situation": "retired"}),
                                  SK(["合計", 1], "footer_row")]),
    ], classes=["traditional", "references by traditional name"])
    book_case("党员_短行.xlsx", [
        Sh("党员", "Member", [H(MH), D(mem()[:10]), X(mem()[:5], "missing_required"), D(mem())]),
    ], classes=["short rows"])
    book_case("党员.csv.xlsx", [Sh("党员", "Member", [H(MH), *mems(1)])], classes=["extension"])
    # an xlsx saved with a .csv name (the bytes say what it is)
    book = book_bytes([Sh("党员", "Member", [H(MH), (zl := D(mem()))])])
    _add("党员_其实是xlsx.csv", ["xlsx", "wrong extension"],
         [{"sheet": "党员", "type": "Member", "lines": [_line_entry(zl, 2)]}], _names_of(H(MH), [zl]), data=book)

    # == more of what departments hold ===============================================================
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow([f" {h} " for h in MH])
    quoted = [mem() for _ in range(3)]
    w.writerows([[f"{c} " if c else "" for c in r] for r in quoted])
    qlines = buf.getvalue().split("\r\n")[:-1]
    csv_case("党员_全引号.csv", "Member", [H(MH) if i == 0 else Ln(raw=t) for i, t in enumerate(qlines)],
             classes=["quotes", "padded cells"], eol="\r\n")
    csv_case("党员_行尾逗号.csv", "Member", [Ln(raw=",".join(MH) + ",", kind="header"),
                                         *[Ln(raw=",".join(mem()) + ",") for _ in range(3)]],
             classes=["trailing delimiters"])
    csv_case("党员_首列空.csv", "Member", [H(["", *MH]), *[D(["", *mem()]) for _ in range(2)]],
             classes=["empty first column"])
    csv_case("党员_DOS结束符.csv", "Member", [H(MH), *mems(2), Ln(raw="\x1a", out=["rejected", "skipped"])],
             classes=["control characters", "DOS end of file"], eol="\r\n", final_eol=False)
    csv_case("党员_gbk_少中文.csv", "Member",
             [H(["党员编号", "姓名", "党员类别", "党员情况", "所在党组织", "联系电话"]),
              *[D([f"K{i}", n, "正式", "在职", "P3", f"1390000{i:04d}"]) for i, n in enumerate(["王强", "刘洋", "陈晨"])]],
             classes=["encoding", "few Chinese characters"], enc="gbk")
    csv_case("党员_长备注.csv", "Member", [H(MH), D(mem(备注="情况说明：" + "该同志长期坚持参加社区志愿服务。" * 120)), *mems(1)],
             classes=["long cells"])
    wrapped = [h if h not in ("所在党组织", "党员类别", "报到党组织") else h[:2] + "\n" + h[2:] for h in MH]
    book_case("党员_换行表头.xlsx", [Sh("党员", "Member", [H(wrapped), *mems(2), D(mem(报到党组织="P3、P4"),
                                                              edges=[["REPORTED_TO", "@", "P4"]])])],
              classes=["line breaks in headers"])
    book_case("党员_两级表头.xlsx", [
        Sh("党员", "Member", [T("基本信息", None, None, None, None, None, None, "组织信息"), H(MH), *mems(3)],
           merges=[(1, 1, 1, 7), (1, 8, 1, 13)]),
    ], classes=["two-level headers", "merged cells"])
    book_case("党员_从B列开始.xlsx", [
        Sh("党员", "Member", [BL(cells=[]), H([None, *MH]), *[D([None, *mem()]) for _ in range(2)]]),
    ], classes=["empty first column", "title rows"])
    book_case("党员_1904日期.xlsx", [
        Sh("党员", "Member", [H(MH), D(mem(入党日期=date(2010, 7, 1)), props={"joined_on": "2010-07-01"})]),
    ], classes=["Excel dates", "1904 date system"], epoch1904=True)
    book_case("党员_格式到末行.xlsx", [Sh("党员", "Member", [H(MH), *mems(2)], far_format=True)],
              classes=["formatted empty cells"])

    # == files that cannot be read ===================================================================================
    raw_case("空文件.csv", b"", classes=["empty file"])
    raw_case("只有空白.csv", b" \r\n\t\n  \n", classes=["empty file"])
    raw_case("图片.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64 + bytes(range(256)) * 2, classes=["binary file"])
    raw_case("党员_不是zip.xlsx", "党员编号,姓名\nC1,王明\n".encode(), classes=["xlsx not a zip"])
    raw_case("党员_截断.xlsx", book_bytes([Sh("党员", "Member", [H(MH), *mems(3)])])[:300], classes=["truncated xlsx"])
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        zi = zipfile.ZipInfo("readme.txt", date_time=(2024, 5, 1, 0, 0, 0))
        z.writestr(zi, "not a workbook")
    raw_case("党员_普通zip.xlsx", zbuf.getvalue(), classes=["zip that is not a workbook"])
    raw_case("党员_网页导出.xls", ("<html><head><meta charset='utf-8'></head><body><table><tr><td>党员编号</td><td>姓名</td>"
                                "<td>所在党组织</td></tr><tr><td>C1</td><td>王明</td><td>P3</td></tr></table></body></html>"
                                ).encode(), classes=["html saved as xls"])
    raw_case("商品清单.csv", "序号,商品,单价,数量\n1,铅笔,1.5,100\n2,橡皮,0.8,50\n".encode(), classes=["no roster header"])
    raw_case("只有一列.csv", "名单\n王明\n李华\n".encode(), classes=["no roster header"])
    raw_case("党员.doc", "党员编号,姓名,所在党组织\nC1,王明,P3\n".encode(), classes=["unknown extension"])
    raw_case("党员_坏utf16.csv", b"\xff\xfe" + "党员编号,姓名\n".encode("utf-16-le") + b"\x00\xd8\x41", classes=["broken utf-16"])
    book = book_bytes([Sh("统计", None, [Ln(["支部", "人数"]), Ln(["第一支部", 12])])])
    raw_case("统计表.xlsx", book, classes=["no roster header", "xlsx"])
    raw_case("二进制.xlsx", bytes((i * 37 + 11) % 256 for i in range(600)), classes=["binary file"])
    raw_case("零字节.xlsx", b"", classes=["empty file"])
    raw_case("党员_空表.xlsx", book_bytes([Sh("Sheet1", None, [Ln([])])]), classes=["empty workbook"])


def base_rows() -> dict[str, list[list]]:
    return {"区域.csv": AREAS, "党组织.csv": ORGS, "驻区单位.csv": UNITS, "人员.csv": PEOPLE, "党员.csv": member_rows(4)}


BASE_NAMES = ["张一华", "张二华", "张三华", "张四华", "周建国"]


def main(out: Path = HERE) -> Path:
    CASES.clear()
    DATA.clear()
    POOL.k = 0
    build()
    files, base = out / "files", out / "base"
    for d in (files, base):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    for name, rows in base_rows().items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        (base / name).write_text(buf.getvalue(), encoding="utf-8")
    for name, data in DATA.items():
        (files / name).write_bytes(data)
    head = json.dumps({"base": "base", "base_names": BASE_NAMES}, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(c, ensure_ascii=False) for c in CASES)  # a line per file
    (files / "manifest.json").write_text(f'{head}, "files": [\n{body}\n]}}\n', encoding="utf-8")
    return files


if __name__ == "__main__":
    got = main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"{len(CASES)} files in {got}")
