"""What may be shown of a person: names masked (张*华), ID and phone numbers hidden, and people's
names masked inside free text too (a note that says 联系人张小华).

>>> mask_name("欧阳小华")
'欧**华'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["mask_name", "mask_numbers", "shown_name", "NameGuard", "LazyGuard", "looks_like_name", "SURNAMES"]

# The commonest Chinese surnames (about nine in ten people bear one of them) and the compound ones:
# what tells a personal name in a cell where no name belongs (a roster whose columns slipped).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "和木杨普柳卓岳常康葛殷宁施柯祝欧阎易乔孔包牛左庞樊兰殷褚车尚童饶"
    "張劉陳楊黃趙吳孫馬鄭謝許韓馮鄧曹彭蔣葉蘇魏呂盧鍾譚陸範賈韋鄒龍陶賀顧龔萬錢嚴覃湯喬龐樊蘭饒"
) | frozenset({"欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "皇甫", "令狐", "慕容",
               "尉迟", "尉遲", "长孙", "長孫", "宇文", "司徒", "夏侯", "公孙", "公孫", "轩辕", "軒轅", "端木"})


def looks_like_name(text: str) -> bool:
    """Whether ``text`` could be a person's name: two to four Han characters led by a surname.

    >>> looks_like_name("欧阳秀英"), looks_like_name("张华"), looks_like_name("积极分子"), looks_like_name("男")
    (True, True, False, False)
    """
    if not 2 <= len(text) <= 4 or not all("\u4e00" <= c <= "\u9fff" for c in text):
        return False
    return text[0] in SURNAMES or text[:2] in SURNAMES


def mask_name(name: str) -> str:
    """张华 -> 张*, 张小华 -> 张*华, 欧阳小华 -> 欧**华."""
    name = str(name)
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# One separator people put between the groups of a number: a space, a dash, a dot.
_SEP = r"[ \-.\u00a0\u2010-\u2015\u2212]?"
_KINDS = [(kind, re.compile(r"(?<![0-9A-Za-z])" + pattern + r"(?![0-9])")) for kind, pattern in (
    ("id18", rf"[1-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx](?![A-Za-z])"),  # an ID number: 18 characters
    ("id15", rf"[1-9](?:{_SEP}[0-9]){{14}}"),  # the old 15 digits
    ("mobile", rf"(?:\+?86{_SEP}|\(\+?86\){_SEP})?1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}"),  # a mobile, maybe +86
    ("landline", rf"(?:[(（]0[0-9]{{2,3}}[)）]|0[0-9]{{2,3}}){_SEP}[0-9]{{3,4}}{_SEP}[0-9]{{4}}"),  # (0888)5123456
)]  # fmt: skip
_START = re.compile(r"(?<![0-9A-Za-z])[+(（0-9]")  # where a number can begin
_DIGIT = re.compile(r"[0-9]")
_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def _id_checks(digits: str) -> bool:
    """An 18-character ID number's check character is right (ISO 7064 MOD 11-2)."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(digits[:17], _ID_WEIGHTS, strict=True)) % 11] == digits[17]


def _plausible(kind: str, text: str) -> bool:
    """Whether a match is a number, not digits of several that stand side by side: written with no
    separator, a shape is enough; with separators an ID number must check and its birth date be a
    date (530702003003 530702003004, two area codes, are no ID number)."""
    if text.isdigit() or (text[:-1].isdigit() and text[-1] in "Xx"):
        return True
    digits = re.sub(r"[^0-9Xx]", "", text).upper()
    if kind == "id18":
        return _id_checks(digits) and _date_like(digits[6:14])
    if kind == "id15":
        return _date_like("19" + digits[6:12])
    return True  # a mobile or a landline with its separators: the shape is specific enough


def _date_like(yyyymmdd: str) -> bool:
    return "1900" <= yyyymmdd[:4] <= "2099" and "01" <= yyyymmdd[4:6] <= "12" and "01" <= yyyymmdd[6:] <= "31"


def mask_numbers(text: str) -> str:
    """``text`` with every ID number and phone number in it replaced by ***, also when written with
    spaces, dashes, dots or brackets.

    >>> mask_numbers("电话 139 1234 5678、139-1234-5678、(0888)5123456、+86 136 0000 2222")
    '电话 ***、***、***、***'
    >>> mask_numbers("身份证 5307 0219 8001 0101 9X，编码 530702003003 530702003004，面积 150.5")
    '身份证 ***，编码 530702003003 530702003004，面积 150.5'
    """
    if _DIGIT.search(text) is None:  # most free text: no digit at all (one search in C)
        return text
    out, pos = [], 0
    for start in _START.finditer(text):
        at = start.start()
        if at < pos:
            continue
        for kind, pattern in _KINDS:  # at each place the longest kind that is a number
            m = pattern.match(text, at)
            if m is not None and _plausible(kind, m.group(0)):
                out += (text[pos:at], "***")
                pos = m.end()
                break
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def shown_name(name: str, person: bool, guard: Callable[[str], str] | None = None) -> str:
    """An entity's name as outputs show it: a person's masked (张*华); another's with the people's
    names and the numbers inside it masked by ``guard`` (张小华便利店 shows 张*华便利店).

    >>> shown_name("张小华", True), shown_name("张小华便利店", False, NameGuard(["张小华"]))
    ('张*华', '张*华便利店')
    """
    if person:
        return mask_name(name)
    return guard(name) if guard is not None else mask_numbers(name)


class NameGuard:
    """Masks the given people's names wherever free text carries them (a note that says
    联系人张小华 shows 联系人张*华), and ID and phone numbers (:func:`mask_numbers`). Longest name
    first at each place; a Latin-letter name only as a whole word.

    >>> guard = NameGuard(["张小华", "欧阳小华"])
    >>> guard("请欧阳小华与张小华联系")
    '请欧**华与张*华联系'
    >>> guard("无人")
    '无人'
    """

    def __init__(self, names: Iterable[Any]):
        names = list(names)
        try:
            distinct = set(names)  # a city's names: set and map run in C, no Python loop per name
        except TypeError:  # a value that is no text (a list) among them
            distinct = {x for x in names if isinstance(x, str)}
        distinct.discard(None)
        try:
            stripped = set(map(str.strip, distinct))
        except TypeError:  # a number among them
            stripped = {x.strip() for x in distinct if isinstance(x, str)}
        lengths = set(map(len, stripped))
        if 0 in lengths or 1 in lengths:
            stripped.difference_update([n for n in stripped if len(n) < 2])
            lengths.difference_update((0, 1))
        self.names = stripped  # each name of two characters or more, once (never changed)
        self._lengths = sorted(lengths, reverse=True)

    def __call__(self, text: str) -> str:
        text = mask_numbers(text)
        if not self.names:
            return text
        out, i, start, end = [], 0, 0, len(text)
        names, lengths = self.names, self._lengths
        while i < end:
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
        if not out:
            return text
        out.append(text[start:])
        return "".join(out)


class LazyGuard:
    """A :class:`NameGuard` made on first use, from ``make()``: for a caller that may never need
    one (a description with no free text).

    >>> guard = LazyGuard(lambda: NameGuard(["张小华"]))
    >>> guard("联系人张小华")
    '联系人张*华'
    """

    def __init__(self, make: Callable[[], NameGuard]):
        self._make = make
        self._guard: NameGuard | None = None

    def __call__(self, text: str) -> str:
        if self._guard is None:
            self._guard = self._make()
        return self._guard(text)


def _whole(text: str, i: int, j: int) -> bool:
    """Whether text[i:j] stands alone where it starts or ends with a Latin letter or digit (a
    Chinese name needs no spaces around it)."""
    if text[i].isascii() and text[i].isalnum() and i > 0 and text[i - 1].isascii() and text[i - 1].isalnum():
        return False
    last = text[j - 1]
    return not (
        last.isascii() and last.isalnum() and j < len(text) and text[j].isascii() and text[j].isalnum()
    )
