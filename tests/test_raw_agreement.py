"""Parsed values, operators and units agree with their raw text (fundsite/check/raw_agreement.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fundsite.check.raw_agreement import OPERATOR_FORMS, disagreements


@pytest.mark.parametrize("operator, operator_raw, value, value_max, unit, raw", [
    ("≥", "≥", Decimal("4100"), None, "人", "≥4100人"),
    ("≥", "≧", Decimal("1888.93"), None, "万元", "≧１,８８８.９３万元"),  # full-width digits, thousands comma
    ("≥", "以上", Decimal("12.5"), None, "万人", "12.5万人以上"),
    ("≤", "以内", Decimal("2"), None, "周", "两周以内"),  # a Chinese numeral
    ("=", "", Decimal("1"), None, "份", "一份"),
    ("range", "－", Decimal("2"), Decimal("4"), "套", "2－4套"),
    ("≤", "≦", Decimal("3.5"), None, "%", "3.5 以内"),  # 以内 follows the number: not a unit
    ("=", "", Decimal("100"), None, "万人", "[100]"),  # a bracketed cumulative figure
    ("≥", "不少于", Decimal("1"), None, "条/工作日", "工作日均信息发布不少于1条"),
    ("text", "", None, None, "", "较高"),
])
def test_readings_that_agree(operator, operator_raw, value, value_max, unit, raw):
    assert disagreements(operator, operator_raw, value, value_max, unit, raw) == []


@pytest.mark.parametrize("operator, operator_raw, value, value_max, unit, raw, expected", [
    ("≥", "≥", Decimal("410"), None, "人", "≥4100人", [("value", '410 is not a number printed in "≥4100人"')]),
    ("≤", "≥", Decimal("4100"), None, "人", "≥4100人",
     [("operator", 'operator "≤" is not how "≥" reads (fundsite/check/raw_agreement.py OPERATOR_FORMS lists each reading)')]),
    ("≥", "≥", Decimal("4100"), None, "人", "≥4100户", [("unit", 'unit "人" but "≥4100户" prints 户 after 4100')]),
    ("range", "－", Decimal("2"), Decimal("5"), "套", "2－4套", [("value_max", '5 is not a number printed in "2－4套"')]),
])
def test_readings_that_do_not(operator, operator_raw, value, value_max, unit, raw, expected):
    assert disagreements(operator, operator_raw, value, value_max, unit, raw) == expected


def test_an_answer_asked_again_says_each_value_as_written():
    """Answers are kept by their arguments (many rows print the same target); 1.50 and 1.5 are
    equal numbers but each message prints its own, and a caller's list is its own to change."""
    first = disagreements("≥", "≥", Decimal("1.50"), None, "人", "≥2人")
    assert first == [("value", '1.50 is not a number printed in "≥2人"')]
    first.clear()
    assert disagreements("≥", "≥", Decimal("1.5"), None, "人", "≥2人") == [("value", '1.5 is not a number printed in "≥2人"')]
    assert disagreements("≥", "≥", Decimal("1.50"), None, "人", "≥2人") == [("value", '1.50 is not a number printed in "≥2人"')]


def test_every_operator_has_its_own_sign_among_its_forms():
    for operator, forms in OPERATOR_FORMS.items():
        assert operator in forms or operator == "range", operator
