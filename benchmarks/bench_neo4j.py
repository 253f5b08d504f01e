"""Neo4j against a real server (tests/neo4j/server: Neo4j 5.26 Community, heap 1g, page cache 512m):
push rows/s and bulk-import rows/s, and the sharded gaps of a city from the server against the
embedded backend in the same run, each command a whole process with its peak RSS.

    .venv/bin/python benchmarks/bench_neo4j.py                    # the city (丽江市, lijiang preset)
    .venv/bin/python benchmarks/bench_neo4j.py --backbone         # and the national backbone (620,573 areas)
    .venv/bin/python benchmarks/bench_neo4j.py --province         # and 云南省 (synth 53, scale 0.7: 1.17M members)

Rows are nodes + relationships. A push is timed twice: into the empty database of the server just
started (``create``), then again with the same workspace (``merge``, nothing changes). The import time
is that of Neo4j's importer (``neo4j-admin database import full``) on the export's files, the server
stopped, as the export's printed command runs it: the whole process (JVM start included) and the
importer's own "IMPORT DONE in". The gaps runs alternate embedded and neo4j, ``--repeat`` times (3),
medians. The province runs with a bigger server (heap 2g, page cache 2g: its store does not fit the
test server's 512m). Aims (the issue): push ≥ 50,000 rows/s; import ≥ 500,000 rows/s; sharded gaps
of a city ≤ 3× the embedded time, with the peak memory of one shard, not of the city.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DJ = str(REPO / ".venv" / "bin" / "dangjian")
SERVER = str(REPO / "tests" / "neo4j" / "server")
TABLES = REPO.parent / "shared" / "data" / "china-divisions-2023"
sys.path.insert(0, str(HERE))
import bench_load  # noqa: E402


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Seconds, peak RSS (KiB) and stdout of a whole process."""
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(args)} failed: {proc.stderr[-1500:]}")
    return seconds, int(proc.stderr.strip().splitlines()[-1]), proc.stdout


def start(env: dict[str, str]) -> dict[str, str]:
    subprocess.run([SERVER, "start"], env=env, check=True, capture_output=True)
    conn = dict(line.split("=", 1) for line in Path(env["NEO4J_TEST_DIR"], "env").read_text().split() if "=" in line)
    return {**env, **conn}


def stop(env: dict[str, str]) -> None:
    subprocess.run([SERVER, "stop"], env=env, capture_output=True)


def push_and_import(db: Path, tmp: Path, env: dict[str, str], what: str) -> list[str]:
    out = []
    conn = start(env)
    try:
        for verb in ("create", "merge"):
            seconds, rss, text = timed([DJ, "neo4j", "push", "--db", str(db), "--json"], conn)
            pushed = json.loads(text)
            rows = sum(pushed["nodes"].values()) + sum(pushed["relationships"].values())
            out.append(f"{what}: push ({verb}) {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
                       f"(dangjian peak {rss / 1024:.0f} MiB; aim >= 50,000 rows/s)")  # fmt: skip
    finally:
        stop(env)
    export = tmp / f"export-{what.replace(' ', '-')}"
    seconds, _, text = timed([DJ, "neo4j", "export", str(export), "--db", str(db), "--json"], env)
    res = json.loads(text)
    rows = res["nodes"] + res["relationships"]
    out.append(f"{what}: export {rows:,} rows in {seconds:.1f} s")
    subprocess.run([SERVER, "prepare"], env=env, check=True, capture_output=True)
    args = shlex.split(res["command"])[1:]  # neo4j-admin database import full neo4j ...
    t0 = time.perf_counter()
    proc = subprocess.run([SERVER, "admin", *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    stop(env)
    if proc.returncode != 0:
        raise SystemExit(f"import failed: {proc.stderr[-1500:]}")
    done = re.search(r"IMPORT DONE in (?:(\d+)m )?(?:(\d+)s )?(\d+)ms", proc.stdout + proc.stderr)
    own = int(done[1] or 0) * 60 + int(done[2] or 0) + int(done[3]) / 1000 if done else float("nan")
    out.append(f"{what}: neo4j-admin import {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, JVM "
               f"start included; the importer's own time {own:.1f} s = {rows / own:,.0f} rows/s "
               "(aim >= 500,000 rows/s)")  # fmt: skip
    return out


def gaps_side_by_side(db: Path, env: dict[str, str], what: str, repeat: int) -> list[str]:
    lines = []
    conn = start(env)
    try:
        subprocess.run([DJ, "neo4j", "push", "--db", str(db)], env=conn, check=True, capture_output=True)
        runs: dict[str, list[tuple[float, int]]] = {"embedded": [], "neo4j": []}
        outs = {}
        for i in range(repeat):
            order = ("embedded", "neo4j") if i % 2 == 0 else ("neo4j", "embedded")
            for side in order:
                extra = ["--db", str(db)] if side == "embedded" else ["--backend", "neo4j"]
                s, rss, text = timed([DJ, "gaps", "--format", "json", "--as-of", "2026-11-22", *extra], conn)
                runs[side].append((s, rss))
                outs[side] = json.loads(text)["findings"]
        same = outs["embedded"] == outs["neo4j"]
        med = {k: (statistics.median(x for x, _ in v), max(m for _, m in v)) for k, v in runs.items()}
        ratio = med["neo4j"][0] / med["embedded"][0]
        for side, (s, m) in med.items():
            lines.append(f"{what}: gaps {side:8} median {s:.2f} s, peak {m / 1024:.0f} MiB "
                         f"(runs {', '.join(f'{x:.2f}' for x, _ in runs[side])})")  # fmt: skip
        lines.append(f"{what}: sharded / embedded = {ratio:.2f}x (aim <= 3x); peak memory "
                     f"{med['neo4j'][1] / med['embedded'][1]:.2f}x the embedded one; "
                     f"same {len(outs['neo4j'])} findings: {same}")  # fmt: skip
    finally:
        stop(env)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backbone", action="store_true", help="also the national backbone (needs the full tables)")
    ap.add_argument("--province", action="store_true", help="also 云南省, about 1.2M members (needs the full tables)")
    ap.add_argument("--region", default="5307")
    ap.add_argument("--preset", default="lijiang")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-neo4j-"))
    env = {**os.environ, "NEO4J_TEST_DIR": str(tmp / "server")}
    lines = [f"# bench_neo4j {dt.datetime.now():%Y-%m-%dT%H:%M:%S}  {shlex.join(sys.argv)}",
             bench_load.machine_line(bench_load.machine())]  # fmt: skip
    city = tmp / "city.db"
    subprocess.run([DJ, "synth", "--region", a.region, "--preset", a.preset, "--seed", "1", "-o", str(tmp / "r")],
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run([DJ, "load", str(tmp / "r"), "--db", str(city), "--rejects", str(tmp / "rj.csv")], check=True,
                   capture_output=True)  # fmt: skip
    lines += push_and_import(city, tmp, env, f"city {a.region}")
    lines += gaps_side_by_side(city, env, f"city {a.region}", a.repeat)
    if a.backbone:
        if not TABLES.exists():
            raise SystemExit(f"--backbone needs the full division tables at {TABLES}")
        bb = tmp / "backbone.db"
        s, _, _ = timed([DJ, "load-divisions", "--region", "", "--from", str(TABLES), "--db", str(bb),
                         "--rejects", str(tmp / "rb.csv")], env)  # fmt: skip
        lines.append(f"backbone: load-divisions of all China in {s:.1f} s")
        lines += push_and_import(bb, tmp, env, "backbone")
    if a.province:
        if not TABLES.exists():
            raise SystemExit(f"--province needs the full division tables at {TABLES}")
        pv = tmp / "province.db"
        subprocess.run([DJ, "synth", "--region", "53", "--preset", "lijiang", "--scale", "0.7", "--seed", "1",
                        "--from", str(TABLES), "-o", str(tmp / "pr")], check=True, capture_output=True)  # fmt: skip
        s, rss, _ = timed([DJ, "load", str(tmp / "pr"), "--db", str(pv), "--rejects", str(tmp / "rp.csv")], env)
        lines.append(f"province 53: load in {s:.1f} s, peak {rss / 1024:.0f} MiB")
        big = {**env, "NEO4J_HEAP": "2g", "NEO4J_PAGECACHE": "2g"}
        lines += push_and_import(pv, tmp, big, "province 53")
        lines += gaps_side_by_side(pv, big, "province 53", 1)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
