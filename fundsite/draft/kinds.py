"""Indicator kinds as printed -> the package's controlled vocabulary (indicators.level1/level2)."""
from __future__ import annotations

import re

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标", "可持续影响指标")
LEVEL2 = ("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
          "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标")
# Spellings met in the sources that are not the vocabulary word itself (source-notes 6.15).
LEVEL2_ALIASES = {"经济指标": "经济效益指标", "满意度指标": "服务对象满意度指标", "数量效益": "数量指标"}
CODE = re.compile(r"^\s*\d+\s*-\s*")


def level1_of(raw: str) -> str:
    """"1-产出指标" / "可持续影响" -> "产出指标" / "可持续影响指标"; "" when unknown."""
    text = CODE.sub("", raw).strip()
    if text in LEVEL1:
        return text
    return text + "指标" if text + "指标" in LEVEL1 else ""


def level2_of(raw: str) -> str:
    """"22-社会效益" -> "社会效益指标"; "经济指标" -> "经济效益指标"; "" when unknown."""
    text = CODE.sub("", raw).strip()
    if text in LEVEL2_ALIASES:
        return LEVEL2_ALIASES[text]
    if text in LEVEL2:
        return text
    return text + "指标" if text + "指标" in LEVEL2 else ""
