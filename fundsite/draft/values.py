"""Reading one printed target value: "≥84台套以上" -> operator, value, unit.

Moved here from scripts/curation/seed004.py, where it read all 512 indicators
of seed 004; the section numbers (5.8, 5.9) point to shared/notes/source-notes.md.
"""
from __future__ import annotations

import re

from fundsite.check.comparable import NO_TARGET_PLACEHOLDERS

from fundsite.draft.text import number

# 5.8 operators.  Signs directly before the number, longest first (＜= before ＜).
SIGN_OPS = [("＜=", "≤"), ("≥", "≥"), ("≧", "≥"), ("≤", "≤"), ("≦", "≤"), ("＞", ">"), ("＜", "<"),
            (">", ">"), ("<", "<"), ("=", "=")]
# "每周220人次": the value is per week (per month, per day …), whatever column it is printed in.
PER_PERIOD = re.compile(r"每(周|月|日|天|季度|半年)$")
# Words directly before the number.  达 ("reaches") is read as ≥ like 达…以上.
PREFIX_WORDS = [("不低于", "≥"), ("不少于", "≥"), ("不超过", "≤"), ("不超", "≤"), ("大于", ">"), ("超过", ">"),
                ("少于", "<"), ("低于", "<"), ("约", "≈"), ("达", "≥")]
# Words after number + unit.
SUFFIX_WORDS = [("或以上", "≥"), ("以上", "≥"), ("或以下", "≤"), ("以下", "≤"), ("以内", "≤")]
# Units as printed, longest first; multipliers (万, 亿) stay in the unit (5.8).
UNITS_PRINTED = sorted("""元/人/月 个工作日 万（条） 万人次 个课题 台套 节点 人次 万人 万元 万页 万次 万件 万条 万个 万份
    分钟 % ％ 个 人 次 万 亿 天 名 场 家 条 秒 分 套 台 项 宗 件 种 周 份 元 期
    家次（人次） 家次 场次 场/年 人/半年 个/半年 元/月 条/工作日 部 字""".split(), key=len, reverse=True)
# Words that end in an operator word but are not operators ("节约40%" is not "约40%").
NOT_OPERATORS = ("节约",)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# "2－4套": two numbers joined by a dash are a range, not two targets.
RANGE = re.compile(r"^(?P<low>\d+(?:\.\d+)?)\s*[－\-~～至]\s*(?P<high>\d+(?:\.\d+)?)\s*(?P<rest>.*)$")
# 5.7: "21套(考察…)", "85%以上(服务对象满意度=（…)": a short value followed by a bracketed explanation.
EXPLAINED = re.compile(r"^(?P<head>[^()（）]{1,10}?)\s*[（(](?P<expl>.{4,})[）)]$")


def _unit(after: str) -> str:
    return next((u for u in UNITS_PRINTED if after.startswith(u)), "")


def parse_value(value_raw: str, context_phrases: tuple[str, ...] = ()) -> dict:
    """Read operator / value / unit from one printed value (5.8, 5.9).

    context_phrases: printed phrases whose numbers are context, not the target
    (seed 004: "全市7个区…21%").  Raises ValueError when the value holds several
    numbers: that reading is for a person to make.
    """
    out = dict(operator="text", operator_raw="", value="", value_max="", value_text="", unit="", notes=[])
    if not value_raw or value_raw.strip() in NO_TARGET_PLACEHOLDERS:  # 5.9: "年度指标值：。", "无", "备注信息"
        out["operator"] = "none"                     # no target printed: its own kind, never a text target
        return out
    head = value_raw
    m = EXPLAINED.match(value_raw)
    if m:                                            # keep the explanation as an editor's note
        head = m.group("head").strip()
        out["notes"].append(f"原文括注：{m.group('expl')}")
    scan = head
    for phrase in context_phrases:                   # blank out context numbers, keep offsets
        if phrase in scan:
            scan = scan.replace(phrase, "#" * len(phrase))
            out["notes"].append(f"“{phrase}”中的数字是说明，不是目标值")
    ranged = RANGE.match(scan.strip())
    if ranged:
        out.update(operator="range", operator_raw=scan.strip()[len(ranged.group("low")):].lstrip()[0],
                   value=number(ranged.group("low")), value_max=number(ranged.group("high")), unit=_unit(ranged.group("rest")))
        return out
    nums = list(NUMBER.finditer(scan))
    if len(nums) == 1 and re.match(r"(19|20)\d\d年", scan[nums[0].start():]):
        nums = []                                    # a year ("2022年无招募计划") is not a target
    if not nums:
        out["value_text"] = head
        return out
    if len(nums) > 1:
        raise ValueError(f"several numbers in {value_raw!r}: set the reading in the overrides")
    n = nums[0]
    before, after = head[:n.start()].rstrip(), head[n.end():]
    out["value"] = number(n.group())
    out["operator"] = "="
    for word, op in SIGN_OPS + PREFIX_WORDS:
        if before.endswith(word) and not before.endswith(NOT_OPERATORS):
            out["operator"], out["operator_raw"] = op, word
            break
    unit = _unit(after.lstrip())
    out["unit"] = unit
    per = PER_PERIOD.search(before)                  # "每周220人次": a rate, kept apart from yearly counts
    if per and unit:
        out["unit"] = f"{unit}/{per.group(1)}"
    rest = after.lstrip()[len(unit):].lstrip()
    for word, op in SUFFIX_WORDS:
        if rest.startswith(word):
            if out["operator_raw"] and out["operator"] != op:
                raise ValueError(f"conflicting operators in {value_raw!r}")
            if out["operator_raw"]:
                out["notes"].append(f"原文“{out['operator_raw']}…{word}”")
            out["operator"], out["operator_raw"] = op, word
            break
    return out
