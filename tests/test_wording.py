"""The wording catalogue: every text in both languages with the same parameters, every key the code
names is in it, and the language is chosen once per run."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dangjian.cli.main import app
from dangjian.wording import _catalogue, current, has, t, using

ROOT = Path(__file__).resolve().parents[1]
CODE = [p for d in ("graph", "loaders", "queries", "viz", "cli", "synth", "wording") for p in (ROOT / d).rglob("*.py")]
runner = CliRunner()


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_text_has_both_languages_with_the_same_parameters():
    for key, (zh, en) in _catalogue().items():
        assert zh.strip() and en.strip() or key.endswith(("where", "sheet_note")), key
        if key != "error.os.cause":  # English leaves out the system's own (English) words
            assert _fields(zh) == _fields(en), (key, zh, en)


# a literal key the code passes to t(), Later(...), texts() or an error class
_KEY = re.compile(r"""(?:\bt|Later|Error|NotFound|text_of|texts_of|texts)\(\s*["']([a-z_]+(?:\.[a-z0-9_\-]+)+)["']""")


def test_every_key_the_code_names_is_in_the_catalogue():
    named = {(p.relative_to(ROOT), k) for p in CODE for k in _KEY.findall(p.read_text(encoding="utf-8"))}
    assert len(named) > 150  # the pattern finds the code's keys
    sections = {k.rsplit(".", 1)[0] for k in _catalogue()} | {k.split(".")[0] for k in _catalogue()}
    missing = [(str(p), k) for p, k in sorted(named) if not has(k) and k not in sections]
    assert missing == []


def test_help_is_chinese_by_default_and_english_with_lang_en(monkeypatch):
    monkeypatch.delenv("DANGJIAN_LANG", raising=False)
    zh = runner.invoke(app, ["gaps", "--help"]).stdout
    en = runner.invoke(app, ["gaps", "--lang", "en", "--help"]).stdout
    assert zh.startswith("用法：") and t("help.opt.as_of", "zh") in zh and "Usage" not in zh
    assert en.startswith("Usage: ") and t("help.opt.as_of", "en") in en
    monkeypatch.setenv("DANGJIAN_LANG", "en")
    assert runner.invoke(app, ["--help"]).stdout.startswith("Usage: ")


@pytest.mark.parametrize("args", [["gaps", "--limit", "x"], ["gaps", "--nope"], ["nope"], ["gaps", "--as-of", "2026-13-01"],
                                  ["view", "nothing"], ["gaps", "--lang", "fr"]])
def test_usage_errors_are_one_line_in_the_run_language(args, tmp_path):
    for lang, prefix in (("zh", "错误："), ("en", "error: ")):
        extra = ["--lang", "en"] if lang == "en" and "--lang" not in args else []
        r = runner.invoke(app, [*args, *extra, "--db", str(tmp_path / "w.db")] if args[0] != "nope" else [*args, *extra])
        want = prefix if "fr" not in args else "错误："
        assert r.exit_code == 2 and r.stderr.startswith(want) and r.stderr.count("\n") == 1, r.stderr


def test_the_language_of_a_run_does_not_stay_after_it(tmp_path):
    runner.invoke(app, ["info", "--db", str(tmp_path / "none.db"), "--lang", "en"])
    assert current() == "zh"
    with using("en"):
        assert t("yes") == "yes"
    assert t("yes") == "是"


_RAISE = re.compile(r"raise (?:DangjianError|SchemaError|WorkspaceError|InputError|Neo4jError|ConfigError|"
                    r"ViewError|NotFound)\(\s*(f?)([\"'])(.*?)\2")


def test_every_error_the_library_raises_is_worded_by_the_catalogue():
    raised = [(p.relative_to(ROOT), m.group(1), m.group(3)) for p in CODE
              for m in _RAISE.finditer(p.read_text(encoding="utf-8"))]
    assert len(raised) > 80
    assert [(str(p), text) for p, f, text in raised if f or not has(text)] == []
