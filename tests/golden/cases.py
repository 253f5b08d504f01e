"""What the commands write on the shipped examples and a small generated city, kept as files.

``tests/test_outputs_unchanged.py`` runs these commands and compares what they print and write with
``tests/golden/out/``, byte for byte: a refactoring must leave every output as it was. When an output
is meant to change, write the files anew and review the diff before committing it:

    .venv/bin/python -m tests.golden.cases --write

Text outputs are kept whole (readable diffs); HTML views and written folders are kept as the
SHA-256 of each file (a view inlines vis-network, 700 kB), with the run's folders replaced by
placeholders and a workbook read as its cells.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from typer.testing import CliRunner

OUT = Path(__file__).with_name("out")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = "2026-11-30"

# (name, arguments); they run in this order in one folder, so later ones read what earlier wrote.
# "{ex}" is the examples folder. Each name is a file under out/ (text) or a hash list (.sha256).
CASES: list[tuple[str, list[str]]] = [
    ("template", ["template", "templates"]),
    ("load-divisions", ["load-divisions", "--region", "530702003", "--db", "d.db"]),
    ("load-xianghe", ["load", "{ex}/xianghe", "--db", "d.db", "--rejects", "rejects-xianghe.csv"]),
    ("load-messy", ["load", "{ex}/messy", "--db", "d.db", "--rejects", "rejects-messy.csv"]),
    ("load-messy-en", ["load", "{ex}/messy", "--db", "d.db", "--lang", "en", "--rejects", "rejects-messy-en.csv"]),
    ("load-huamingce", ["load", "{ex}/huamingce", "--db", "d.db", "--rejects", "rejects-huamingce.csv"]),
    ("load-json", ["load", "{ex}/huamingce", "--db", "d.db", "--json", "--rejects", "rejects-again.csv"]),
    ("info", ["info", "--db", "d.db"]),
    ("info-json", ["info", "--db", "d.db", "--json"]),
    ("gaps", ["gaps", "--db", "d.db", "--as-of", AS_OF, "--limit", "0"]),
    ("gaps-en", ["gaps", "--db", "d.db", "--as-of", AS_OF, "--lang", "en", "--limit", "0"]),
    ("gaps-json", ["gaps", "--db", "d.db", "--as-of", AS_OF, "--format", "json"]),
    ("gaps-csv", ["gaps", "--db", "d.db", "--as-of", AS_OF, "--format", "csv"]),
    ("gaps-md-en", ["gaps", "--db", "d.db", "--as-of", AS_OF, "--format", "md", "--lang", "en"]),
    ("gaps-area", ["gaps", "--db", "d.db", "--as-of", AS_OF, "--area", "祥云社区", "--severity", "medium"]),
    ("rules", ["rules"]),
    ("rules-en-json", ["rules", "--lang", "en", "--json"]),
    ("stats", ["stats", "--db", "d.db", "--as-of", AS_OF]),
    ("stats-report", ["stats", "--db", "d.db", "--as-of", AS_OF, "--report"]),
    ("stats-report-en", ["stats", "--db", "d.db", "--as-of", AS_OF, "--report", "--lang", "en"]),
    ("stats-json", ["stats", "--db", "d.db", "--as-of", AS_OF, "--json"]),
    ("show", ["show", "祥云社区", "--db", "d.db", "--as-of", AS_OF]),
    ("show-en-json", ["show", "祥云社区", "--db", "d.db", "--as-of", AS_OF, "--lang", "en", "--json"]),
    ("find", ["find", "xysq", "--db", "d.db"]),
    ("find-json", ["find", "祥", "--db", "d.db", "--json"]),
    ("path", ["path", "祥云社区", "顺和社区", "--db", "d.db"]),
    ("view-overview", ["view", "overview", "--db", "d.db", "--as-of", AS_OF, "-o", "views/overview.html"]),
    ("view-community", ["view", "community", "祥云社区", "--db", "d.db", "--as-of", AS_OF, "-o",
                        "views/community.html"]),
    ("view-tree-en", ["view", "tree", "--db", "d.db", "--as-of", AS_OF, "--lang", "en", "-o", "views/tree.html"]),
    ("view-coconstruction", ["view", "coconstruction", "--db", "d.db", "--as-of", AS_OF, "-o",
                             "views/coconstruction.html"]),
    ("view-gaps", ["view", "gaps", "--db", "d.db", "--as-of", AS_OF, "-o", "views/gaps.html"]),
    ("synth", ["synth", "--region", "5307", "--preset", "lijiang", "--communities", "12", "--seed", "1", "--as-of", AS_OF, "-o",
               "city"]),
    ("load-city", ["load", "city", "--db", "c.db", "--rejects", "rejects-city.csv"]),
    ("gaps-city-json", ["gaps", "--db", "c.db", "--as-of", AS_OF, "--format", "json"]),
    ("stats-city-report", ["stats", "--db", "c.db", "--as-of", AS_OF, "--report"]),
    ("view-city-overview", ["view", "overview", "--db", "c.db", "--as-of", AS_OF, "-o", "views/city.html"]),
    ("neo4j-export", ["neo4j", "export", "neo4j-import", "--db", "c.db"]),
    # errors: one line each, in the language asked for
    ("error-no-workspace", ["gaps", "--db", "missing.db", "--as-of", AS_OF]),
    ("error-no-entity", ["show", "没有这个社区", "--db", "d.db"]),
    ("error-no-entity-en", ["show", "没有这个社区", "--db", "d.db", "--lang", "en"]),
    ("error-bad-severity", ["gaps", "--db", "d.db", "--severity", "urgent"]),
    ("error-bad-view", ["view", "nothing", "--db", "d.db"]),
]

# Folders a case writes, hashed file by file after it ran.
WRITES = {
    "template": ["templates"], "load-xianghe": ["rejects-xianghe.csv"], "load-messy": ["rejects-messy.csv"],
    "load-messy-en": ["rejects-messy-en.csv"], "load-huamingce": ["rejects-huamingce.csv"],
    "view-overview": ["views/overview.html"], "view-community": ["views/community.html"],
    "view-tree-en": ["views/tree.html"], "view-coconstruction": ["views/coconstruction.html"],
    "view-gaps": ["views/gaps.html"], "synth": ["city"], "load-city": ["rejects-city.csv"],
    "view-city-overview": ["views/city.html"], "neo4j-export": ["neo4j-import"],
}  # fmt: skip


def _hashes(root: Path, rel: str, paths: dict[str, str]) -> list[str]:
    target = root / rel
    files = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
    return [f"{hashlib.sha256(_content(p, paths)).hexdigest()}  {p.relative_to(root).as_posix()}" for p in files]


def _content(path: Path, paths: dict[str, str]) -> bytes:
    """What a file says: a workbook's cells (its zip carries the time it was written), a text file
    with this run's folders written as their placeholders."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        cells = [f"{ws.title}!{c.coordinate}={c.value!r}" for ws in wb for row in ws.iter_rows() for c in row
                 if c.value is not None]  # fmt: skip
        return "\n".join(cells).encode()
    data = path.read_bytes()
    for real, placeholder in paths.items():
        data = data.replace(real.encode(), placeholder.encode())
    return data


def _run(runner, app, workdir: Path, name: str, args: list[str]) -> dict[str, str]:
    argv = [a.replace("{ex}", str(EXAMPLES)) for a in args]
    res = runner.invoke(app, argv, env={"COLUMNS": "160", "DANGJIAN_DB": None, "DANGJIAN_LANG": None,
                                       "DANGJIAN_SCHEMA": None})  # fmt: skip
    text = res.stdout + ("\n--- stderr ---\n" + res.stderr if res.stderr else "")
    paths = {str(workdir): "{work}", str(EXAMPLES): "{ex}"}  # the longer first: workdir is never under examples
    for real, placeholder in paths.items():
        text = text.replace(real, placeholder)
    written = {f"{name}.txt": f"exit {res.exit_code}\n" + text}
    if name in WRITES:
        hashes = [h for rel in WRITES[name] for h in _hashes(workdir, rel, paths)]
        written[f"{name}.sha256"] = "\n".join(hashes) + "\n"
    return written


def run_all(workdir: Path) -> dict[str, str]:
    """Every case's outputs, by file name under out/: ``NAME.txt`` (exit code and what it printed)
    and ``NAME.sha256`` (the files it wrote)."""
    from unittest import mock

    from dangjian.cli.main import app

    runner = CliRunner()
    # a workspace's ID key is random and its loads are dated: these runs fix both, so that derived
    # IDs and the export's stamp are the same each time
    fixed_key = mock.patch("dangjian.graph.store.secrets.token_hex", return_value="5a" * 16)
    fixed_time = mock.patch("dangjian.graph.store._now", return_value="2026-11-30T08:00:00+00:00")
    results: dict[str, str] = {}
    cwd = os.getcwd()
    (workdir / "views").mkdir(exist_ok=True)
    os.chdir(workdir)
    try:
        with fixed_key, fixed_time:
            for name, args in CASES:
                results.update(_run(runner, app, workdir, name, args))
    finally:
        os.chdir(cwd)
    return results


if __name__ == "__main__":
    import tempfile

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.golden.cases --write")
    with tempfile.TemporaryDirectory() as tmp:
        outputs = run_all(Path(tmp))
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for name, text in outputs.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(outputs)} files to {OUT}")
