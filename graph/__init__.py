"""The graph layer: the schema as data, the workspace file and the networkx graph built from it.

This package imports none of ``dangjian.loaders``, ``dangjian.queries``, ``dangjian.viz`` or the CLI.
"""

from dangjian.graph.build import to_networkx
from dangjian.graph.errors import DangjianError, InputError, SchemaError, WorkspaceError
from dangjian.graph.schema import Model, model
from dangjian.graph.store import Workspace, default_db_path

__all__ = [
    "DangjianError",
    "InputError",
    "Model",
    "SchemaError",
    "Workspace",
    "WorkspaceError",
    "default_db_path",
    "model",
    "to_networkx",
]
