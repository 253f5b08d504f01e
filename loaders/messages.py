"""Reasons in plain words, Chinese first. A reject carries a code and parameters; this module
renders it in the user's language from the ``reason`` section of the wording catalogue.

>>> render("bad_date", "en", value="2010-13-01")
"'2010-13-01' is not a date we can read (such as 2010-07-01 or 2010年7月)"
"""

from __future__ import annotations

from typing import Any

from dangjian.wording import t, texts

__all__ = ["MESSAGES", "WARNINGS", "render"]

#: every reason by its code: (Chinese, English), as the catalogue has them
MESSAGES: dict[str, tuple[str, str]] = {
    code: (zh, texts("reason", "en")[code]) for code, zh in texts("reason", "zh").items()
}

#: the codes of warnings from normalize (a value kept with a caveat), not of rejects
WARNINGS = frozenset({"imprecise_date", "ambiguous_month", "approximate"})


def render(code: str, lang: str | None = None, **params: Any) -> str:
    """The reason ``code`` in ``lang`` (default: the language in use) with its parameters filled in."""
    return t(f"reason.{code}", lang=lang, **{k: ("" if v is None else v) for k, v in params.items()})
