"""Every text a user reads, in Chinese and English, from one catalogue (``catalogue.yaml``), and the
language it is read in, chosen once per command.

A text is named by its key; ``{x}`` in it is a parameter. The language is Chinese unless
``DANGJIAN_LANG`` says otherwise or a command runs :func:`using` another (the CLI does, once, for
its ``--lang``); :func:`t` takes an explicit ``lang=`` too.

>>> t("yes"), t("yes", lang="en")
('是', 'yes')
>>> with using("en"):
...     t("cli.rejects_at", n=3, path="r.csv")
'rejects report (3 problems): r.csv'
>>> current()
'zh'
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["LANGS", "t", "texts", "current", "using", "choose", "has", "Later", "Worded"]

LANGS = ("zh", "en")
CATALOGUE = Path(__file__).with_name("catalogue.yaml")
_LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("dangjian_lang", default=None)


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, tuple[str, str]]:
    """The catalogue flattened: ``"section.key"`` -> (Chinese, English)."""
    import yaml

    flat: dict[str, tuple[str, str]] = {}

    def walk(prefix: str, node: Any) -> None:
        for key, value in node.items():
            if not isinstance(key, str):  # YAML reads a bare yes, no, on, off as true or false
                raise ValueError(f"{CATALOGUE}: key {key!r} under '{prefix}' must be quoted")
            name = f"{prefix}{key}"
            if isinstance(value, dict) and set(value) == {"zh", "en"}:
                flat[name] = (str(value["zh"]), str(value["en"]))
            elif isinstance(value, dict):
                walk(name + ".", value)
            elif isinstance(value, list) and len(value) == 2:
                flat[name] = (str(value[0]), str(value[1]))
            else:
                raise ValueError(f"{CATALOGUE}: {name} is neither [zh, en] nor a section")

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, where PyYAML has it: 9x faster
    walk("", yaml.load(CATALOGUE.read_text(encoding="utf-8"), Loader=loader))
    return flat


def choose(lang: str | None) -> str:
    """``lang`` if it is one of :data:`LANGS`, else the language in use."""
    return lang if lang in LANGS else current()


def current() -> str:
    """The language in use: the one :func:`using` set, else ``DANGJIAN_LANG``, else Chinese."""
    lang = _LANG.get()
    if lang is None:
        lang = os.environ.get("DANGJIAN_LANG", "zh")
    return lang if lang in LANGS else "zh"


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Texts in ``lang`` inside the block (an unknown or missing one: the language in use)."""
    token = _LANG.set(choose(lang))
    try:
        yield _LANG.get()  # type: ignore[misc]
    finally:
        _LANG.reset(token)


def has(key: str) -> bool:
    return key in _catalogue()


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The text ``key`` in ``lang`` (default: the language in use), its ``{x}`` filled from ``params``."""
    zh, en = _catalogue()[key]
    lang = choose(lang)
    text = en if lang == "en" else zh
    if not params:
        return text
    if lang != current():  # lazy parameters read in the language asked for, too
        with using(lang):
            return text.format(**params)
    return text.format(**params)


def texts(prefix: str, lang: str | None = None) -> Mapping[str, str]:
    """Every text under ``prefix`` (a section), by its key inside it, in ``lang`` (read-only)."""
    return _section(prefix, choose(lang))


@functools.lru_cache(maxsize=256)
def _section(prefix: str, lang: str) -> Mapping[str, str]:
    i = 1 if lang == "en" else 0
    start = prefix + "."
    return MappingProxyType({k[len(start):]: v[i] for k, v in _catalogue().items() if k.startswith(start)})


class Later:
    """A text of the catalogue read when it is shown, in the language in use then: a parameter of
    an error whose language is not known when it is raised.

    >>> cause = Later("os_cause.ENOSPC")
    >>> t("error.os.write", name="a.csv", cause=cause), t("error.os.write", "en", name="a.csv", cause=cause)
    ('无法写入 a.csv：磁盘空间不足', 'cannot write a.csv: no space left on the disk')
    """

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key, self.params = key, params

    def __str__(self) -> str:
        return t(self.key, **self.params)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class Worded:
    """A mixin for errors that own their wording: made from a catalogue key and its parameters,
    their text is that entry in the language in use when it is read (:meth:`text`)."""

    key: str | None = None
    params: dict[str, Any]

    def worded(self, key: str, params: dict[str, Any]) -> None:
        self.key, self.params = key, params

    def text(self, lang: str | None = None) -> str:
        if self.key is None:
            return str(self.args[0]) if getattr(self, "args", None) else ""
        return t(self.key, lang=lang, **self.params)
