"""Statistics, show, find and path on the example street."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.build import to_networkx
from dangjian.graph.privacy import mask_name
from dangjian.graph.store import Workspace
from dangjian.loaders.load import load_paths
from dangjian.queries.explore import describe, find, path
from dangjian.queries.lookup import NotFound, resolve
from dangjian.queries.stats import area_stats, report_paragraph

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    db = tmp_path_factory.mktemp("ex") / "w.db"
    with Workspace.open(db, create=True) as ws:
        load_paths(ws, [EXAMPLES / "xianghe"])
        return db, to_networkx(ws)


def test_stats_count_what_the_rosters_hold(example):
    _, g = example
    s = area_stats(g, "祥和街道", as_of="2026-11-22")
    assert s["communities"] == {"total": 6, "with_org": 5, "rate": 83.3}
    assert s["organizations"]["by_kind"] == {"working_committee": 1, "general_branch": 2, "branch": 17, "group": 6}
    members = s["members"]
    assert members["total"] == 88 == sum(members["by_age"].values()) == sum(members["by_sex"].values())
    assert s["two_way_reporting"]["in_service_residents"] - s["two_way_reporting"]["reported"] == 1  # M0062
    one = area_stats(g, "彩云社区", as_of="2026-11-22")
    assert one["communities"] == {"total": 1, "with_org": 0, "rate": 0.0} and one["members"]["total"] == 0


def test_report_paragraph_reads_like_a_work_report(example):
    _, g = example
    text = report_paragraph(area_stats(g, "祥和街道", as_of="2026-11-22"))
    assert text.startswith("截至2026年11月22日，祥和街道共有社区6个，其中5个社区建立了党组织（覆盖率83.3%）")
    # as the reports count organizations: without its 6 party groups (26 with them)
    assert "共有党组织20个，其中党工委1个、党总支2个、党支部17个；" in text and "党员88名" in text
    assert "co-construction" in report_paragraph(area_stats(g, as_of="2026-11-22"), "en")


def test_age_bands_follow_the_birthday():
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node("c", type="Area", name="社区", level="community")
    g.add_node("o", type="PartyOrg", name="支部", kind="branch")
    g.add_edge("o", "c", type="ANCHORED_IN")
    for i, birth in enumerate(["1991-11-23", "1991-11-22", "1966-11-22", "1965-11-22"]):
        g.add_node(f"m{i}", type="Member", name="某", status="formal", situation="retired", birth_date=birth)
        g.add_edge(f"m{i}", "o", type="MEMBER_OF")
    assert area_stats(g, as_of="2026-11-22")["members"]["by_age"] == {"under_35": 1, "35_to_60": 2, "over_60": 1}


def test_find_by_substring_pinyin_and_initials(example):
    _, g = example
    for q in ("xysq", "xiangyun", "祥云社区", "530702003003"):
        assert find(g, q)[0]["id"] == "530702003003", q
    assert find(g, "zzzzqqq") == []
    # people are found by id, never by name, and shown masked
    hit = find(g, "M0062")[0]
    assert hit["id"] == "M0062" and hit["name"].endswith("*")


def test_find_sees_through_traditional_characters(example):
    _, g = example
    for q in ("祥雲社區", "祥雲", "雲"):  # a traditional query finds the simplified name
        assert "530702003003" in [h["id"] for h in find(g, q)], q
    assert find(g, "祥雲社區")[0]["id"] == "530702003003"  # an exact match, first

    import networkx as nx

    t = nx.MultiDiGraph()  # and a simplified query (or pinyin) finds a name typed in traditional
    t.add_node("A1", type="Area", name="麗江市祥雲社區", level="community")
    t.add_node("O1", type="PartyOrg", name="長沙雨花區黨支部", kind="branch")
    t.add_node("M1", type="Member", name="張雲華")
    for q in ("丽江市祥云社区", "祥云", "麗江", "lijiang", "ljsxysq", "xiangyun"):
        assert [h["id"] for h in find(t, q)] == ["A1"], q
    for q in ("长沙雨花区党支部", "党支部", "changsha", "csyh"):
        assert [h["id"] for h in find(t, q)] == ["O1"], q
    assert find(t, "张云华") == find(t, "張雲華") == []  # people: never by name, in either form


def test_show_and_path(example):
    _, g = example
    d = describe(g, "M0062", as_of="2026-11-22")
    assert d["area_path"][-1] == "太和社区" and d["org_chain"][-1]["id"] == "PO-XH-001"
    assert [f.rule for f in d["findings"]] == ["member-not-reported"]
    assert "身份证号" not in d["properties"] and "联系电话" not in d["properties"]
    steps = path(g, "M0062", "彩云社区")
    assert steps[0]["from"] == "M0062" and steps[-1]["to"] == "530702003006"
    assert all(s["relation_label"] for s in steps)


def test_show_masks_people_named_in_free_text(example):
    _, g = example
    g2 = g.copy()
    name = g.nodes["M0062"]["name"]
    unit = next(n for n, t in g.nodes(data="type") if t == "Unit")
    g2.nodes[unit]["note"] = f"联系人{name}"
    props = describe(g2, unit, as_of="2026-11-22", with_findings=False)["properties"]
    assert props["备注"] == f"联系人{mask_name(name)}" and name not in json.dumps(props, ensure_ascii=False)


def test_ambiguous_and_unknown_names(example):
    _, g = example
    with pytest.raises(NotFound, match="是否是：祥云社区"):
        resolve(g, "祥云社")
    g2 = g.copy()
    g2.add_node("X9", type="Area", name="祥云社区", level="community")
    with pytest.raises(NotFound, match="对应 2 个实体") as info:
        resolve(g2, "祥云社区")
    assert set(info.value.candidates) == {"530702003003", "X9"}
    # a person's name is never offered as a suggestion
    name = g.nodes["M0062"]["name"]
    with pytest.raises(NotFound) as info:
        resolve(g, name + "某")
    assert name not in str(info.value).partition("是否是")[2]


def test_cli_stats_show_find_path(example):
    db, _ = example
    base = ["--db", str(db)]
    r = runner.invoke(app, ["stats", "--area", "祥和街道", "--report", *base])
    assert r.exit_code == 0 and r.stdout.startswith("截至") and "，祥和街道共有社区6个" in r.stdout
    r = runner.invoke(app, ["stats", "--area", "祥和街道", "--json", *base])
    assert json.loads(r.stdout)["communities"]["with_org"] == 5
    r = runner.invoke(app, ["stats", "--area", "祥和街道", *base])
    assert "建立党组织的社区" in r.stdout
    r = runner.invoke(app, ["find", "xysq", *base])
    assert "530702003003" in r.stdout
    r = runner.invoke(app, ["show", "彩云社区", *base, "--as-of", "2026-11-22"])
    assert "社区没有党组织" in r.stdout and "一社区一党组织" in r.stdout
    r = runner.invoke(app, ["path", "M0062", "彩云社区", *base, "--json"])
    assert json.loads(r.stdout)[-1]["to"] == "530702003006"
    r = runner.invoke(app, ["show", "祥云社", *base])
    assert r.exit_code == 1 and "是否是" in r.stderr
    g = runner.invoke(app, ["show", "M0062", *base, "--json"])
    text = g.stdout
    import re

    assert not re.search(r"\d{17}[\dX]", text) and not re.search(r"1\d{10}", text)  # no ID or phone numbers


def _pinyin_reference(name: str) -> tuple[str, str]:
    """The plain reading of pinyin_keys' rule: at each point the longest phrase of 4, 3 or 2
    characters in pypinyin's phrase dictionary, else the character's first reading."""
    import unicodedata

    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    def plain(toned: str) -> str:
        decomposed = unicodedata.normalize("NFD", toned).replace("u\u0308", "v")
        return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

    syllables, i = [], 0
    while i < len(name):
        for length in (4, 3, 2):
            phrase = PHRASES_DICT.get(name[i : i + length]) if i + length <= len(name) else None
            if phrase is not None:
                syllables += [plain(r[0]) for r in phrase]
                i += length
                break
        else:
            readings = PINYIN_DICT.get(ord(name[i]))
            if readings:
                syllables.append(plain(readings.split(",")[0]))
            i += 1
    return "".join(syllables), "".join(x[0] for x in syllables if x)


def test_pinyin_keys_match_the_plain_rule():
    """The fast path (phrase starts looked up in a set, readings cached per character) reads
    names exactly as the plain rule: real names, their phrases cut at every point, and mixed
    text."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dangjian.queries.explore import pinyin_keys

    real = ["祥云社区", "长沙市", "重庆市渝中区", "中国工商银行成都分行", "行长", "银行", "乐山", "朝阳区",
            "幸福12社区党支部", "和平1街道", "单县", "𠮷野家", "A栋3单元", ""]  # fmt: skip
    for name in real:
        assert pinyin_keys(name) == _pinyin_reference(name), name
    pieces = st.sampled_from(["长沙", "重庆", "银行", "行长", "社区", "党支部", "街道", "中国", "工商",
                              "人民", "解放", "1", "A", "·", "区", "乐", "和", "平"])  # fmt: skip

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=8).map("".join) | st.text(max_size=10))
    def check(name):
        assert pinyin_keys(name) == _pinyin_reference(name)

    check()


def test_find_puts_the_entity_with_more_relations_first_among_equal_matches(example, tmp_path):
    db, g = example
    g2 = g.copy()
    g2.add_node("530702002002", type="Area", name="新义社区", level="community")  # xysq too, and no relations
    hits = find(g2, "xysq")
    assert [h["name"] for h in hits[:2]] == ["祥云社区", "新义社区"]
    # the same through the workspace's columns, with the official areas loaded before the rosters
    db2 = tmp_path / "tour.db"
    r = CliRunner().invoke(app, ["load-divisions", "--region", "5307", "--db", str(db2)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["load", str(EXAMPLES / "xianghe"), "--db", str(db2)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["find", "xysq", "--json", "--db", str(db2)])
    names = [h["name"] for h in json.loads(r.stdout)]
    assert names[0] == "祥云社区" and "新义社区" in names
    # two communities of one name: the message tells them apart by where they are
    r = CliRunner().invoke(app, ["view", "community", "文化社区", "--db", str(db2), "-o", str(tmp_path / "v.html")])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    assert "530702007001 (文化社区，丽江市>古城区>文化街道)" in r.stderr and "丽江市>永胜县>永北镇" in r.stderr
    assert not (tmp_path / "v.html").exists()


def test_stats_count_as_the_2011_lijiang_report(tmp_path):
    """At the 2011 report's size the figures are the report's: 49 communities, 23 under streets and
    26 under townships, 239 organizations (4 working committees, 33 general branches, 202 branches:
    no party groups, no township committees), 49 first secretaries (DOMAIN.md)."""
    rosters, db = tmp_path / "l", tmp_path / "l.db"
    runner = CliRunner()
    assert runner.invoke(app, ["synth", "--region", "5307", "--preset", "lijiang", "--communities", "49", "--seed", "1",
                               "-o", str(rosters)]).exit_code == 0  # fmt: skip
    assert runner.invoke(app, ["load", str(rosters), "--db", str(db)]).exit_code == 0
    r = runner.invoke(app, ["stats", "--json", "--db", str(db), "--as-of", "2026-11-22"])
    c = json.loads(r.stdout)["as_reports_count"]
    split = c["communities"]
    assert split["under_street"]["total"] == 23 and split["under_township"]["total"] == 26
    assert split["community"]["total"] + split["village"]["total"] == 49
    assert c["organizations"]["total"] == 239
    assert c["organizations"]["by_kind"] == {"working_committee": 4, "general_branch": 33, "branch": 202}
    assert c["organizations"]["with_groups_and_township_committees"] > 239
    assert c["first_secretaries"] == 49
    v = c["venues"]
    assert sum(v[k] for k in ("300_or_more", "150_to_300", "60_to_150", "under_60", "unknown")) == 49
    text = runner.invoke(app, ["stats", "--report", "--db", str(db), "--as-of", "2026-11-22"]).stdout
    assert text.startswith("截至2026年11月22日，丽江市共有社区49个") and "共有党组织239个，其中党工委4个、党总支33个、党支部202个" in text
    table = runner.invoke(app, ["stats", "--db", str(db), "--as-of", "2026-11-22"]).stdout
    assert "2026-11-22" in table and "第一书记" in table and "乡镇所辖社区（村）" in table
