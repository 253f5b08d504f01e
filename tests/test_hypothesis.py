"""Hypothesis: any row either loads or is rejected with a reason; clean rows round-trip."""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dangjian.graph.build import to_networkx
from dangjian.graph.privacy import NameGuard, mask_name
from dangjian.graph.store import Workspace
from dangjian.loaders.load import load_paths
from dangjian.loaders.messages import MESSAGES, render
from dangjian.loaders.normalize import id_check_digit
from dangjian.loaders.roster import KINDS

ROW_CODES = {"extra_cells", "unbalanced_quote", "bad_encoding_line"}  # about a whole row, not a cell

_BREAK = re.compile(r"\r\n|\n|\r")
HEAD = ["党员编号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "学历", "入党日期", "党员类别", "党员情况",
        "所在党组织", "居住地", "报到日期"]
BASE = Path(tempfile.mkdtemp())
(BASE / "党组织.csv").write_text("组织编码,党组织名称,组织类别\nP1,祥云社区党委,党委\n", encoding="utf-8")
(BASE / "区域.csv").write_text("区域编码,区域名称,层级\nC1,祥云社区,社区\n", encoding="utf-8")

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", " ", "正式", "预备党员", "在职", "男", "女", "P1", "祥云社区党委", "C1", "2010年7月",
                     "2010.13", "４０３６０", "是", "１３９００００１２３４", "=1+1", "\u3000", "NaN", "-1"]),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True).map(str),
)


def _load(rows: list[list[str]], encoding: str = "utf-8"):
    d = Path(tempfile.mkdtemp())
    with open(d / "党员.csv", "w", encoding=encoding, newline="", errors="replace") as fh:
        csv.writer(fh).writerows([HEAD, *rows])
    ws = Workspace.open(":memory:", create=True)
    return ws, load_paths(ws, [BASE, d / "党员.csv"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=len(HEAD), max_size=len(HEAD)), min_size=1, max_size=6),
       st.sampled_from(["utf-8", "gb18030"]))
@example(rows=[[""] * 11 + ['"0\n', ""]], encoding="utf-8")  # a quote and a newline in a cell fooled the sniffer
def test_any_rows_load_or_are_rejected_with_a_reason(rows, encoding):
    ws, result = _load(rows, encoding)
    assert result.read == result.loaded + result.merged + result.skipped + result.rejected
    member = result.by_type.get("Member")
    # read counts physical lines: a row whose cells hold line breaks spans several
    lines = sum(1 + sum(len(_BREAK.findall(c)) for c in r)
                for r in rows if any(c.replace("\x00", "").strip() for c in r))
    assert (member.read if member else 0) == lines
    for r in result.rejects:
        assert r.code in MESSAGES and render(r.code, "zh", **r.params) and r.kind in KINDS
        assert r.source[2] > 0 and (r.column or r.kind != "reject" or r.code in ROW_CODES)
    assert ws.counts()["nodes"].get("Member", 0) == (member.new if member else 0)


members = st.fixed_dictionaries({
    "name": st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4),
    "serial": st.integers(0, 999),
    "birth": st.dates(min_value=__import__("datetime").date(1930, 1, 1),
                      max_value=__import__("datetime").date(2005, 12, 31)),
    "sex": st.sampled_from(["男", "女"]),
    "status": st.sampled_from(["正式党员", "预备党员"]),
    "situation": st.sampled_from(["在职", "离退休", "流动", "学生"]),
    "date_style": st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]),
})  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(members, min_size=1, max_size=8, unique_by=lambda m: m["serial"]))
def test_clean_members_round_trip(ms):
    rows = []
    for i, m in enumerate(ms):
        body = f"530702{m['birth']:%Y%m%d}{m['serial']:03d}"
        rows.append([f"M{i}", m["name"], body + id_check_digit(body), f"139{i:08d}", m["sex"],
                     m["birth"].strftime(m["date_style"]), "", "", m["status"], m["situation"], "P1", "C1", ""])
    ws, result = _load(rows)
    assert result.rejected == 0 and result.new == len(ms) + 2
    g = to_networkx(ws)
    for i, m in enumerate(ms):
        node = g.nodes[f"M{i}"]
        assert node["name"] == m["name"] and node["birth_date"] == m["birth"].isoformat()
        assert node["id_number"][6:14] == f"{m['birth']:%Y%m%d}"
        assert g.has_edge(f"M{i}", "P1") and g.has_edge(f"M{i}", "C1")


_NAME_CHARS = "张王李欧阳小华明月建国"
_FILLER = "的是在社区党支部联系人，。ab 1"  # no character of any name


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.text(alphabet=_NAME_CHARS, min_size=2, max_size=4), min_size=1, max_size=5),
       parts=st.lists(st.tuples(st.text(alphabet=_FILLER, min_size=1, max_size=6), st.integers(0, 4)),
                      max_size=6),
       tail=st.text(alphabet=_FILLER, max_size=3))  # fmt: skip
def test_name_guard_masks_each_name_in_free_text(names, parts, tail):
    """Filler and people's names: each name comes out masked where it stood (张*华), the rest as
    it was; any text keeps its length and changes only to *."""
    guard = NameGuard(names)
    text = "".join(filler + names[i % len(names)] for filler, i in parts) + tail
    want = "".join(filler + mask_name(names[i % len(names)]) for filler, i in parts) + tail
    assert guard(text) == want
    jumble = "".join(names) + tail + "".join(reversed(names))
    out = guard(jumble)
    assert len(out) == len(jumble) and all(a == b or b == "*" for a, b in zip(jumble, out, strict=True))


# -- JSON output: orjson in pieces writes what the standard library writes --------------------------
_JSON_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
_JSON_LEAF = st.one_of(
    _JSON_TEXT, st.integers(-(2**80), 2**80), st.booleans(), st.none(),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False).map(lambda f: round(f, 4)),
)  # fmt: skip
_JSON_DATA = st.recursive(_JSON_LEAF, lambda c: st.one_of(st.lists(c, max_size=300), st.dictionaries(_JSON_TEXT, c, max_size=5)),
                          max_leaves=400)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(data=_JSON_DATA)
def test_emit_json_writes_what_the_standard_library_writes(data):
    """Byte for byte json.dumps(ensure_ascii=False, indent=2), with the invisible characters
    escaped; long lists written item by item; integers beyond 64 bits exact."""
    import io
    import json
    import sys

    from dangjian.cli.output import _JSON_UNSAFE, _escaped, emit_json

    for value in (data, {"as_of": "x", "findings": [data] * 300}):
        real, buf = sys.stdout, io.StringIO()
        sys.stdout = buf
        try:
            emit_json(value)
        finally:
            sys.stdout = real
        assert buf.getvalue() == _JSON_UNSAFE.sub(_escaped, json.dumps(value, ensure_ascii=False, indent=2)) + "\n"
