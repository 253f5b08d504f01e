"""Roster loaders: read CSV/XLSX rosters, check each row against the schema, load the workspace.
Its names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangjian.graph.lazy import exports

if TYPE_CHECKING:
    from dangjian.loaders.divisions import load_divisions
    from dangjian.loaders.load import LoadResult, load_paths, load_sheets, write_rejects
    from dangjian.loaders.template import write_templates

_WHERE = {
    "LoadResult": "dangjian.loaders.load",
    "load_divisions": "dangjian.loaders.divisions",
    "load_paths": "dangjian.loaders.load",
    "load_sheets": "dangjian.loaders.load",
    "write_rejects": "dangjian.loaders.load",
    "write_templates": "dangjian.loaders.template",
}

__all__ = [
    "LoadResult",
    "load_divisions",
    "load_paths",
    "load_sheets",
    "write_rejects",
    "write_templates",
]

__getattr__, __dir__ = exports(__name__, _WHERE)
