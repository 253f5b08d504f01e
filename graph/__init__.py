"""The graph layer: the schema as data, the workspace file and the networkx graph built from it.

This package imports none of ``dangjian.loaders``, ``dangjian.queries``, ``dangjian.viz`` or the CLI.
Its names load on first use (a command pays only for what it uses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dangjian.graph.lazy import exports

if TYPE_CHECKING:
    from dangjian.graph.build import to_networkx
    from dangjian.graph.columns import Tables
    from dangjian.graph.errors import DangjianError, InputError, SchemaError, WorkspaceError
    from dangjian.graph.schema import Model, model
    from dangjian.graph.store import Workspace, default_db_path, read_tables

_WHERE = {
    "DangjianError": "dangjian.graph.errors",
    "InputError": "dangjian.graph.errors",
    "Model": "dangjian.graph.schema",
    "SchemaError": "dangjian.graph.errors",
    "Tables": "dangjian.graph.columns",
    "Workspace": "dangjian.graph.store",
    "WorkspaceError": "dangjian.graph.errors",
    "default_db_path": "dangjian.graph.store",
    "model": "dangjian.graph.schema",
    "read_tables": "dangjian.graph.store",
    "to_networkx": "dangjian.graph.build",
}

__all__ = [
    "DangjianError",
    "InputError",
    "Model",
    "SchemaError",
    "Tables",
    "Workspace",
    "WorkspaceError",
    "default_db_path",
    "model",
    "read_tables",
    "to_networkx",
]

__getattr__, __dir__ = exports(__name__, _WHERE)
