"""The city's views in a real browser: how long the 成都 overview and gaps view take to become
interactive in Chromium, how many nodes they draw when they open, whether their labels can be read
then, and how long the filters take.

    .venv/bin/python benchmarks/bench_browser.py             # what `make bench` runs
    .venv/bin/python benchmarks/bench_browser.py --runs 3

The city is ``dangjian synth --region 5101 --preset chengdu --seed 1`` (3,047 communities) on the
official division tables, loaded into a workspace (not timed); each view is written once with
``dangjian view`` (its time is in ``bench_commands.py city``). Each page is then opened ``--runs``
times in a fresh Chromium page (headless, Debian's /usr/bin/chromium through Playwright), from
``goto`` until the page says it is ready (``body[data-ready='1']``: vis-network has drawn once and
every control is wired). Reported: the median time to interactive, the nodes drawn at opening and
the zoom then (a label at zoom 1 is 13 px; below about 0.5 it cannot be read), and the time in the
page of three filters (the communities with no organization; the severity boxes down to high; show
all again), each measured with ``performance.now()`` around the click's work. Aims (issue 20): under
1.5 s to interactive, under 3,000 nodes drawn by default, labels readable, filters under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_commands  # noqa: E402
import bench_load  # noqa: E402

CHROMIUM = os.environ.get("DANGJIAN_CHROMIUM") or "/usr/bin/chromium"
FILTERS = (("no organization", "document.getElementById('dj-no-org').click()"),
           ("high only", "['medium','low'].forEach(s => document.querySelector(`#dj-severity input[data-severity='${s}']`).click())"),
           ("show all", "document.getElementById('dj-reset').click()"))  # fmt: skip


def measure(path: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    ready, opening, scale, filters = [], None, None, {name: [] for name, _ in FILTERS}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 850})
            t = time.perf_counter()
            page.goto(Path(path).resolve().as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=120_000)
            ready.append(time.perf_counter() - t)
            opening = page.evaluate("dangjianView.network.body.nodeIndices.length")
            scale = page.evaluate("dangjianView.network.getScale()")
            total = page.evaluate("dangjianView.data.counts.nodes")
            for name, js in FILTERS:
                filters[name].append(page.evaluate(f"(() => {{ const t = performance.now(); {js}; return performance.now() - t; }})()"))
            page.close()
        browser.close()
    return {"ready": statistics.median(ready), "opening": opening, "scale": scale, "total": total,
            "filters": {k: statistics.median(v) for k, v in filters.items()}}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tables", default=str(bench_commands.TABLES))
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="dj-bench-browser-") as tmp:
        rosters = bench_commands.synth(args.tables, f"{tmp}/rosters", *bench_commands.CITY)
        db = f"{tmp}/w.db"
        bench_commands.load(bench_commands.NEW, rosters, db)
        results = {}
        for kind in ("overview", "gaps"):
            html = f"{tmp}/{kind}.html"
            subprocess.run([*bench_commands.NEW, "view", kind, "--as-of", bench_commands.AS_OF, "-o", html, "--db", db],
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
            results[kind] = measure(html, args.runs)
    m = bench_load.machine()
    out = ["## The chengdu city's views in Chromium", "",
           f"- machine: {bench_load.machine_line(m)}; Python {m['python']}; Chromium {CHROMIUM}",
           f"- date: {dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()}; commit {m['commit']}",
           f"- command: `{shlex.join(['.venv/bin/python', 'benchmarks/bench_browser.py', *(argv or sys.argv[1:])])}`",
           "", f"Median of {args.runs} page loads each.", "",
           "| view | nodes in the view | drawn at opening | zoom at opening | to interactive | aim | "
           + " | ".join(f"filter: {n}" for n, _ in FILTERS) + " |",
           "|---|---|---|---|---|---|" + "---|" * len(FILTERS)]  # fmt: skip
    for kind, r in results.items():
        ok = "met" if r["ready"] <= 1.5 and r["opening"] < 3000 and r["scale"] >= 0.5 else "missed"
        out.append(f"| {kind} | {r['total']:,} | {r['opening']:,} | {r['scale']:.2f} | {r['ready']:.2f} s | {ok} | "
                   + " | ".join(f"{r['filters'][n]:.0f} ms" for n, _ in FILTERS) + " |")  # fmt: skip
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
