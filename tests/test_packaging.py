"""The package installs under one name, ships every module, and keeps its layers apart."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["graph", "loaders", "queries", "viz", "cli", "synth", "report"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (whl,) = out.glob("dangjian-*.whl")
    return whl


def test_wheel_contains_every_module_and_the_schema(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in FOLDERS:
        for f in (ROOT / folder).rglob("*.py"):
            assert f"dangjian/{f.relative_to(ROOT).as_posix()}" in names, f
    assert "dangjian/graph/schema.yaml" in names
    for page_file in ("page.html", "page.js", "page.css"):  # the view page's parts
        assert f"dangjian/viz/{page_file}" in names
    for table in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv", "LICENSE"):
        assert f"dangjian/loaders/data/divisions/{table}" in names  # the division-code extract
    assert "dangjian/queries/rules.yaml" in names
    for f in (ROOT / "queries" / "cypher").glob("*.cypher"):  # the saved Neo4j queries
        assert f"dangjian/queries/cypher/{f.name}" in names
    top = {n.split("/")[0] for n in names if not n.startswith("dangjian-")}
    assert top == {"dangjian"}, top


def test_fresh_install_imports_dangjian_and_not_generic_names(wheel, tmp_path):
    """Install the wheel into a fresh venv (dependencies borrowed from this one, not the project)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.check_output([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        text=True).strip())
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "deps.pth").write_text("\n".join(deps) + "\n")
    code = ("import dangjian.graph, dangjian.loaders, dangjian.queries, dangjian.viz, dangjian.cli, dangjian.synth;"
            "import dangjian.report.docx, dangjian.report.xlsx, dangjian.report.work;"
            "import dangjian.graph as g; assert 'site-packages' in g.__file__, g.__file__;"
            "m = g.model(); print(len(m.nodes))")
    out = subprocess.run([py, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    for generic in FOLDERS:
        r = subprocess.run([py, "-c", f"import {generic}"], capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode != 0 and "ModuleNotFoundError" in r.stderr, generic


def _imports(folder: str) -> set[str]:
    found = set()
    for f in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
    return found


def test_layers_import_one_way():
    def uses(folder, layer):
        return any(m == f"dangjian.{layer}" or m.startswith(f"dangjian.{layer}.") for m in _imports(folder))

    assert not any(uses("graph", other) for other in ("loaders", "queries", "viz", "cli"))
    assert not any(uses(f, "cli") for f in ("graph", "loaders", "queries", "viz"))
    assert not uses("loaders", "queries") and not uses("loaders", "viz")
    assert not uses("queries", "loaders") and not uses("queries", "viz")
    assert not any(uses(f, "synth") for f in ("graph", "loaders", "queries", "viz"))  # only the CLI asks for data
    assert not any(uses(f, "report") for f in ("graph", "loaders", "queries", "viz"))  # reports read the queries
    assert not uses("report", "cli") and not uses("report", "loaders")
    for folder in FOLDERS:
        bare = {m.split(".")[0] for m in _imports(folder)} & set(FOLDERS)
        assert not bare, f"{folder} imports {bare} without the dangjian prefix"


def test_lint_bans_bare_project_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import graph\nfrom queries import x\n")
    ruff = Path(sys.executable).with_name("ruff")
    r = subprocess.run([ruff, "check", "--config", str(ROOT / "pyproject.toml"), "--select", "TID251", str(bad)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout.count("TID251") == 2, r.stdout
