"""Fixtures that build small roster sets and workspaces."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dangjian.graph.store import Workspace
from dangjian.loaders.normalize import id_check_digit

#: the test files that overwrite the one Neo4j server's database (tests/neo4j/with-server starts it)
SERVER_FILES = ("test_neo4j.py", "test_neo4j_server.py")


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(config, items):
    """For pytest-xdist's ``--dist loadgroup`` (``make test`` runs two workers): a file's tests stay
    together on one worker, so that its module fixtures are made once, and the files that overwrite
    the Neo4j server's database share one worker, so that they never overwrite it at the same time."""
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group("neo4j-server" if name in SERVER_FILES else name))


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def id_number(serial: int, birth: str = "19800101", region: str = "530702") -> str:
    body = f"{region}{birth}{serial % 1000:03d}"
    return body + id_check_digit(body)


AREAS = [
    ["区域编码", "区域名称", "层级", "上级区域", "户数", "活动场所面积", "年度工作经费"],
    ["5307", "丽江市", "市", "", "", "", ""],
    ["530702", "古城区", "区", "5307", "", "", ""],
    ["530702003", "祥和街道", "街道", "530702", "", "", ""],
    ["530702003003", "祥云社区", "社区", "530702003", "1200", "320㎡", "2万元"],
    ["530702003004", "顺和社区", "社区", "530702003", "900", "150", "20000"],
    ["G1", "祥云一网格", "网格", "530702003003", "", "", ""],
    ["", "阳光小区", "小区", "G1", "", "", ""],
    ["", "1栋", "楼栋", "阳光小区", "", "", ""],
]
ORGS = [
    ["组织编码", "党组织名称", "组织类别", "支部类型", "上级党组织", "所在区域", "所在单位", "联合单位", "本届选举日期"],
    ["P1", "祥和街道党工委", "党工委", "", "", "530702003", "", "", "2021-06-01"],
    ["P2", "祥云社区党委", "党委", "", "P1", "530702003003", "", "", "2021-06-01"],
    ["P3", "祥云社区第一党支部", "党支部", "居民党支部", "P2", "530702003003", "", "", "2024-03-01"],
    ["P4", "顺和社区党支部", "党支部", "居民党支部", "P1", "530702003004", "", "", "2024-03-01"],
    ["P5", "祥云一网格党小组", "党小组", "网格党小组", "P3", "G1", "", "", ""],
    ["P6", "祥云联合党支部", "党支部", "联合党支部", "P2", "", "", "U2、U3", "2024-03-01"],
    ["P7", "古城医院党支部", "党支部", "单位党支部", "P1", "", "U1", "", "2024-03-01"],
]
UNITS = [
    ["单位编号", "单位名称", "单位类别", "所在社区", "职工人数"],
    ["U1", "古城医院", "事业单位", "530702003003", "300"],
    ["U2", "云岭商贸有限公司", "非公有制企业", "530702003003", "20"],
    ["U3", "祥云社工服务中心", "社会组织", "530702003003", "8"],
]
PEOPLE = [
    ["人员编号", "姓名", "职务身份", "工作单位", "联系电话"],
    ["X1", "周建国", "市委常委", "丽江市委", "13800000001"],
]


def member_rows(n: int = 4) -> list[list]:
    rows = [["党员编号", "姓名", "身份证号", "联系电话", "性别", "出生日期", "学历", "入党日期", "党员类别",
             "党员情况", "所在党组织", "工作单位", "居住地", "报到党组织", "报到日期"]]
    for i in range(n):
        rows.append([f"M{i:03d}", f"张{'一二三四五六七八九十'[i % 10]}华", id_number(i), f"1390000{i:04d}",
                     "男" if i % 2 else "女", "1980-01-01", "大学本科", "2005年7月", "正式党员", "在职", "P7",
                     "U1", "530702003003", "P3", "2020.05"])
    return rows


POSTS = [
    ["人员", "职务", "任职对象", "任职日期"],
    ["M000", "书记", "P3", "2024-03-01"],
    ["X1", "联系领导", "530702003003", "2023-01-01"],
    ["M001", "网格长", "G1", "2023-01-01"],
]
AGREEMENTS = [
    ["协议编号", "协议名称", "社区党组织", "共建单位", "签订日期", "起始日期", "到期日期"],
    ["A1", "医院社区共建", "P2", "U1", "2024-01-01", "2024-01-01", "2026-12-31"],
]
ACTIVITIES = [
    ["活动编号", "活动名称", "活动日期", "依托协议", "组织方", "活动地点", "参加人数"],
    ["E1", "义诊进社区", "2024-05-01", "A1", "P7", "530702003003", "40"],
]

ALL = {"区域": AREAS, "党组织": ORGS, "驻区单位": UNITS, "人员": PEOPLE, "共建协议": AGREEMENTS,
       "活动": ACTIVITIES, "任职": POSTS}


@pytest.fixture
def rosters(tmp_path: Path) -> Path:
    """A small, clean roster set in tmp_path/rosters (one CSV per kind)."""
    d = tmp_path / "rosters"
    for name, rows in ALL.items():
        write_csv(d / f"{name}.csv", rows)
    write_csv(d / "党员.csv", member_rows())
    return d


@pytest.fixture
def ws(tmp_path: Path):
    w = Workspace.open(tmp_path / "ws.db", create=True)
    yield w
    w.close()


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "xianghe"


def example_with_unit(folder: Path, unit_id: str, **cells: str) -> Path:
    """A copy of the xianghe example in ``folder`` with cells of one unit (by its 单位编号) changed,
    keyed by their headers (``单位名称="王磊便利店"``); the folder."""
    import shutil

    shutil.copytree(EXAMPLE, folder)
    path = folder / "驻区单位.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head, unit = rows[0], next(r for r in rows if r[0] == unit_id)
    for column, value in cells.items():
        unit[head.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return folder


def planted_city(folder: Path, seed: int, as_of: str = "2026-11-22") -> Path:
    """Synthetic rosters over 古城区 (530702) with the lijiang layer and every gap planted often
    (rates of at least 12 %): what the Neo4j tests compare backends on."""
    import dataclasses

    from dangjian.loaders.divisions import shipped_divisions
    from dangjian.synth import PRESETS, synthesize, write_plan

    lijiang = PRESETS["lijiang"]
    preset = dataclasses.replace(lijiang, gaps={r: max(rate, 0.12) for r, rate in lijiang.gaps.items()})
    write_plan(synthesize(shipped_divisions(), "530702", preset, seed=seed, as_of=as_of), folder)
    return folder
