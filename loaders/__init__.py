"""Roster loaders: read CSV/XLSX rosters, check each row against the schema, load the workspace.
Its names load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
