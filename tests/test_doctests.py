"""The examples in the docstrings run, module by module, under their installed names."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil

import pytest

PACKAGES = ["dangjian.graph", "dangjian.loaders", "dangjian.queries", "dangjian.viz", "dangjian.synth", "dangjian.cli",
            "dangjian.report"]
NO_EXAMPLES = {"dangjian.graph.errors", "dangjian.cli.main"}
MODULES = [m.name for p in PACKAGES for m in pkgutil.iter_modules(importlib.import_module(p).__path__, p + ".")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(os.path.dirname(os.path.dirname(__file__)))  # examples/ paths are relative to the repo
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring examples failed in {name}"
    if name not in NO_EXAMPLES:  # a module's docstring shows how it is used
        assert result.attempted > 0, f"{name} has no docstring example"
