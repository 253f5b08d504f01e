"""Roster loaders: read CSV/XLSX rosters, check each row against the schema, load the workspace."""

from dangjian.loaders.divisions import load_divisions
from dangjian.loaders.load import LoadResult, load_paths, load_sheets, write_rejects
from dangjian.loaders.template import write_templates

__all__ = ["LoadResult", "load_divisions", "load_paths", "load_sheets", "write_rejects", "write_templates"]
