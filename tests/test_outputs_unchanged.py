"""Every output of the commands on the examples and a small generated city is what it was (see
tests/golden/cases.py): the findings, statistics, tables, reports, views and exports, byte for byte."""

from __future__ import annotations

import difflib

import pytest
from golden.cases import CASES, OUT, run_all


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    return run_all(tmp_path_factory.mktemp("golden"))


def test_every_case_has_its_kept_output(outputs):
    assert sorted(outputs) == sorted(p.name for p in OUT.iterdir())
    assert len({name for name, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("name", sorted(p.name for p in OUT.iterdir()))
def test_output_is_unchanged(outputs, name):
    kept = (OUT / name).read_text(encoding="utf-8")
    now = outputs.get(name)
    assert now is not None, f"{name}: no longer written"
    if now != kept:
        diff = "".join(difflib.unified_diff(kept.splitlines(True), now.splitlines(True), "kept", "now", n=1))
        pytest.fail(f"{name} changed:\n{diff[:4000]}")
