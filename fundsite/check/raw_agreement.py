"""Parsed fields agree with the raw text they were read from (indicators and plan targets).

The verbatim check (verbatim.py) proves every *_raw value stands in its source; this one
proves the typed fields say what that raw text says, so a hand edit such as value 410 for
"≥4100人", ≤ for a printed "≥" or 人 for "户" is refused before it reaches a page:

- value (and value_max of a range) must be a number printed in the raw value (after
  NFKC: full-width digits and signs; thousands commas dropped; 一…十 and 两 as digits);
- a rank (operator "rank", plan targets such as 全省首位) must be the place printed: a number,
  一…十 as digits, or 首 for the first;
- operator must be one of the readings of the printed operator listed in OPERATOR_FORMS,
  the one table of deliberate normalisations (a new wording is added there, with a test);
- unit: a unit printed right after the value's number must be the field's unit.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# How each operator may be printed: the curators' readings, one place to review them.
OPERATOR_FORMS = {
    "≥": {"≥", "≧", ">=", "以上", "或以上", "及以上", "不少于", "不少", "不低于", "达", "达到", "至少"},
    "≤": {"≤", "≦", "<=", "以内", "或以下", "以下", "不超", "不超过", "不高于"},
    ">": {">", "大于", "超过", "高于", "多于"},
    "<": {"<", "小于", "少于", "低于"},
    "=": {"=", "为"},
    "≈": {"约", "左右", "≈", "约为"},
    "range": {"-", "－", "~", "～", "至", "—"},
}
_CHINESE_DIGITS = {"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
                   "九": "9", "十": "10"}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# A unit printed after a number: letters of Chinese and the percent sign, less the operator words that follow numbers.
_UNIT_AFTER = re.compile(r"\s*([%\u4e00-\u9fff]+)")
_TRAILING_WORDS = ("或以上", "及以上", "以上", "或以下", "以下", "以内", "左右")


def _normal(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "")


# The forms as they compare (NFKC), made once: the check runs for every indicator row.
_NORMAL_FORMS = {operator: {_normal(form) for form in forms} for operator, forms in OPERATOR_FORMS.items()}


def printed_numbers(raw: str) -> list[tuple[Decimal, int]]:
    """(value, end position) of every number in the raw text, NFKC'd, with 一…十/两 read as digits
    when they stand alone before a unit (一份, 两周)."""
    text = _normal(raw)
    found = []
    for match in _NUMBER.finditer(text):
        try:
            found.append((Decimal(match.group().replace(",", "")), match.end()))
        except InvalidOperation:
            continue
    for i, ch in enumerate(text):
        if ch in _CHINESE_DIGITS and not (i and text[i - 1] in _CHINESE_DIGITS):
            found.append((Decimal(_CHINESE_DIGITS[ch]), i + 1))
    return found


def unit_after(raw: str, end: int) -> str:
    """The unit printed right after a number ending at `end` of the NFKC'd raw text, or ""."""
    match = _UNIT_AFTER.match(_normal(raw), end)
    unit = match.group(1) if match else ""
    for word in _TRAILING_WORDS:
        if unit.startswith(word):
            return ""
    return unit


# disagreements' answers by their arguments: the same target ("≥95%", "100%") is printed by
# many rows, and the check and the normalised-value check each ask for every indicator.
# Keyed by the values' reprs, not the values: Decimal("1.50") == Decimal("1.5"), but the
# messages print each as written.
_ANSWERS: dict[tuple, tuple[tuple[str, str], ...]] = {}
_ANSWERS_KEPT = 200_000


def disagreements(operator: str, operator_raw: str | None, value, value_max, unit: str | None,
                  raw: str) -> list[tuple[str, str]]:
    """(field, message) for each parsed field that the raw text does not bear out."""
    key = (operator, operator_raw, repr(value), repr(value_max), unit, raw)
    found = _ANSWERS.get(key)
    if found is None:
        if len(_ANSWERS) >= _ANSWERS_KEPT:
            _ANSWERS.clear()
        found = _ANSWERS[key] = tuple(_disagreements(operator, operator_raw, value, value_max, unit, raw))
    return list(found)


def _disagreements(operator: str, operator_raw: str | None, value, value_max, unit: str | None,
                   raw: str) -> list[tuple[str, str]]:
    found = []
    if operator_raw and operator in _NORMAL_FORMS and _normal(operator_raw) not in _NORMAL_FORMS[operator]:
        found.append(("operator", f'operator "{operator}" is not how "{operator_raw}" reads '
                                  f"(fundsite/check/raw_agreement.py OPERATOR_FORMS lists each reading)"))
    if operator == "text" or value is None:
        return found
    numbers = printed_numbers(raw)
    if operator == "rank":  # a rank: 第三 (三 read as 3 above), or 首位 / 首 for the first place
        ranks = [number for number, _ in numbers] + ([Decimal(1)] if "首" in _normal(raw) else [])
        if Decimal(value) not in ranks:
            found.append(("value", f'rank {value} is not the place printed in "{raw}"'))
        return found
    matches = [end for number, end in numbers if number == Decimal(value)]
    if not matches:
        found.append(("value", f'{value} is not a number printed in "{raw}"'))
    elif unit:
        printed = unit_after(raw, matches[0])
        expected = _normal(unit).split("/")[0]
        if printed and not (printed.startswith(expected) or expected.startswith(printed)):
            found.append(("unit", f'unit "{unit}" but "{raw}" prints {printed} after {value}'))
    if operator == "range" and value_max is not None and not any(n == Decimal(value_max) for n, _ in numbers):
        found.append(("value_max", f'{value_max} is not a number printed in "{raw}"'))
    return found
