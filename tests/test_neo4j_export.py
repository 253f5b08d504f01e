"""The Neo4j mapping and the neo4j-admin bulk export: headers, counts, quoting, privacy, command."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shlex
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dangjian.graph import neo4j_export
from dangjian.graph.errors import DangjianError
from dangjian.graph.neo4j_export import export_workspace
from dangjian.graph.neo4j_mapping import (
    LABELS,
    REL_TYPES,
    edge_record,
    node_property_types,
    node_record,
    property_keys,
    rel_property_types,
)
from dangjian.graph.privacy import mask_name
from dangjian.graph.schema import model
from dangjian.graph.store import EdgeRow, NodeRow, Workspace
from dangjian.loaders import load_paths

from conftest import AREAS, write_csv

HOSTILE = [
    "a,b",
    'say "hi"',
    "`tick`",
    "{brace}",
    "'}) DETACH DELETE n //",
    'x"}) MATCH (n) DETACH DELETE n //,"',
    "end\\",
    "semi;colon",
]


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _header(res, rel: str) -> str:
    return (res.out_dir / f"{rel}.header.csv").read_bytes().decode("utf-8")


@pytest.fixture
def loaded(rosters, ws):
    result = load_paths(ws, [rosters])
    assert result.rejected == 0
    return ws


def test_mapping_comes_from_the_schema():
    assert LABELS == tuple(model().nodes) and REL_TYPES == tuple(model().edges)
    member = node_property_types("Member", personal=True)
    assert member["birth_date"] == "date" and member["id_number"] == "string"
    assert "org" not in member and "residence" not in member  # refs are relationships
    assert "id_number" not in node_property_types("Member") and "phone" not in node_property_types("Person")
    assert rel_property_types("PARTY_TO")["side"] == "string"
    assert rel_property_types("SECRETARY_OF")["role"] == "string"
    assert {"eid", "side", "role", "src_row", "venue_area", "id_number"} <= set(property_keys())


def test_records_leave_out_what_does_not_parse():
    row = NodeRow("A1", "Area", "某社区", {"households": "many", "venue_area": "inf", "population": 12.0,
                                          "level": "community", "parent": "X"}, ("f.csv", "区域", 3))  # fmt: skip
    assert node_record(row) == {"id": "A1", "props": {"name": "某社区", "level": "community", "population": 12,
                                                       "src_file": "f.csv", "src_sheet": "区域", "src_row": 3}}  # fmt: skip
    org = NodeRow(
        "P1", "PartyOrg", "支部", {"elected_on": "2024-02-30", "founded_on": "2020-01-02"}, (None, None, None)
    )
    assert node_record(org)["props"] == {"name": "支部", "founded_on": dt.date(2020, 1, 2)}
    edge = EdgeRow(
        "SECRETARY_OF", "M1", "P1", "2024-01-01", "bad", {"role": "secretary", "extra": 5}, ("f", "s", 1)
    )
    rec = edge_record(7, edge)
    assert rec["eid"] == 7 and (rec["src"], rec["dst"]) == ("M1", "P1")
    assert rec["props"] == {"valid_from": dt.date(2024, 1, 1), "role": "secretary", "extra": "5",
                            "src_file": "f", "src_sheet": "s", "src_row": 1}  # fmt: skip


def test_exact_headers(loaded, tmp_path):
    res = export_workspace(loaded, tmp_path / "out")
    assert _header(res, "nodes/Area") == (
        "id:ID(Area),:LABEL,name,level,households:int,population:int,venue_area:float,funds:float,"
        "self_governance_subsidy:float,ring,official_name,note,src_file,src_sheet,src_row:int,pushed\r\n"
    )
    assert _header(res, "nodes/Member") == (
        "id:ID(Member),:LABEL,name,sex,birth_date:date,ethnicity,education,joined_on:date,status,situation,"
        "transferred_on:date,reported_on:date,mobile_destination,mobile_since:date,lost_since:date,note,"
        "src_file,src_sheet,src_row:int,pushed\r\n"
    )
    assert _header(res, "rels/MEMBER_OF__Member__PartyOrg") == (
        ":START_ID(Member),:END_ID(PartyOrg),:TYPE,eid:int,valid_from:date,valid_to:date,src_file,src_sheet,"
        "src_row:int,pushed\r\n"
    )
    assert _header(res, "rels/PARTY_TO__Unit__Agreement").split(",")[6] == "side"
    personal = export_workspace(loaded, tmp_path / "personal", personal=True)
    assert _header(personal, "nodes/Member").startswith("id:ID(Member),:LABEL,name,id_number,phone,sex,")


def test_row_counts_match_the_workspace(loaded, tmp_path):
    with loaded.transaction():  # an edge whose end is not in the workspace
        loaded.put_edges([EdgeRow("MEMBER_OF", "M000", "NO-SUCH-ORG", None, None, {}, ("x.csv", "x", 2))], 0)
    res = export_workspace(loaded, tmp_path / "out")
    counts = loaded.counts()
    assert res.skipped == 1 and res.skipped_by_type == {"MEMBER_OF": 1}
    for label in LABELS:
        assert res.rows[f"nodes/{label}.csv"] == counts["nodes"].get(label, 0)
    by_type: Counter[str] = Counter()
    ids: dict[str, set[str]] = {}
    for rel, n in res.rows.items():
        rows = _read(res.out_dir / rel)
        header = _read(res.out_dir / rel.replace(".csv", ".header.csv"))[0]
        assert len(rows) == n and all(len(r) == len(header) for r in rows)
        if rel.startswith("nodes/"):
            ids[rel[6:-4]] = {r[0] for r in rows}
        else:
            rtype, start, end = Path(rel).stem.split("__")
            by_type[rtype] += n
            assert all(r[0] in ids[start] and r[1] in ids[end] and r[2] == rtype for r in rows)
    assert dict(by_type) == {t: n - res.skipped_by_type.get(t, 0) for t, n in counts["edges"].items()}
    assert res.nodes == sum(counts["nodes"].values())
    assert res.relationships == sum(counts["edges"].values()) - 1


def test_values_neo4j_admin_cannot_take_are_left_out_and_counted(loaded, tmp_path):
    with loaded.transaction():
        loaded.put_nodes([NodeRow("BIG", "Area", "大社区", {"level": "community", "population": 3_000_000_000,
                                                          "households": 12}, ("f.csv", "s", 2))], 0)  # fmt: skip
        loaded.put_edges(
            [EdgeRow("CONTAINS", "530702003", "BIG", None, None, {"weird": 1}, ("f.csv", "s", 2))], 0
        )
    res = export_workspace(loaded, tmp_path / "out")
    assert res.dropped == {"Area.population": 1, "CONTAINS.weird": 1}
    header = _read(res.out_dir / "nodes/Area.header.csv")[0]
    (big,) = [r for r in _read(res.out_dir / "nodes/Area.csv") if r[0] == "BIG"]
    assert big[header.index("population:int")] == "" and big[header.index("households:int")] == "12"
    assert not res.multiline and "--multiline-fields" not in res.command


def test_hostile_names_round_trip(ws, tmp_path):
    areas = [AREAS[0], *([f"H{i}", name, "社区", "", "", "", ""] for i, name in enumerate(HOSTILE))]
    load_paths(ws, [write_csv(tmp_path / "r" / "区域.csv", areas)])
    with ws.transaction():  # values the loader would tidy (line breaks), stored as they are
        ws.put_nodes([NodeRow("NL", "Area", "one\ntwo\r\nthree\rfour", {"level": "community", "note": "a\n\"b\""},
                              ("f.csv", "s", 9))], 0)  # fmt: skip
    res = export_workspace(ws, tmp_path / "out")
    got = {r[0]: r for r in _read(res.out_dir / "nodes/Area.csv")}
    want = {n.id: n.name for n in ws.iter_nodes()}
    assert {i: r[2] for i, r in got.items()} == want
    assert set(HOSTILE) <= set(want.values())
    note = _header(res, "nodes/Area").rstrip("\r\n").split(",").index("note")
    assert got["NL"][note] == 'a\n"b"'
    assert res.multiline and "--multiline-fields=true" in res.command


def test_privacy(loaded, tmp_path):
    people = {n.id: n for n in loaded.iter_nodes() if n.type in ("Member", "Person")}
    secrets = [v for n in people.values() for k, v in n.props.items() if k in ("id_number", "phone")]
    assert secrets

    def everything(res) -> str:
        return "".join(p.read_text(encoding="utf-8") for p in res.files)

    res = export_workspace(loaded, tmp_path / "out")
    text = everything(res)
    assert not any(s in text for s in secrets)
    for label in ("Member", "Person"):
        for r in _read(res.out_dir / f"nodes/{label}.csv"):
            assert r[2] == mask_name(people[r[0]].name) != people[r[0]].name
    full = export_workspace(loaded, tmp_path / "full", personal=True)
    assert all(s in everything(full) for s in secrets)
    names = {r[0]: r[2] for r in _read(full.out_dir / "nodes/Member.csv")}
    assert names == {i: n.name for i, n in people.items() if n.type == "Member"}


def test_free_text_naming_a_person_is_masked_unless_personal(loaded, tmp_path):
    member = next(n for n in loaded.iter_nodes() if n.type == "Member")
    unit = next(n for n in loaded.iter_nodes() if n.type == "Unit")
    with loaded.transaction():
        loaded.put_nodes([unit._replace(props={**unit.props, "note": f"联系人{member.name}"})], 0)

    def note_of(res) -> str:
        header = _read(res.out_dir / "nodes/Unit.header.csv")[0]
        return next(r for r in _read(res.out_dir / "nodes/Unit.csv") if r[0] == unit.id)[header.index("note")]

    res = export_workspace(loaded, tmp_path / "out")
    assert note_of(res) == f"联系人{mask_name(member.name)}"
    assert member.name not in "".join(p.read_text(encoding="utf-8") for p in res.files)
    assert note_of(export_workspace(loaded, tmp_path / "full", personal=True)) == f"联系人{member.name}"


def test_command_names_every_file(loaded, tmp_path):
    res = export_workspace(loaded, tmp_path / "out dir")  # a space: the paths must be quoted
    args = shlex.split(res.command)
    assert args[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    assert "--array-delimiter=;" in args and "--overwrite-destination=true" in args
    named = [
        p
        for a in args
        if a.startswith(("--nodes=", "--relationships="))
        for p in a.split("=", 2)[2].split(",")
    ]
    assert named == [str(p) for p in res.files] == res.as_dict()["files"]
    json.dumps(res.as_dict())
    assert all(p.is_file() for p in res.files)
    on_disk = sorted(p for p in res.out_dir.rglob("*") if p.is_file())
    assert on_disk == sorted(res.files)
    assert all(not p.name.startswith(".") for p in tmp_path.iterdir() if p != Path(loaded.path))


def test_deterministic_and_replaces_an_earlier_export(loaded, tmp_path):
    def snapshot(res) -> dict[str, bytes]:
        return {str(p.relative_to(res.out_dir)): p.read_bytes() for p in res.files}

    a = snapshot(export_workspace(loaded, tmp_path / "a"))
    b = snapshot(export_workspace(loaded, tmp_path / "b"))
    assert a == b
    assert all(not v.startswith(b"\xef\xbb\xbf") for v in a.values())  # no BOM
    again = export_workspace(loaded, tmp_path / "a")  # over an earlier export: replaced
    assert snapshot(again) == a
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(DangjianError):
        export_workspace(loaded, tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    with pytest.raises(DangjianError, match="逗号"):
        export_workspace(loaded, tmp_path / "a,b")


def test_a_failed_export_leaves_nothing(loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(neo4j_export, "PROGRESS_EVERY", 10)
    seen: list[int] = []

    def progress(n: int) -> None:
        seen.append(n)
        if n == 20:
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        export_workspace(loaded, tmp_path / "out", progress=progress)
    assert seen == [10, 20]
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]
    seen.clear()
    res = export_workspace(loaded, tmp_path / "out", progress=seen.append)
    assert seen[-1] == res.nodes + res.relationships and seen[:2] == [10, 20]


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1))
@example(text='"')
@example(text="\r")
@example(text=" ;,\n")
def test_any_text_round_trips(tmp_path_factory, text):
    ws = Workspace.open(":memory:", create=True)
    with ws.transaction():
        ws.put_nodes([NodeRow("U1", "Unit", text, {"category": "other", "address": text}, ("f", "s", 1))], 0)
    res = export_workspace(ws, tmp_path_factory.mktemp("h") / "out")
    (row,) = _read(res.out_dir / "nodes/Unit.csv")
    header = _read(res.out_dir / "nodes/Unit.header.csv")[0]
    assert row[2] == text and row[header.index("address")] == text
