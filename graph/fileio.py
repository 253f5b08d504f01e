"""Atomic writes: a file is either the old one or the complete new one, never half-written. A
write that fails (disk full, read-only folder) leaves no temporary file and raises a
:class:`~dangjian.graph.explain.WriteError` (an ``OSError`` too) that says why in one line.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> atomic_write_text(p, "好")
>>> p.read_text(encoding="utf-8")
'好'
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dangjian.graph.explain import WriteError, write_error

__all__ = ["atomic_write", "atomic_write_text"]


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except WriteError:
        raise
    except OSError as exc:
        raise write_error(exc, path) from exc
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        except OSError:  # the folder is not writable: nothing was made there either
            pass


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding=encoding, newline=""))
