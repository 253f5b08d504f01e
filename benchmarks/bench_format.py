"""Why the workspace keeps JSON columns: the chengdu city's nodes and edges, encoded and decoded in the
ways considered, timed side by side in one process (best of ``--runs``).

    .venv/bin/python benchmarks/bench_format.py          # synthesizes and loads the city first
    .venv/bin/python benchmarks/bench_format.py --db W   # a workspace already loaded

- **rows, JSON per row**: the earlier format's payload: each node's and edge's properties as one
  JSON text (decoded one by one, as ``SELECT ... props`` rows were).
- **columns, JSON**: what the workspace keeps: one list per column of each type, orjson.
- **columns, JSON, dictionary-coded**: a column of few values as ``{"values", "codes"}``.
- **columns, marshal** and **columns, pickle**: the same lists in Python's own formats (faster to
  decode, but tied to the Python version, and pickle runs code from the file it reads).

Each reports the bytes and the seconds to decode every column (``all``) and the columns the gap rules
read (``rules``: ids, the edges' ends and dates, the members' situation and status, the areas' level).
"""

from __future__ import annotations

import argparse
import gc
import marshal
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_commands  # noqa: E402
import bench_load  # noqa: E402

RULES = {("nodes", "id"), ("nodes", "p:situation"), ("nodes", "p:status"), ("nodes", "p:level"), ("edges", "src"),
         ("edges", "dst"), ("edges", "valid_from"), ("edges", "valid_to")}  # fmt: skip


def columns(db: str) -> dict[tuple[str, str, str], list]:
    from dangjian.graph.store import read_tables

    t = read_tables(db)
    out = {}
    for table in ("nodes", "edges"):
        for type_name in t.types(table):
            fixed = ("id", "src", "dst", "valid_from", "valid_to") if table == "edges" else ("id", "name")
            for c in (*fixed, *("p:" + k for k in t.keys[table].get(type_name, ()))):
                out[(table, type_name, c)] = list(t.column(table, type_name, c))
    return out


def coded(col: list) -> object:
    try:
        distinct = dict.fromkeys(col)
    except TypeError:
        return col
    if len(distinct) * 4 > len(col):
        return col
    index = {v: i for i, v in enumerate(distinct)}
    return {"values": list(distinct), "codes": list(map(index.__getitem__, col))}


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="A loaded workspace (default: synthesize and load the chengdu city).")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tables", default=str(bench_commands.TABLES))
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dj-bench-fmt-") as tmp:
        db = args.db
        if db is None:
            rosters = bench_commands.synth(args.tables, f"{tmp}/rosters", *bench_commands.CITY)
            db = f"{tmp}/w.db"
            subprocess.run([*bench_commands.NEW, "load", rosters, "--db", db], check=True, stdout=subprocess.DEVNULL)
        cols = columns(db)
    rows_n = {}
    for (table, type_name, c), col in cols.items():
        if c.startswith("p:"):
            rows_n.setdefault((table, type_name), [{} for _ in col])
            for d, v in zip(rows_n[(table, type_name)], col, strict=True):
                if v is not None:
                    d[c[2:]] = v
    per_row = [orjson.dumps(d) for ds in rows_n.values() for d in ds]
    from dangjian.graph.columns import _load_column  # the workspace's own reader of a coded column

    formats = {
        "columns, JSON (orjson)": (orjson.dumps, orjson.loads, lambda c: c),
        "columns, JSON, dictionary-coded": (orjson.dumps, _load_column, coded),
        "columns, marshal": (marshal.dumps, marshal.loads, lambda c: c),
        "columns, pickle": (lambda o: pickle.dumps(o, 5), pickle.loads, lambda c: c),
    }
    m = bench_load.machine()
    print(f"machine: {bench_load.machine_line(m)}; Python {m['python']}; commit {m['commit']}")
    print(f"command: .venv/bin/python benchmarks/bench_format.py {' '.join(argv or sys.argv[1:])}".rstrip())
    print(f"columns: {len(cols)}, values: {sum(map(len, cols.values())):,}; best of {args.runs}\n")
    print(f"{'format':36} {'MiB':>7} {'decode all s':>13} {'decode rules s':>15}")
    size = sum(map(len, per_row))
    print(f"{'rows, JSON per row (properties)':36} {size / 2**20:7.1f} {best(lambda: [orjson.loads(p) for p in per_row], args.runs):13.3f} {'(all rows)':>15}")
    for name, (enc, dec, prep) in formats.items():
        blobs = {k: enc(prep(c)) for k, c in cols.items()}
        size = sum(map(len, blobs.values()))
        rules = [b for (table, _, c), b in blobs.items() if (table, c) in RULES]
        t_all = best(lambda blobs=blobs, dec=dec: [dec(b) for b in blobs.values()], args.runs)
        t_rules = best(lambda rules=rules, dec=dec: [dec(b) for b in rules], args.runs)
        print(f"{name:36} {size / 2**20:7.1f} {t_all:13.3f} {t_rules:15.3f}")
    rules = {k: c for k, c in cols.items() if (k[0], k[2]) in RULES}
    with tempfile.TemporaryDirectory(prefix="dj-bench-fmt-") as tmp:
        for name, reader in _columnar_stores(rules, tmp):
            print(f"{name:36} {'':7} {'':13} {best(reader, args.runs):15.3f}")
    return 0


def _columnar_stores(rules: dict, tmp: str):
    """The rules' columns kept in Parquet (pyarrow) and in DuckDB, read back into Python lists (what
    the rules, in Python, need): skipped when those libraries are not installed."""
    try:
        import duckdb
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        print("(pyarrow and duckdb not installed: Parquet and DuckDB not measured; pip install duckdb pyarrow)")
        return
    by_table: dict[tuple[str, str], dict[str, list]] = {}
    for (table, type_name, c), col in rules.items():
        by_table.setdefault((table, type_name), {})[c.replace(":", "_")] = [None if v is None else str(v) for v in col]
    paths = {}
    for i, data in enumerate(by_table.values()):
        paths[i] = f"{tmp}/t{i}.parquet"
        pq.write_table(pa.table(data), paths[i])
    con = duckdb.connect(f"{tmp}/w.duckdb")
    for i, path in paths.items():
        con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_parquet('{path}')")
    con.close()

    def parquet():
        for path in paths.values():
            t = pq.read_table(path)
            [t.column(n).to_pylist() for n in t.column_names]

    def duck():
        with duckdb.connect(f"{tmp}/w.duckdb", read_only=True) as c:
            for i in paths:
                t = c.sql(f"SELECT * FROM t{i}").to_arrow_table()
                [t.column(n).to_pylist() for n in t.column_names]

    yield f"Parquet (pyarrow {pa.__version__})", parquet
    yield f"DuckDB {duckdb.__version__}", duck


if __name__ == "__main__":
    raise SystemExit(main())
