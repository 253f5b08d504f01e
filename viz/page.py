"""Writing a view as one self-contained HTML file: vis-network inlined from the installed pyvis
package (no CDN, no ``lib/`` folder, no ``node_modules``), the view's data embedded as JSON that
cannot close its script tag, and a page that treats every name as text.

pyvis's own path is not used: its templates link CDNs even with ``cdn_resources='in_line'``,
``write_html`` creates ``lib/`` in the working directory, ``from_nx`` changes the caller's graph
and is quadratic, and a title containing ``href`` switches its popups to innerHTML.

>>> from dangjian.viz.model import View
>>> v = View("gaps", "<b>祥和</b>", "zh", [], [], [])
>>> html = render(v)
>>> "<b>祥和</b>" in html, "&lt;b&gt;祥和&lt;/b&gt;" in html
(False, True)
"""

from __future__ import annotations

import functools
import html as htmllib
import json
import os
import re
from importlib import resources
from pathlib import Path

import orjson

from dangjian.graph.fileio import atomic_write_text
from dangjian.graph.perf import paused_gc
from dangjian.viz.model import SEVERITY_COLOURS, View
from dangjian.viz.views import ViewError
from dangjian.wording import LANGS, t, texts

__all__ = ["render", "write_view", "vis_assets", "VIS_VERSION"]

VIS_VERSION = "9.1.2"  # the vis-network build shipped inside pyvis 0.3.x
_HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """(vis-network JavaScript, its CSS) from the installed pyvis package, without the source map
    reference (a browser would try to fetch it)."""
    lib = resources.files("pyvis") / "lib" / f"vis-{VIS_VERSION}"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    js = re.sub(r"//[#@] sourceMappingURL=\S*", "", js)
    css = re.sub(r"/\*[#@] sourceMappingURL=\S*\s*\*/", "", css)
    for text in (js, css):
        if re.search(r"</(script|style)", text, re.I):  # would end the inline block early
            raise RuntimeError("the vis-network asset cannot be inlined safely")
    return js, css


def _json_for_script(data: object) -> str:
    """JSON that is inert inside a <script> element: no '<', '>' or '&' survive as such, nor the
    line separators that end a JavaScript string."""
    try:
        raw = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, a lone surrogate
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")
    # on the UTF-8 bytes (each of these has one encoding, found by a byte search), then decoded once
    return (raw.replace(b"<", b"\\u003c").replace(b">", b"\\u003e").replace(b"&", b"\\u0026")
            .replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029").decode())  # fmt: skip


class _Table(dict):
    """Strings numbered in the order first asked for."""

    def __missing__(self, text: str) -> int:
        number = self[text] = len(self)
        return number


NAME_MARK = "\x00"


def _action(text: str, name: str, s: _Table) -> int | str:
    """An action as the page stores it: a number into the string table, with the node's name
    replaced by NAME_MARK; the text itself if it already holds the mark (never, in practice)."""
    if NAME_MARK in text or NAME_MARK in name:
        return text
    return s[text.replace(name, NAME_MARK) if name else text]


def _compact(view: View, lang: str) -> dict:
    """The view as the page's data: short keys, repeated strings in one table (``S``); page.js
    expands it back."""
    table = s = _Table()  # s[text]: the number of a string in the table, added on first use

    groups = {item["group"]: i for i, item in enumerate(view.legend)}
    nodes = []
    for n in view.nodes:
        item = {"id": n["id"], "l": n["label"], "g": groups[n["group"]], "t": s[n["type"]], "z": n["size"],
                "c": n["color"], "x": n["x"], "y": n["y"]}  # fmt: skip
        if n["name"] != n["label"]:
            item["n"] = n["name"]
        if n["path"]:
            item["p"] = s[" > ".join(map(str, n["path"]))]
        if n["facts"]:
            item["k"] = [[s[k], v] for k, v in n["facts"]]
        if n["findings"]:
            # an action names its entity: with the name cut out it is the same for many nodes, so it
            # goes to the table too (page.js puts the node's name back where NAME_MARK stands)
            name = n["name"]
            item["f"] = [[sev, s[title], s[cite], _action(action, name, s), s[rule]]
                         for sev, _, title, cite, action, rule in n["findings"]]  # fmt: skip
        if n.get("inside"):  # a community's findings inside it (overview): [severity, rule, title, name]
            item["i"] = [[sev, s[rule], s[title], name] for sev, rule, title, name in n["inside"]]
        if n["id"] in view.parents:
            item["u"] = view.parents[n["id"]]
        if n["id"] in view.opening:  # where it sits when the view opens folded
            item["fx"], item["fy"] = view.opening[n["id"]]
        if n["pinyin"]:
            item["q"] = n["pinyin"]
        nodes.append(item)
    edges = [[e["from"], e["to"], s[e["title"]], 1 if e["dashes"] else 0] for e in view.edges]
    return {
        "kind": view.kind,
        "title": view.title,
        "counts": {"nodes": len(view.nodes), "edges": len(view.edges)},
        "fold": view.fold_depth,
        "stats": view.stats,
        "text": dict(texts("page", lang)),
        "legend": view.legend,
        "severities": [{"severity": k, "label": t(f"severity.{k}", lang), "color": c}
                       for k, c in SEVERITY_COLOURS.items()],  # fmt: skip
        "S": list(table),
        "nodes": nodes,
        "edges": edges,
    }


@paused_gc()  # the page's data: a dict and a list or two per node, no cycles
def render(view: View) -> str:
    """The page of ``view`` as a string."""
    lang = view.lang if view.lang in LANGS else "zh"
    js, css = vis_assets()
    page_css, page_js, pieces = _page_parts()
    parts = {
        "LANG": "zh-CN" if lang == "zh" else "en",
        "TITLE": htmllib.escape(view.title),
        "VISCSS": css,
        "CSS": page_css,
        "DATA": _json_for_script(_compact(view, lang)),
        "VISJS": js,
        "JS": page_js,
    }
    return "".join(parts[p] if i % 2 else p for i, p in enumerate(pieces))


@functools.lru_cache(maxsize=1)
def _page_parts() -> tuple[str, str, list[str]]:
    """(page.css, page.js, page.html split at its <!--DJ:NAME--> markers), read once."""
    read = lambda name: (_HERE / name).read_text(encoding="utf-8")  # noqa: E731
    return read("page.css"), read("page.js"), re.split(r"<!--DJ:([A-Z]+)-->", read("page.html"))


def write_view(view: View, path: str | os.PathLike) -> Path:
    """Write the page of ``view`` to ``path`` (atomically; nothing else is created)."""
    path = Path(path)
    if path.is_dir():
        raise ViewError("view.is_folder", path=path, example=path / "view.html")
    if not path.parent.is_dir():
        raise ViewError("view.no_folder", path=path, folder=path.parent)
    text = render(view)
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ViewError("view.cannot_write", path=path, detail=exc.strerror or exc) from None
    return path
