"""A package's names, each imported from its module when first asked for (PEP 562): a command pays
only for the modules it uses.

>>> import types
>>> pkg = types.ModuleType("pkg")
>>> pkg.__getattr__, pkg.__dir__ = exports(pkg, {"dumps": "json"})
>>> pkg.dumps([1])
'[1]'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["exports"]


def exports(package: ModuleType | str, where: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` (a module or its name) giving each name of
    ``where`` (name -> module) from its module, kept once imported."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {_name(package)!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__


def _name(package: ModuleType | str) -> str:
    return package if isinstance(package, str) else package.__name__


def _module(package: ModuleType | str) -> ModuleType:
    import sys

    return sys.modules[package] if isinstance(package, str) else package
