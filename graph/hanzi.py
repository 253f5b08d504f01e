"""Traditional and simplified Chinese characters: :func:`simplified` is the key under which both
forms of a word match (roster values against the schema's choices, a search against names);
:func:`pinyin_keys` is what a name is searched by in pinyin. They live in the graph layer so that
loaders, the workspace (which keeps each name's pinyin) and queries share one converter.

>>> simplified("正式黨員"), simplified("祥云社区")
('正式党员', '祥云社区')
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["simplified", "pinyin_keys"]


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


_PLAIN: dict[str, str] = {}


def _plain(toned: str) -> str:
    """'cháng' -> 'chang', 'lǜ' -> 'lv' (cached per syllable)."""
    found = _PLAIN.get(toned)
    if found is None:
        import unicodedata

        decomposed = unicodedata.normalize("NFD", toned).replace("u\u0308", "v")
        found = _PLAIN[toned] = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return found


@functools.lru_cache(maxsize=1)
def _pinyin_tables() -> tuple[dict[str, list[list[str]]], frozenset[str], dict[str, str], dict[str, tuple[str, ...]]]:
    """pypinyin's phrase dictionary, the first two characters of each phrase in it (a phrase can
    only start where these do), and caches of each character's usual reading and of each phrase's
    plain syllables."""
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT, frozenset(k[:2] for k in PHRASES_DICT if len(k) >= 2), {}, {}


def _reading(ch: str) -> str:
    from pypinyin.constants import PINYIN_DICT

    readings = PINYIN_DICT.get(ord(ch))
    return _plain(readings.split(",")[0]) if readings else ""


@functools.lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: 祥云社区 -> ('xiangyunshequ', 'xysq'). The longest phrase of pypinyin's phrase dictionary at
    each point (so 长沙 reads chang-sha, 重庆 chong-qing), else each character's usual reading.
    About one dictionary lookup per character: a view of 50,000 names stays fast."""
    phrases, starts, chars, said = _pinyin_tables()
    syllables: list[str] = []
    i, n = 0, len(name)
    while i < n:
        if name[i : i + 2] in starts:
            found = None
            for length in (4, 3, 2):
                if i + length > n:
                    continue
                piece = name[i : i + length]
                found = said.get(piece)
                if found is None:
                    phrase = phrases.get(piece)
                    if phrase is None:
                        continue
                    found = said[piece] = tuple(_plain(r[0]) for r in phrase)
                syllables.extend(found)
                i += length
                break
            if found is not None:
                continue
        ch = name[i]
        reading = chars.get(ch)
        if reading is None:
            reading = chars[ch] = _reading(ch)
        if reading:
            syllables.append(reading)
        i += 1
    return "".join(syllables), "".join(x[0] for x in syllables if x)
