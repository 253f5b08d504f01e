"""Before and after: one benchmark phase of an older commit and of this tree, taking turns in fresh
processes, so that the drift of the machine's speed falls on both alike.

    .venv/bin/python benchmarks/bench_ab.py --old dfd8c71 --phase commands  # every command on the city
    .venv/bin/python benchmarks/bench_ab.py --old f86c8a7                   # the backbone load
    .venv/bin/python benchmarks/bench_ab.py --old f86c8a7 --phase graph --rounds 3

``commands`` is ``bench_commands.py ab``: each ``dangjian`` command a whole process on the chengdu
city, each side on a workspace its own code loaded, the ratio of the medians (``--rounds`` runs).

The old commit is checked out (``git worktree``) into a temporary folder and imported in place of
this tree (``PYTHONPATH`` to a ``dangjian`` folder whose packages point into it); the phase code
is ``bench_backbone.py``'s, the same for both. Phases: ``load`` (``load_sheets`` of the national
backbone into a new workspace) and ``graph`` (``to_networkx`` of a backbone workspace that each
side loads once, untimed). Each round runs old then new, or new then old (alternating), each after
a reading of the machine's speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_backbone  # noqa: E402
import bench_commands  # noqa: E402
import bench_load  # noqa: E402


def _old_tree(commit: str, tmp: str) -> dict[str, str]:
    """The environment that imports ``commit``'s dangjian."""
    return bench_commands.old_tree(commit, tmp)


def _run(args: list[str], env: dict[str, str]) -> dict:
    return bench_load.run_child(args, bench_backbone.__file__, env)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", required=True, help="The commit to compare with (e.g. f86c8a7).")
    ap.add_argument("--phase", choices=("load", "graph", "commands"), default="load")
    ap.add_argument("--rounds", type=int, default=2, help="Runs of each side (default 2).")
    ap.add_argument("--tables", default=str(bench_backbone.TABLES), help="Folder of the full division tables.")
    ap.add_argument("--region", default="", help="One code prefix instead of all of China.")
    args = ap.parse_args(argv)
    if args.phase == "commands":
        ab = ["ab", "--old", args.old, "--runs", str(args.rounds)]
        return bench_commands.main(ab + ([] if args.tables == str(bench_backbone.TABLES) else ["--tables", args.tables]))
    commit = bench_load.machine()["commit"]
    with tempfile.TemporaryDirectory(prefix="dj-bench-ab-") as tmp:
        sides = {"old": _old_tree(args.old, tmp), "new": dict(os.environ)}
        try:
            dbs = {}
            if args.phase == "graph":
                for side, env in sides.items():
                    dbs[side] = os.path.join(tmp, f"{side}-graph.db")
                    _run(["load", args.tables, args.region, dbs[side]], env)
            times: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
            for r in range(args.rounds):
                for side in ("old", "new") if r % 2 == 0 else ("new", "old"):
                    speed = bench_load.calibrate()
                    if args.phase == "load":
                        db = os.path.join(tmp, f"{side}-{r}.db")
                        out = _run(["load", args.tables, args.region, db], sides[side])
                        os.remove(db)
                    else:
                        out = _run(["graph", dbs[side]], sides[side])
                    times[side].append((out["seconds"], speed))
                    print(f"round {r + 1} {side}: {out['seconds']:6.2f} s  (machine speed {speed:.3f} s)", flush=True)
        finally:
            subprocess.run(["git", "-C", str(HERE.parent), "worktree", "remove", "--force", os.path.join(tmp, "tree")],
                           capture_output=True)  # fmt: skip
    old, new = (statistics.median(s for s, _ in times[k]) for k in ("old", "new"))
    print(f"phase {args.phase}: old {args.old} median {old:.2f} s, new {commit} median {new:.2f} s, "
          f"new/old {new / old:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
