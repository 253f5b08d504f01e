"""The blank rosters: the workbook is read back with openpyxl and checked against the schema."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from dangjian.graph.schema import model
from dangjian.loaders.normalize import parse_id_number
from dangjian.loaders.template import (
    AUX_SHEETS,
    CHOICES,
    EXAMPLE_MARK,
    FIRST_ROW,
    INSTRUCTIONS,
    LAST_ROW,
    TEXT_TYPES,
    WORKBOOK_NAME,
    _display_width,
    header_row,
    write_templates,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
LANGS = ("zh", "en")


@pytest.fixture(scope="module", params=LANGS)
def made(request, tmp_path_factory):
    lang = request.param
    out = tmp_path_factory.mktemp(f"template-{lang}")
    written = write_templates(out, lang)
    return lang, out, written, load_workbook(out / WORKBOOK_NAME[lang])


def data_sheets(lang, wb):
    for rt in model().records:
        yield rt, wb[rt.roster[lang]]


def validations(ws):
    """Column letter -> its data validation (exactly one per column)."""
    by_column = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_col == rng.max_col
            letter = get_column_letter(rng.min_col)
            assert letter not in by_column, f"{ws.title}!{letter} has two validations"
            by_column[letter] = (dv, rng)
    return by_column


def columns(rt):
    return [(get_column_letter(i), p) for i, p in enumerate(rt.properties.values(), start=1)]


def test_files_written_atomically_and_csvs_header_only(made):
    lang, out, written, wb = made
    m = model()
    assert [p.name for p in written] == [f"{rt.roster[lang]}.csv" for rt in m.records] + [WORKBOOK_NAME[lang]]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no temp files left
    for rt in m.records:
        text = (out / f"{rt.roster[lang]}.csv").read_bytes().decode("utf-8-sig")
        assert text == ",".join(header_row(rt, lang)) + "\r\n"  # no example row in a CSV
    assert wb.sheetnames == [INSTRUCTIONS[lang], CHOICES[lang], *(rt.roster[lang] for rt in m.records)]
    assert set(wb.sheetnames) - {rt.roster[lang] for rt in m.records} == AUX_SHEETS & set(wb.sheetnames)
    assert wb[CHOICES[lang]].sheet_state == "hidden"


def test_headers_mark_and_colour_required_columns(made):
    lang, _, _, wb = made
    for rt, ws in data_sheets(lang, wb):
        assert [c.value for c in ws[1]] == header_row(rt, lang)
        for (_, p), cell in zip(columns(rt), ws[1], strict=True):
            assert cell.font.bold
            coloured = cell.fill.fill_type == "solid"
            assert coloured == p.required == cell.value.endswith("*"), f"{rt.name}.{p.name}"
        assert ws.freeze_panes == "A2"


def test_every_column_has_a_prompt_and_lists_refuse_other_values(made):
    lang, _, _, wb = made
    choices_sheet = wb[CHOICES[lang]]
    for rt, ws in data_sheets(lang, wb):
        dvs = validations(ws)
        for letter, p in columns(rt):
            dv, rng = dvs[letter]
            where = f"{rt.name}.{p.name}"
            assert (rng.min_row, rng.max_row) == (FIRST_ROW, LAST_ROW), where
            assert dv.showInputMessage and dv.promptTitle == p.label(lang)[:32] and dv.prompt, where
            assert len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32
            assert ("必填" if lang == "zh" else "Required") in dv.prompt if p.required else True
            if lang == "zh":
                assert CJK.search(dv.prompt), where
            if p.enum is not None or p.type == "bool":
                allowed = p.enum.choices(lang) if p.enum else (["是", "否"] if lang == "zh" else ["yes", "no"])
                assert dv.type == "list" and dv.allow_blank, where
                assert dv.showErrorMessage and dv.errorStyle == "stop", where
                assert dv.errorTitle and dv.error and len(dv.error) <= 225 and len(dv.errorTitle) <= 32
                sheet, ref = dv.formula1.split("!")
                assert sheet.strip("'") == CHOICES[lang]
                cells = choices_sheet[ref.replace("$", "")]
                assert [row[0].value for row in cells] == allowed, where
                if lang == "zh":
                    assert CJK.search(dv.errorTitle) and dv.error.startswith("请从下拉列表中选择")
                if len("、".join(allowed)) <= 20:  # short lists are named in the message
                    assert all(a in dv.error for a in allowed), where
                if p.enum is not None:
                    assert p.label(lang) in dv.errorTitle
            elif p.type in ("int", "number"):
                assert dv.type == ("whole" if p.type == "int" else "decimal"), where
                assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0", where
                assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.error, where
                if lang == "zh":
                    assert "不小于 0" in dv.error and CJK.search(dv.errorTitle)
            elif p.type == "id_number":
                assert dv.type == "custom" and "LEN" in dv.formula1 and dv.errorStyle == "stop"
            else:
                assert dv.type is None, where  # any value: a prompt only
            if p.type == "date":
                assert "2010-07-01" in dv.prompt and "2010年7月" in dv.prompt


def test_member_status_message_names_its_choices():
    """The message a user sees when typing 积极分子 into 党员类别."""
    m = model()
    rt = m.node("Member")
    import tempfile

    out = tempfile.mkdtemp()
    write_templates(out)
    ws = load_workbook(f"{out}/{WORKBOOK_NAME['zh']}")[rt.roster["zh"]]
    letter = dict((p.name, letter) for letter, p in columns(rt))["status"]
    dv, _ = validations(ws)[letter]
    assert dv.error == "请从下拉列表中选择：" + "、".join(rt.prop("status").enum.choices("zh"))


def test_text_format_covers_every_validated_row(made):
    lang, _, _, wb = made
    seen = set()
    for rt, ws in data_sheets(lang, wb):
        for letter, p in columns(rt):
            if p.type in TEXT_TYPES:
                seen.add(p.type)
                for r in range(FIRST_ROW, LAST_ROW + 1):
                    assert ws[f"{letter}{r}"].number_format == "@", f"{ws.title}!{letter}{r}"
                assert ws.column_dimensions[letter].number_format == "@"
            else:
                assert ws[f"{letter}{LAST_ROW}"].number_format != "@"
    assert seen == set(TEXT_TYPES)


def test_columns_fit_header_and_kind_of_value(made):
    lang, _, _, wb = made
    floor = {"id_number": 22, "date": 12, "ref": 24, "phone": 13}
    for rt, ws in data_sheets(lang, wb):
        for letter, p in columns(rt):
            width = ws.column_dimensions[letter].width
            header = p.label(lang) + ("*" if p.required else "")
            assert width >= _display_width(header) + 2, f"{rt.name}.{p.name}"
            assert width >= floor.get(p.type, 8), f"{rt.name}.{p.name}"
            assert width <= 48
            if p.type == "text" and p.name == "name":
                assert width >= 16
            if p.enum is not None:
                assert width >= max(map(_display_width, p.enum.choices(lang))) + 2
            example = ws[f"{letter}{FIRST_ROW}"].value
            if isinstance(example, str):
                assert width >= _display_width(example), f"{rt.name}.{p.name}"


def test_example_row_is_marked_grey_italic_and_plausible(made):
    lang, _, _, wb = made
    ids = {}
    for rt, ws in data_sheets(lang, wb):
        row = ws[FIRST_ROW]
        assert len(row) == len(rt.properties)
        first = row[0].value
        assert isinstance(first, str) and first.startswith(EXAMPLE_MARK), rt.name
        for (_, p), cell in zip(columns(rt), row, strict=True):
            where = f"{rt.name}.{p.name}"
            assert cell.font.italic and cell.font.color.rgb.endswith("808080"), where
            value = cell.value
            assert value not in (None, ""), where  # every column shows what goes in it
            if cell.column == 1:
                value = re.fullmatch(f"{EXAMPLE_MARK}\\W*(?:example\\W*)?(.+)", value).group(1)
                if p.type == "id":
                    ids[rt.name] = value
            if p.enum is not None:
                assert value == p.enum.choices(lang)[0], where
            elif p.type == "bool":
                assert value == ("是" if lang == "zh" else "yes")
            elif p.type == "date":
                assert isinstance(value, dt.datetime) and cell.number_format == "yyyy-mm-dd", where
            elif p.type == "id_number":
                assert parse_id_number(value) == value and len(value) == 18  # a valid check digit
            elif p.type == "phone":
                assert re.fullmatch(r"1\d{10}", value), where
            elif p.type in ("int", "number"):
                assert isinstance(value, (int, float)) and value >= 0, where
            elif p.type in ("id", "ref", "text"):
                assert isinstance(value, str) and value.strip(), where
    # references use the sample ID of their target's own example row
    for rt, ws in data_sheets(lang, wb):
        for (_, p), cell in zip(columns(rt), ws[FIRST_ROW], strict=True):
            if p.type == "ref" and cell.column != 1:
                first = cell.value.split("、")[0]
                assert first == ids[p.targets[0]], f"{rt.name}.{p.name}"
    assert len(set(ids.values())) == len(ids)  # one prefix per node type


def test_instructions_read_as_instructions(made):
    lang, _, _, wb = made
    m = model()
    g = wb[INSTRUCTIONS[lang]]
    header = ["台账", "列", "必填", "类型", "填写说明", "示例"] if lang == "zh" else \
        ["Roster", "Column", "Required", "Type", "How to fill", "Example"]  # fmt: skip
    rows = [list(r) for r in g.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r[: len(header)] == header)
    title, paragraphs = rows[0][0], [r[0] for r in rows[1:at] if r[0]]
    assert g["A1"].font.bold and len(title) < 50
    assert ("说明" in title) if lang == "zh" else ("how to fill" in title)
    assert 5 <= len(paragraphs) <= 12
    text = "\n".join(paragraphs)
    for rt in m.records:
        assert rt.roster[lang] in text
    book = WORKBOOK_NAME[lang]
    for needle in ("*", EXAMPLE_MARK, "2010-07-01", "2010年7月", f"dangjian load {book}", "3"):
        assert needle in text, needle
    if lang == "zh":
        for needle in ("必填", "第 3 行", "编号或唯一名称", "文本格式", "身份证号"):
            assert needle in text, needle
    else:
        assert not CJK.search(text.replace(EXAMPLE_MARK, "").replace("2010年7月", ""))  # English
        for needle in ("required", "row 3", "unique name", "as text", "ID number"):
            assert needle in text, needle
    for r in range(2, at + 1):  # paragraphs wrap across the table's width
        if rows[r - 1][0]:
            assert g.cell(row=r, column=1).alignment.wrap_text
            assert any(str(rng).startswith(f"A{r}:") for rng in g.merged_cells.ranges)
    # then the table of every column of every roster, as before
    table = rows[at + 1:]
    assert len(table) == sum(len(rt.properties) for rt in m.records)
    expected = [(rt.roster[lang], p.label(lang), p.required) for rt in m.records for p in rt.properties.values()]
    yes = "是" if lang == "zh" else "yes"
    assert [(r[0], r[1], r[2] == yes) for r in table] == expected
    assert g.print_title_rows == f"${at + 1}:${at + 1}"


def test_print_setup_on_every_sheet(made):
    lang, _, _, wb = made
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    for _, ws in data_sheets(lang, wb):
        assert ws.print_title_rows == "$1:$1"


def test_loader_recognises_every_sheet_and_skips_the_example_rows(made):
    """Loading the untouched workbook finds every roster and loads nothing: the example rows
    (first cell 示例…) are not entities."""
    from dangjian.graph.store import Workspace
    from dangjian.loaders.load import load_paths

    lang, out, _, _ = made
    m = model()
    ws = Workspace.open(":memory:", create=True)
    result = load_paths(ws, [out / WORKBOOK_NAME[lang]], lang=lang)
    assert sorted(s["type"] for s in result.sheets) == sorted(rt.name for rt in m.records)
    assert {s["sheet"] for s in result.sheets} == {rt.roster[lang] for rt in m.records}
    assert all(s["header_row"] == 1 for s in result.sheets)
    assert result.skipped_sheets == []
    assert ws.counts() == {"nodes": {}, "edges": {}}
    assert result.loaded == 0 and result.rejected == 0, [r for r in result.rejects][:5]


def test_recommended_columns_and_facts_from_the_id_number(made):
    """A recommended column says so; a fact an ID number tells says it may be left blank, and the
    example row agrees with its example ID number."""
    lang, _, _, wb = made
    for rt, ws in data_sheets(lang, wb):
        dvs = validations(ws)
        id_number = next((ws[f"{letter}{FIRST_ROW}"].value for letter, p in columns(rt)
                          if p.type == "id_number"), None)  # fmt: skip
        for letter, p in columns(rt):
            prompt = dvs[letter][0].prompt
            if getattr(p, "recommended", False) and not p.required:
                assert prompt.startswith("建议填写" if lang == "zh" else "Recommended"), prompt
            elif not p.required:
                assert prompt.startswith("选填" if lang == "zh" else "Optional"), prompt
            if getattr(p, "from_id", None):
                assert ("身份证号" if lang == "zh" else "ID number") in prompt
                value = ws[f"{letter}{FIRST_ROW}"].value
                if p.from_id == "birth_date" and id_number:
                    assert value.strftime("%Y%m%d") == id_number[6:14]
