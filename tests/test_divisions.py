"""Official areas from the NBS 2023 division tables: short names, communities told from villages,
any code prefix, the same loading path as rosters (counts add up, reloading changes nothing), and
rosters attaching to the official codes."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.graph.build import to_networkx
from dangjian.graph.errors import InputError
from dangjian.graph.store import Workspace
from dangjian.loaders import load_divisions, load_paths
from dangjian.loaders.divisions import TABLES, division_rows, level_of_village, shipped_divisions, short_name

ROOT = Path(__file__).resolve().parents[1]
FULL = Path(os.environ.get("DANGJIAN_DIVISIONS", ROOT.parent / "shared" / "data" / "china-divisions-2023"))


def _rows_with_prefix(src: Path, region: str) -> dict[str, int]:
    """Rows per table whose code starts with ``region``, counted straight from the CSV files."""
    out = {}
    for table, _, _ in TABLES:
        with (src / table).open(encoding="utf-8") as f:
            out[table] = sum(1 for r in csv.DictReader(f) if r["code"].startswith(region))
    return out


@pytest.mark.parametrize(("official", "level", "short"), [
    ("祥云社区居委会", "community", "祥云社区"),
    ("多福巷社区居民委员会", "community", "多福巷社区"),
    ("东风居民委员会", "community", "东风社区"),
    ("红旗居委会", "community", "红旗社区"),
    ("金山村民委员会", "village", "金山村"),
    ("白沙村委会", "village", "白沙村"),
    ("乌兰嘎查村委会", "village", "乌兰嘎查"),
    ("祥和街道办事处", "street", "祥和街道"),
    ("大研街道", "street", "大研街道"),
    ("古城区", "district", "古城区"),
])  # fmt: skip
def test_short_names(official, level, short):
    assert short_name(official, level) == short


@pytest.mark.parametrize(("name", "level"), [
    ("祥云社区居委会", "community"), ("东风居民委员会", "community"), ("铁路生活区", "community"),
    ("白沙村委会", "village"), ("金山村民委员会", "village"), ("乌兰嘎查", "village"), ("新村管理区", "village"),
    ("良种场管理区", "community"),
])  # fmt: skip
def test_communities_and_villages_told_apart(name, level):
    assert level_of_village(name) == level


def test_shipped_extract_loads_lijiang_with_counts_that_add_up(tmp_path):
    expected = _rows_with_prefix(shipped_divisions(), "5307")
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_divisions(ws, "5307")
        assert result.read == result.loaded == sum(expected.values()) and result.rejected == 0
        again = load_divisions(ws, "5307")
        assert again.new == again.updated == 0 and again.merged == again.read
        g = to_networkx(ws)
    assert g.number_of_nodes() == sum(expected.values())
    c = g.nodes["530702003003"]
    assert (c["name"], c["official_name"], c["level"]) == ("祥云社区", "祥云社区居委会", "community")
    chain, x = [], "530702003003"
    while x is not None:
        chain.append(x)
        x = next((u for u, _, t in g.in_edges(x, data="type") if t == "CONTAINS"), None)
    assert chain == ["530702003003", "530702003", "530702", "5307"]
    assert g.nodes["530702003"]["name"] == "祥和街道" and g.nodes["530702003"]["level"] == "street"
    levels = [d["level"] for _, d in g.nodes(data=True)]
    assert levels.count("community") + levels.count("village") == expected["villages.csv"]
    assert levels.count("community") > 0 and levels.count("village") > 0


def test_rosters_attach_to_official_areas(tmp_path):
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        load_divisions(ws, "530702003")
        result = load_paths(ws, [ROOT / "examples" / "xianghe"])
        assert result.rejected == 0
        g = to_networkx(ws)
    c = g.nodes["530702003003"]
    assert c["official_name"] == "祥云社区居委会" and c["households"] == 4250  # both sources kept


def test_any_prefix_level(tmp_path):
    rows = list(division_rows(shipped_divisions(), "530702003"))
    assert rows[0] == {"code": "530702003", "name": "祥和街道", "official_name": "祥和街道",
                       "level": "street", "parent": ""}  # fmt: skip
    villages = _rows_with_prefix(shipped_divisions(), "530702003")["villages.csv"]
    assert villages > 0 and len(rows) == 1 + villages
    assert all(r["code"].startswith("530702003") and r["parent"] == "530702003" for r in rows[1:])
    assert [r["code"] for r in division_rows(shipped_divisions(), "530702003003")] == ["530702003003"]


@pytest.mark.parametrize("region", ["abc", "5", "530", "99"])
def test_bad_regions_are_input_errors(region, tmp_path):
    with Workspace.open(tmp_path / "w.db", create=True) as ws, pytest.raises(InputError):
        load_divisions(ws, region)


def test_missing_tables_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="没有这个文件"):
        list(division_rows(tmp_path, "5307"))


def test_cli_load_divisions(tmp_path):
    runner = CliRunner()
    db = tmp_path / "w.db"
    r = runner.invoke(app, ["load-divisions", "--region", "430111", "--db", str(db), "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["read"] == data["loaded"] == sum(_rows_with_prefix(shipped_divisions(), "430111").values())
    r = runner.invoke(app, ["load-divisions", "--region", "12", "--db", str(tmp_path / "x.db")])
    assert r.exit_code == 1 and "没有代码为 12 的区划" in r.stderr and not (tmp_path / "x.db").exists()


@pytest.mark.skipif(not (FULL / "villages.csv").exists(), reason=f"the full division tables are not at {FULL}")
@pytest.mark.parametrize("region", ["4301", "53"])
def test_full_tables_any_region(region, tmp_path):
    expected = _rows_with_prefix(FULL, region)
    with Workspace.open(tmp_path / "w.db", create=True) as ws:
        result = load_divisions(ws, region, FULL)
    assert result.rejected == 0 and result.read == result.loaded == sum(expected.values())


def test_empty_region_means_all_of_china():
    rows = list(division_rows(shipped_divisions(), ""))
    assert len(rows) == sum(_rows_with_prefix(shipped_divisions(), "").values())
    assert [r["code"] for r in rows if r["level"] == "province"] == ["23", "43", "51", "53"]


def test_a_region_outside_the_shipped_extract_says_where_the_full_tables_go(tmp_path):
    from typer.testing import CliRunner

    from dangjian.cli.main import app

    for args in (["synth", "--region", "4401", "-o", str(tmp_path / "s")],
                 ["load-divisions", "--region", "44", "--db", str(tmp_path / "w.db")]):  # fmt: skip
        r = CliRunner().invoke(app, args)
        assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.output
        assert "--from" in r.stderr and "5307" in r.stderr and args[2] in r.stderr
        assert not (tmp_path / "s").exists() and not (tmp_path / "w.db").exists()
