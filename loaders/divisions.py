"""Official areas: the National Bureau of Statistics' division codes (统计用区划代码, 2023) for any code
prefix, loaded as Area nodes through the ordinary roster loader, so they are checked and counted
like any roster.

Each area keeps its official code (its id) and official name, and gets the short name people use
(祥云社区居委会 → 祥云社区, 金山村民委员会 → 金山村, 祥和街道办事处 → 祥和街道). Village-level rows are
told apart by name: 社区, 居委会, 居民委员会 and 生活区 are communities; 村, 村委会, 村民委员会 and 嘎查 are
villages; anything else is a village if its name has 村, else a community.

The tables are the five CSV files of ``china-divisions-2023`` (provinces, cities, areas, streets,
villages). The package ships an extract (丽江市 5307, 长沙市雨花区 430111, 同江市 230881, 成都市 5101) with its licence, so
``load_divisions(ws, "5307")`` works with no download; ``src`` points at the full tables.

>>> short_name("祥云社区居委会", "community"), short_name("东风居民委员会", "community")
('祥云社区', '东风社区')
>>> short_name("金山村民委员会", "village"), level_of_village("白沙村委会")
('金山村', 'village')
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from dangjian.graph.errors import InputError
from dangjian.graph.roles import AREA
from dangjian.graph.schema import model
from dangjian.graph.store import Workspace
from dangjian.loaders.load import LoadResult, Progress, load_sheets
from dangjian.loaders.readers import Sheet
from dangjian.wording import choose, t

__all__ = ["load_divisions", "division_rows", "division_sheet", "short_name", "level_of_village",
           "shipped_divisions", "TABLES"]  # fmt: skip

#: file, parent column, code length
TABLES = (
    ("provinces.csv", None, 2),
    ("cities.csv", "provinceCode", 4),
    ("areas.csv", "cityCode", 6),
    ("streets.csv", "areaCode", 9),
    ("villages.csv", "streetCode", 12),
)
_PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def shipped_divisions() -> Path:
    """The folder of the extract shipped with the package."""
    return Path(str(resources.files("dangjian.loaders") / "data" / "divisions"))


def level_of_village(name: str) -> str:
    """community or village, from the name of a village-level division."""
    if "社区" in name or name.endswith(("居委会", "居民委员会", "生活区")):
        return "community"
    if name.endswith(("村委会", "村民委员会", "村", "嘎查")) or "村" in name:
        return "village"
    return "community"


def _level(table: str, name: str) -> str:
    if table == "provinces.csv":
        return "province"
    if table == "cities.csv":
        return "city"
    if table == "areas.csv":
        return "district"
    if table == "streets.csv":
        return "street" if name.endswith(("街道", "街道办事处")) else "township"
    return level_of_village(name)


def short_name(name: str, level: str) -> str:
    """The name in daily use: without 居委会/村委会/办事处, a 居民委员会 called a 社区."""
    if level == "street":
        return re.sub(r"办事处$", "", name)
    if level == "community":
        for suffix in ("社区居民委员会", "社区居委会"):
            if name.endswith(suffix):
                return name[: -len(suffix)] + "社区"
        for suffix in ("居民委员会", "居委会"):
            if name.endswith(suffix):
                return name[: -len(suffix)] + "社区"
        return name
    if level == "village":
        for suffix in ("村民委员会", "村委会"):
            if name.endswith(suffix):
                base = name[: -len(suffix)]
                return base if base.endswith(("村", "嘎查")) else base + "村"
        return name
    return name


def _check_region(region: str) -> str:
    region = str(region).strip()
    if not re.fullmatch(r"|\d{2}|\d{4}|\d{6}|\d{9}|\d{12}", region):
        raise InputError("divisions.bad_region", region=region)
    return region


def division_rows(src: str | os.PathLike, region: str) -> Iterator[dict[str, str]]:
    """The divisions whose code starts with ``region`` (``""``: all of China), top down: code, name
    (short), official_name, level, parent (code, empty for the region itself and the provinces)."""
    region = _check_region(region)
    src = Path(src)
    names: dict[str, str] = {}  # province code -> name, for the placeholder cities
    found = False
    for table, parent_col, width in TABLES:
        path = src / table
        if width < len(region):
            if table == "provinces.csv" and path.exists():  # names for 市辖区 and the like
                names.update(_province_names(path))
            continue
        try:
            with path.open(encoding="utf-8-sig", newline="") as f:
                for line, rec in enumerate(csv.DictReader(f), start=2):
                    code = (rec.get("code") or "").strip()
                    if not code.startswith(region):
                        if table == "provinces.csv":
                            names[code] = rec.get("name", "")
                        continue
                    official = (rec.get("name") or "").strip()
                    if not code or not official:
                        raise InputError("divisions.no_code", path=path, line=line)
                    level = _level(table, official)
                    name = short_name(official, level)
                    if table == "cities.csv" and official in _PLACEHOLDER_CITIES:
                        name = names.get(code[:2], "") + official
                    if table == "provinces.csv":
                        names[code] = official
                    parent = (rec.get(parent_col) or "").strip() if parent_col else ""
                    found = True
                    yield {"code": code, "name": name, "official_name": official, "level": level,
                           "parent": "" if code == region else parent}  # fmt: skip
        except FileNotFoundError:
            raise InputError("divisions.no_file", path=path, tables=", ".join(t for t, *_ in TABLES)) from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError("divisions.not_utf8", path=path, detail=exc) from None
    if not found:
        if src.resolve() == shipped_divisions().resolve():  # only an extract ships: say what it holds
            raise InputError("divisions.not_shipped", region=region, shipped=", ".join(shipped_regions()))
        raise InputError("divisions.no_division", region=region, src=src)


def shipped_regions() -> list[str]:
    """The city codes the shipped extract holds (its communities' first four digits).

    >>> "5307" in shipped_regions()
    True
    """
    with (shipped_divisions() / "villages.csv").open(encoding="utf-8-sig", newline="") as f:
        return sorted({(rec.get("code") or "")[:4] for rec in csv.DictReader(f)} - {""})


def _province_names(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return {r["code"]: r["name"] for r in csv.DictReader(f)}


def division_sheet(src: str | os.PathLike, region: str, lang: str = "zh") -> Sheet:
    """The divisions of ``region`` as one 区域 roster sheet, with the schema's own headers."""
    props = model().node(AREA).properties
    cols = ("id", "name", "level", "parent", "official_name")
    header = [props[c].label(lang) for c in cols]
    level_enum = props["level"].enum
    rows = [[r["code"], r["name"], level_enum.label(r["level"], lang), r["parent"], r["official_name"]]
            for r in division_rows(src, region)]  # fmt: skip
    label = t("divisions.sheet_label", lang, src=Path(src), region=region)
    return Sheet(label, t("divisions.sheet", lang), [header, *rows], "utf-8")


def load_divisions(ws: Workspace, region: str, src: str | os.PathLike | None = None, *, lang: str | None = None,
                   rejects_path: str | os.PathLike | None = None, progress: Progress | None = None,
                   **options) -> LoadResult:  # fmt: skip
    """Load the official areas under ``region`` (a code prefix: 53 云南省, 5307 丽江市, 530702003 祥和街道)
    from the tables in ``src`` (default: the shipped extract) into ``ws``, in one transaction.
    Loading them again changes nothing; rosters loaded later attach to the same ids. ``options``
    are :func:`~dangjian.loaders.load.load_sheets`'s (``rejects_unique``, ``strict``, ``on_wait``)."""
    lang = choose(lang)
    sheet = division_sheet(src if src is not None else shipped_divisions(), region, lang)
    return load_sheets(ws, [sheet], lang=lang, rejects_path=rejects_path, progress=progress, **options)
