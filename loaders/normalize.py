"""Cell values as rosters really hold them, turned into clean typed values.

Each converter takes what a CSV or spreadsheet cell holds (str, int, float, bool, date,
datetime) and returns the clean value, or a :class:`Noted` value (read, with a caveat to report),
or raises :class:`BadValue` with a reason code (see :mod:`dangjian.loaders.messages`).

>>> clean_text("　张　华 ")
'张华'
>>> parse_date("2010年7月")
'2010-07-01'
>>> parse_date(2010.07)  # a number typed into a cell not formatted as a date
'2010-07-01'
>>> parse_int("1300余人")
Noted(value=1300, code='approximate', params={'number': 1300})
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime
from typing import Any, NamedTuple

from dangjian.graph.hanzi import simplified

__all__ = [
    "BadValue",
    "Noted",
    "clean_text",
    "clean_id",
    "parse_date",
    "parse_int",
    "parse_number",
    "parse_bool",
    "parse_id_number",
    "id_check_digit",
    "id_facts",
    "simplified",
    "parse_phone",
    "split_multi",
    "is_blank",
]


class BadValue(ValueError):
    """A cell that cannot become a value of its column's type. ``code`` names the reason."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


class Noted(NamedTuple):
    """A value read with a caveat the user must be told about (a warning; the value is kept).
    ``code`` names the caveat in :data:`~dangjian.loaders.messages.MESSAGES`.

    >>> parse_date("2010年")
    Noted(value='2010-01-01', code='imprecise_date', params={'date': '2010-01-01'})
    """

    value: Any
    code: str
    params: dict


_WS = re.compile(r"\s+")
_CJK = "\u2e80-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_WS_UNTIDY = re.compile(r"^\s|\s$|\s\s|[^\S ]")


def clean_text(value: Any) -> str:
    """NFKC (full-width digits, letters and spaces to half-width), whitespace collapsed,
    no spaces between Chinese characters; integral floats lose their ``.0``."""
    if type(value) is str:
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    ascii_ = text.isascii()
    if not ascii_ and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
        ascii_ = text.isascii()
    if " " not in text and text.isprintable():  # no whitespace at all: the common case
        return text
    if _WS_UNTIDY.search(text) is not None:
        text = _WS.sub(" ", text).strip()
    if not ascii_ and " " in text:
        text = _CJK_GAP.sub("", text)
    return text


def clean_id(value: Any) -> str:
    """An identifier or code as text: ``530702003003.0`` read from Excel becomes ``530702003003``."""
    return clean_text(value).replace(" ", "")


_DATE = re.compile(r"^(\d{4})\s*[-/.。年]\s*(\d{1,2})\s*(?:[-/.。月]\s*(?:(\d{1,2})\s*[日号號]?)?)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_YEAR = re.compile(r"^(\d{4})\s*年?$")
_DATE_TIME = re.compile(r"^(.*?\d)[ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?$")
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]+\s*")  # 2010—07—01, 2010——7——1
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "o": 0}
_CN_RUN = re.compile(r"[〇零○Oo一二三四五六七八九十]+")
_CN_ANY = re.compile(r"[〇零○一二三四五六七八九十元]")


def _cn_run(m: re.Match) -> str:
    """二〇一〇 -> 2010 (digit by digit), 十一 -> 11, 二十三 -> 23."""
    run = m.group(0)
    if not _CN_ANY.search(run):  # letters o/O alone are not numerals
        return run
    head, ten, tail = run.partition("十")
    if not ten:
        return "".join(str(_CN_DIGIT[c]) for c in run)
    if len(head) > 1 or len(tail) > 1 or "十" in tail or _CN_DIGIT.get(head or "一", 0) == 0 or tail == "〇":
        return run
    return str((_CN_DIGIT[head] if head else 1) * 10 + (_CN_DIGIT[tail] if tail else 0))


def _iso(y: int, m: int, d: int, raw: Any) -> str:
    if not 1900 <= y <= 2100:
        raise BadValue("bad_date", value=raw)
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise BadValue("bad_date", value=raw) from None


def _year_only(y: int, raw: Any) -> Noted:
    iso = _iso(y, 1, 1, raw)
    return Noted(iso, "imprecise_date", {"date": iso})


def _january_or_october(y: int, raw: Any) -> Noted:
    """2010.1: January as written, but Excel shows a typed 2010.10 as 2010.1 too."""
    iso = _iso(y, 1, 1, raw)
    return Noted(iso, "ambiguous_month", {"date": iso, "october": f"{y}-10-01"})


def parse_date(value: Any) -> str | Noted:
    """A date as ``YYYY-MM-DD``: ``2010-07-01``, ``2010/7/1``, ``2010.07``, ``2010年7月1号``,
    ``二〇一〇年七月``, ``2010—07—01``, ``20100701`` and spreadsheet date cells. A month without a
    day is the first of that month; a year alone is its first day, :class:`Noted` as imprecise.

    A number (a cell not formatted as a date) is a date only in a date's shape: ``20100701``,
    ``2010.07``, ``2010.7`` (``2010.1`` is January, noted: it may be a ``2010.10`` whose zero
    Excel dropped). Other numbers, Excel serials such as ``40360`` among them, are rejected.

    >>> parse_date("二〇一〇年七月一日"), parse_date(20100701)
    ('2010-07-01', '2010-07-01')
    >>> parse_date(2010.1).code
    'ambiguous_month'
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _iso(value.year, value.month, value.day, value)
    if isinstance(value, bool):
        raise BadValue("bad_date", value=value)
    if isinstance(value, (int, float)):
        return _number_date(value)
    text = clean_text(value)
    if not text.isascii():
        if _CN_ANY.search(text):
            text = _CN_RUN.sub(_cn_run, text.replace("元月", "1月"))
        text = _DASHES.sub("-", text)
    m = _DATE_TIME.match(text)
    if m:
        text = m.group(1)
    m = _DATE.match(text)
    if m:
        y, mo, d = m.groups()
        if mo == "1" and d is None and text[4] == "." and text.endswith("1"):  # 2010.1
            return _january_or_october(int(y), value)
        return _iso(int(y), int(mo), int(d or 1), value)
    m = _DATE_COMPACT.match(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)), value)
    m = _DATE_YEAR.match(text)
    if m:
        return _year_only(int(m.group(1)), value)
    if _DECIMAL.match(text):  # 40360: an Excel serial number exported as text
        raise BadValue("number_not_date", value=value)
    raise BadValue("bad_date", value=value)


_NUMBER_DATE = re.compile(r"^(\d{4})\.(\d{1,2})$")


def _number_date(n: float) -> str | Noted:
    """A number read from a cell not formatted as a date: 20100701, 2010.07, 2010.7, 2010."""
    if n != n or n in (float("inf"), float("-inf")):
        raise BadValue("number_not_date", value=n)
    if float(n).is_integer():
        i = int(n)
        if 19000101 <= i <= 21001231:
            return _iso(i // 10000, i // 100 % 100, i % 100, n)
        if 1900 <= i <= 2100:
            return _year_only(i, n)
        raise BadValue("number_not_date", value=n)
    r = round(n, 2)
    m = _NUMBER_DATE.match(repr(r)) if abs(n - r) < 1e-9 else None
    if m is None:
        raise BadValue("number_not_date", value=n)
    y, mo = int(m.group(1)), m.group(2)
    if mo == "1":
        return _january_or_october(y, n)
    return _iso(y, int(mo), 1, n)


_NUM = re.compile(
    r"^(约|大约|大概|近|将近|逾|超过)?([-+]?\d+(?:\.\d+)?)(余|多|来)?(?:(万)(余|多)?)?"
    r"(元|人次|人|户|个|名|家|间|套|平方米|平米|平方|m2)?(左右|上下|以上|余|多)?$",
    re.IGNORECASE,
)
_DECIMAL_STOP = re.compile(r"(?<=\d)。(?=\d)")  # 2847。1: a Chinese full stop for the decimal point


_LARGEST = 2**53  # the largest integer exact in a float, in JSON readers and in JavaScript


def parse_number(value: Any) -> float | int | Noted:
    """A number, allowing thousands separators, ``万`` and a unit (``320平方米``, ``300㎡``,
    ``2万元``). Approximate ones (``约300人``, ``1300余人``, ``45万余元``, ``300人左右``) are
    :class:`Noted`: the number is kept, the report says it was approximate.

    >>> parse_number("2847。1"), parse_number("１，２００")
    (2847.1, 1200)
    >>> parse_number("9007199254740993")  # 2**53 + 1: not exact as a float, so refused
    Traceback (most recent call last):
    dangjian.loaders.normalize.BadValue: too_large
    """
    if isinstance(value, bool):
        raise BadValue("bad_number", value=value)
    approximate = False
    if isinstance(value, (int, float)):
        n: float | int = value
    else:
        text = clean_text(value).replace(",", "").replace(" ", "")
        if "。" in text:
            text = _DECIMAL_STOP.sub(".", text)
        m = _NUM.match(text)
        if not m:
            raise BadValue("bad_number", value=value)
        before, digits, after, wan, after_wan, _unit, tail = m.groups()
        # whole numbers as int: exact at any size, so that too_large below sees the true value
        n = (int(digits) if digits.lstrip("+-").isdigit() else float(digits)) * (10000 if wan else 1)
        approximate = bool(before or after or after_wan or tail)
    if n != n or n in (float("inf"), float("-inf")):
        raise BadValue("bad_number", value=value)
    if n < 0:
        raise BadValue("negative", value=value)
    if n > _LARGEST:  # an ID number typed into a count column, say; beyond it numbers stop being exact
        raise BadValue("too_large", value=value)
    n = int(n) if float(n).is_integer() else float(n)
    return Noted(n, "approximate", {"number": n}) if approximate else n


def parse_int(value: Any) -> int | Noted:
    """A whole number (``12``, ``12.0``, ``1,200``, ``12人``; ``1300余人`` is :class:`Noted`)."""
    n = parse_number(value)
    noted = type(n) is Noted
    x = n.value if noted else n
    if not float(x).is_integer():
        raise BadValue("bad_int", value=value)
    return Noted(int(x), n.code, {**n.params, "number": int(x)}) if noted else int(x)


_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "设", "已设"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "✗", "✘", "不设", "未设", "没有"}


def parse_bool(value: Any) -> bool:
    """是/否, 有/无, yes/no, true/false, 1/0, √/×."""
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("bad_bool", value=value)


_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_ID_CHECK = "0123456789X"


def id_check_digit(first17: str) -> str:
    """The check character of a citizen ID number (GB 11643, ISO 7064 MOD 11-2): the weights
    2**k mod 11 summed in one step as digits in base 13 (13 = 2 mod 11), as python-stdnum does.

    >>> id_check_digit("11010519491231002")
    'X'
    """
    return _ID_CHECK[(1 - 2 * int(first17, 13)) % 11]


@functools.lru_cache(maxsize=65536)
def _birth_ok(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return 1900 <= born.year and born <= date.today()


@functools.lru_cache(maxsize=16384)
def _region_last_year(prefix: str) -> int | None:
    """The last year the 6-digit area code ``prefix`` was in use (9999: still is), from
    python-stdnum's table of codes (``stdnum.cn.loc``); None for a code never issued."""
    from stdnum import numdb

    county = {k: v for _, props in numdb.get("cn/loc").info(prefix) for k, v in props.items()}.get("county")
    if not county:
        return None
    last = 0
    for part in county.split(","):
        if not part.startswith("["):
            return 9999
        end = part[1:].split("]", 1)[0].split("-")[1]
        last = max(last, int(end) if end else 9999)
    return last


def _region_ok(prefix: str, born_year: int) -> bool:
    """A code is fine for anyone born before it was retired. Unlike ``stdnum.cn.ric`` we do not
    require it to exist at the birth year: people born before a county was set up (530702,
    古城区, 2002) get its code when they register there later."""
    last = _region_last_year(prefix)
    return last is not None and born_year <= last


def parse_id_number(value: Any) -> str:
    """A citizen ID number: 18 characters with a valid check character, or the old 15 digits;
    with a real birth date and a known area code (python-stdnum's table).

    A number read from a spreadsheet cell has lost its last digits (Excel keeps 15): rejected.

    >>> parse_id_number("53070219800101019x")
    '53070219800101019X'
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) >= 1e15:
            raise BadValue("id_number_as_number")
    text = clean_id(value).upper()
    if len(text) == 18 and _ID18.match(text):
        if id_check_digit(text[:17]) != text[17]:
            raise BadValue("bad_id_check")
        birth = text[6:14]
    elif len(text) == 15 and _ID15.match(text):
        birth = "19" + text[6:12]
    else:
        raise BadValue("bad_id_number")
    if not _birth_ok(birth):
        raise BadValue("bad_id_birth")
    if not _region_ok(text[:6], int(birth[:4])):
        raise BadValue("bad_id_region")
    return text


def id_facts(id_number: str) -> tuple[str, str]:
    """(birth date ``YYYY-MM-DD``, ``male`` or ``female``) from a valid ID number: 18 characters
    (birth in the 7th-14th, the 17th odd for men) or 15 digits (19 + the 7th-12th, the last odd).

    >>> id_facts("53070219800101019X"), id_facts("530702800101001")
    (('1980-01-01', 'male'), ('1980-01-01', 'male'))
    """
    text = id_number.strip().upper()
    if len(text) == 18:
        birth, sex = text[6:14], text[16]
    elif len(text) == 15:
        birth, sex = "19" + text[6:12], text[14]
    else:
        raise BadValue("bad_id_number")
    if not (birth.isdigit() and sex.isdigit()):
        raise BadValue("bad_id_number")
    return f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", ("male" if int(sex) % 2 else "female")


_PHONE = re.compile(r"^\+?[\d\-() ]{5,24}$")
_FIVE_DIGITS = re.compile(r"(?:\D*\d){5}")


def parse_phone(value: Any) -> str:
    """A phone number kept as text (leading zeros and dashes stay)."""
    text = clean_text(value)
    if not _PHONE.match(text) or not _FIVE_DIGITS.match(text):
        raise BadValue("bad_phone")
    return text


_MULTI = re.compile(r"\s*[、,，;；]\s*")


def split_multi(value: Any) -> list[str]:
    """A cell naming several entities: ``甲公司、乙公司；丙公司``."""
    return [p for p in _MULTI.split(clean_text(value)) if p]
