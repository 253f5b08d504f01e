"""Errors the library raises on purpose. The CLI turns each into a one-line message."""

from __future__ import annotations

__all__ = ["DangjianError", "SchemaError", "WorkspaceError", "InputError"]


class DangjianError(Exception):
    """Base of every error a user can cause and fix (bad file, wrong workspace, ...)."""


class SchemaError(DangjianError):
    """The schema file is inconsistent."""


class WorkspaceError(DangjianError):
    """The workspace file cannot be opened or is of another schema version."""


class InputError(DangjianError):
    """An input file cannot be read at all (wrong format, empty, binary)."""
