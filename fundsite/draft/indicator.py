"""One drafted indicator: the fields every reader fills the same way."""
from __future__ import annotations

import re

from fundsite.draft.kinds import level1_of, level2_of
from fundsite.draft.values import parse_value

# A unit printed in brackets after the name: "服务毕业生人数（人）", "技能劳动者总量占比（%）".
NAME_UNIT = re.compile(r"\s*[（(](?P<unit>%|％|人|人次|万人|万人次|个|万个|件|家|名|场|次|份|万份|元|万元)\s*[）)]$")
# The last number of a piece with what stands before and after it: "链员企业数≥400家".
LAST_NUMBER = re.compile(r"^(?P<label>.*?)(?P<value>(?:[≥≤＞＜><≧≦=]|不低于|不少于|不超过|超过|大于|达)?\s*\d+(?:\.\d+)?[^\d]*)$")
PART_SPLIT = re.compile(r"[，,；;。]")
# A value that is one character and a number ("立300人": OCR reads ≥ as 立), the character
# neither a known comparison (values.py) nor punctuation: the reading "=" would be a guess.
STRAY_BEFORE_NUMBER = re.compile(r"^\s*([^\s\d（(：:，,、.])\s*\d")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def indicator(level1_raw: str, level2_raw: str, name_raw: str, value_raw: str, period: str,
              raw_text: str, lines: list[int]) -> list[dict]:
    """Rows for one printed indicator: one, or one per part when the value lists several
    labelled numbers ("链主企业数≥20家，链员企业数≥400家"), named "<name>：<label>"."""
    name_raw = name_raw.strip()
    value_raw = squeeze(value_raw).rstrip("；;。，,")
    problems = []
    level1 = level1_of(level1_raw)
    if not level1:
        problems.append(f"一级指标“{level1_raw}”不在规范词表中，请填写 level1")
    level2 = level2_of(level2_raw) if level2_raw else ""
    if level2_raw and not level2:
        problems.append(f"二级指标“{level2_raw}”不在规范词表中，请填写 level2")
    name = squeeze(name_raw).rstrip("。")
    name_unit = NAME_UNIT.search(name)
    if name_unit:
        name = name[:name_unit.start()]
    parts = [p for p in PART_SPLIT.split(value_raw) if p]
    labelled = [LAST_NUMBER.match(p) for p in parts]
    compound = len(parts) > 1 and all(m and m.group("label").strip() for m in labelled)
    pieces = [(f"{name}：{m.group('label').strip()}", m.group("value"), p) for m, p in zip(labelled, parts)] \
        if compound else [(name, value_raw, value_raw)]
    rows = []
    for k, (part_name, value_text, part_raw) in enumerate(pieces, start=1):
        row = dict(level1=level1, level1_raw=level1_raw.strip(), level2=level2, level2_raw=level2_raw.strip(),
                   name=part_name, name_raw=name_raw, period=period, value_raw=part_raw or value_raw,
                   raw_text=raw_text.strip(), part=k, lines=lines, problems=list(problems), note="")
        try:
            parsed = parse_value(value_text)
        except ValueError:
            parsed = dict(operator="text", operator_raw="", value="", value_max="", value_text=value_text, unit="", notes=[])
            row["problems"].append(f"指标值“{value_text}”含有几个数字，读不出唯一的目标值：请填写 operator/value/unit，或把文字放在 value_text")
        notes = parsed.pop("notes")
        row.update(parsed)
        if row["value"] and not row["unit"] and name_unit:
            row["unit"] = name_unit.group("unit")
            notes.append(f"原值未印单位，单位取自指标名称“{name_unit.group().strip()}”")
        if row["operator"] == "=" and not row["operator_raw"]:
            stray = STRAY_BEFORE_NUMBER.search(value_text)
            if stray:  # "立300人": an unknown sign, often ≥ misread by OCR; never read silently as "="
                row["problems"].append(f"指标值“{value_text}”的数字前有“{stray.group(1)}”，不是已知的比较词，暂按“=”读：请对照原文核对 operator")
            else:
                notes.append("原文未印比较符")
        if compound:
            notes.append(f"原文一条指标列出{len(pieces)}个数值，按数值分为{len(pieces)}行")
        row["note"] = "；".join(notes)
        if not value_raw:
            row["problems"].append("没有找到指标值：请对照原文填写 value_raw 和目标值")
        rows.append(row)
    return rows
