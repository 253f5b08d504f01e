"""Traditional and simplified Chinese characters: :func:`simplified` is the key under which both
forms of a word match (roster values against the schema's choices, a search against names).
It lives in the graph layer so that loaders and queries share one converter.

>>> simplified("正式黨員"), simplified("祥云社区")
('正式党员', '祥云社区')
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["simplified"]


@functools.lru_cache(maxsize=1)
def _t2s() -> tuple[Any, frozenset[str]]:
    """OpenCC's converter and the characters it may change: those it changes on their own (found
    here, about 5,000), and the eight its phrase table (TSPhrases.txt) changes only in context
    (反覆 -> 反复, 沈思 -> 沉思)."""
    import opencc

    cc = opencc.OpenCC("t2s")
    blocks = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2FA20), (0x30000, 0x323B0))
    chars = [chr(c) for lo, hi in blocks for c in range(lo, hi)]
    out = cc.convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # never seen: convert one by one
        out = [cc.convert(c) for c in chars]
    changing = {a for a, b in zip(chars, out, strict=True) if a != b}
    return cc, frozenset(changing | set("哩坏沈甦瞭藉衹覆"))


@functools.lru_cache(maxsize=65536)
def _t2s_cached(text: str) -> str:
    out = _t2s()[0].convert(text)
    return text if out == text else out


def simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC's t2s): a key for matching, not a name to store
    (t2s reads a lone 乾 as 干). Text with no traditional character comes back as it is, fast.

    >>> simplified("祥雲社區黨支部"), simplified("祥云社区")
    ('祥云社区党支部', '祥云社区')
    """
    if text.isascii():
        return text
    if _t2s()[1].isdisjoint(text):
        return text
    return _t2s_cached(text)
