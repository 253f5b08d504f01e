"""What may be shown of a person: names masked (张*华), ID and phone numbers hidden, and people's
names masked inside free text too (a note that says 联系人张小华).

>>> mask_name("欧阳小华")
'欧**华'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["mask_name", "NameGuard"]


def mask_name(name: str) -> str:
    """张华 -> 张*, 张小华 -> 张*华, 欧阳小华 -> 欧**华."""
    name = str(name)
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class NameGuard:
    """Masks the given people's names wherever free text carries them (a note that says
    联系人张小华 shows 联系人张*华). Longest name first at each place; a Latin-letter name only
    as a whole word.

    >>> guard = NameGuard(["张小华", "欧阳小华"])
    >>> guard("请欧阳小华与张小华联系")
    '请欧**华与张*华联系'
    >>> guard("无人")
    '无人'
    """

    def __init__(self, names: Iterable[Any]):
        self.names = frozenset(n for n in (x.strip() for x in names if isinstance(x, str)) if len(n) >= 2)
        self._firsts = frozenset(n[0] for n in self.names)
        self._lengths = sorted({len(n) for n in self.names}, reverse=True)

    def __bool__(self) -> bool:
        return bool(self.names)

    def __call__(self, text: str) -> str:
        if not self.names:
            return text
        out, i, start, end = [], 0, 0, len(text)
        names, firsts, lengths = self.names, self._firsts, self._lengths
        while i < end:
            if text[i] in firsts:
                for k in lengths:
                    if i + k > end:
                        continue
                    word = text[i : i + k]
                    if word in names and _whole(text, i, i + k):
                        out.append(text[start:i])
                        out.append(mask_name(word))
                        i = start = i + k
                        break
                else:
                    i += 1
            else:
                i += 1
        if not out:
            return text
        out.append(text[start:])
        return "".join(out)


def _whole(text: str, i: int, j: int) -> bool:
    """Whether text[i:j] stands alone where it starts or ends with a Latin letter or digit (a
    Chinese name needs no spaces around it)."""
    if text[i].isascii() and text[i].isalnum() and i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
        return False
    last = text[j - 1]
    return not (
        last.isascii() and last.isalnum() and j < len(text) and text[j].isascii() and text[j].isalnum()
    )
