"""Growth benchmark: the city of ``bench_city.py`` end to end at 1x, 2x, 4x and 8x its members.

    .venv/bin/python benchmarks/bench_growth.py                                   # what `make bench` runs
    .venv/bin/python benchmarks/bench_growth.py --region 5307 --preset lijiang --scales 1,2

For each scale it runs the phases of ``bench_city.py`` (synth, load, to_networkx + run_rules,
overview), each in a fresh Python process through ``bench_city.py --child``, so the phases are the
very functions the city benchmark times. ``scale`` is synth's: it multiplies the members and the
partner units per community over the same official areas (the areas, streets and communities stay
as they are), so the rows grow a little slower than the scale.

It prints, per scale, the seconds of each phase, the end-to-end total, the members and rows, the
peak RSS (the largest of the phases' processes); then, for each step to the next scale, the ratio of
each phase's seconds and of the total. The issue asks that time grow linearly; the test: each
step's total ratio is at most 1.25 times the scale ratio (2.5 for a doubling). The naive peer is not
run here (``bench_city.py`` runs it once, at 1x).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_city  # noqa: E402  (sibling scripts: the city's phases, the machine report)
import bench_load  # noqa: E402

SLACK = 1.25  # linear: a step's time ratio at most 1.25x its scale ratio (2.5 for a doubling)
PHASES = (("synth", "synth", "seconds"), ("load", "load", "seconds"), ("graph", "gaps", "graph_seconds"),
          ("gaps", "gaps", "seconds"), ("view", "view", "seconds"))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="5101")
    ap.add_argument("--preset", default="chengdu")
    ap.add_argument("--scales", default="1,2,4,8", help="Comma-separated synth scales, ascending (default 1,2,4,8).")
    ap.add_argument("--tables", default=str(bench_city.TABLES), help="Folder of the full division tables.")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON.")
    args = ap.parse_args(argv)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    if len(scales) < 2 or any(float(a) >= float(b) for a, b in pairwise(scales)):
        raise SystemExit("--scales needs at least two scales in ascending order, as 1,2,4,8")
    if not (Path(args.tables) / "villages.csv").exists():
        raise SystemExit(f"the full division tables are not at {args.tables} (give --tables DIR)")
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    runs = []
    for scale in scales:
        with tempfile.TemporaryDirectory(prefix="dj-bench-growth-") as tmp:
            runs.append({"scale": scale, "phases": bench_city.run_city(args.tables, args.region, args.preset, scale, tmp)})
    result = {"started": started.isoformat(), "command": shlex.join([".venv/bin/python", "benchmarks/bench_growth.py",
              *(argv if argv is not None else sys.argv[1:])]), "cwd": os.getcwd(), "region": args.region,
              "preset": args.preset, "slack": SLACK, "machine": bench_load.machine(), "runs": runs}  # fmt: skip
    for run in runs:
        p = run["phases"]
        run["total"] = bench_city.end_to_end(p)
        run["members"] = p["synth"]["files"]["党员.csv"]
        run["rss_kb"] = max(p[k]["rss_kb"] for k in ("synth", "load", "gaps", "view"))
    result["steps"] = [step(a, b) for a, b in pairwise(runs)]
    result["linear"] = all(s["linear"] for s in result["steps"])
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def _sec(p: dict, phase: str, key: str) -> float:
    return p[phase][key]


def step(a: dict, b: dict) -> dict:
    factor = float(b["scale"]) / float(a["scale"])
    ratios = {name: _sec(b["phases"], ph, k) / _sec(a["phases"], ph, k) for name, ph, k in PHASES}
    total = b["total"] / a["total"]
    return {"from": a["scale"], "to": b["scale"], "factor": factor, "members": b["members"] / a["members"],
            "phases": ratios, "total": total, "bound": SLACK * factor, "linear": total <= SLACK * factor}  # fmt: skip


def report(r: dict) -> str:
    m = r["machine"]
    mib = lambda kb: f"{kb / 1024:,.0f} MiB"  # noqa: E731
    lines = [
        f"dangjian growth benchmark, {r['started']}",
        f"command:  {r['command']}   (in {r['cwd']})",
        f"machine:  {bench_load.machine_line(m)}",
        f"software: CPython {m['python']}, networkx {m['networkx']}, SQLite {m['sqlite']}, dangjian {m['commit']}",
        f"area:     region {r['region']}, preset {r['preset']}, scales {', '.join(x['scale'] for x in r['runs'])}, "
        f"seed 1, as of {bench_city.AS_OF}",
        "",
        "scale  members     rows        synth    load     graph    gaps     view     total     peak RSS",
        "-----  ----------  ----------  -------  -------  -------  -------  -------  --------  ---------",
    ]  # fmt: skip
    for run in r["runs"]:
        p = run["phases"]
        secs = "  ".join(f"{_sec(p, ph, k):6.2f}s" for _, ph, k in PHASES)
        lines.append(f"{run['scale'] + 'x':>5}  {run['members']:>10,}  {p['synth']['rows']:>10,}  {secs}  "
                     f"{run['total']:7.2f}s  {mib(run['rss_kb']):>9}")  # fmt: skip
    lines += [
        "",
        "step    members  synth   load    graph   gaps    view    total   bound   linear",
        "------  -------  ------  ------  ------  ------  ------  ------  ------  ------",
    ]
    for s in r["steps"]:
        ph = "  ".join(f"{s['phases'][name]:5.2f}x" for name, _, _ in PHASES)
        lines.append(f"{s['from'] + '->' + s['to']:<6}  {s['members']:6.2f}x  {ph}  {s['total']:5.2f}x  "
                     f"{s['bound']:5.2f}x  {'yes' if s['linear'] else 'NO'}")  # fmt: skip
    lines += [
        "",
        f"aim (issue): time grows linearly, i.e. each step's end-to-end ratio at most {SLACK:g} x its scale ratio "
        f"({2 * SLACK:g}x per doubling): {'MET' if r['linear'] else 'NOT MET'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
