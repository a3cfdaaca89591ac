"""Rules that keep targets comparable across rows: project families (the same project printed
once per district), normalised values, targets that were never printed, and the reading of “达N”.

Each rule yields Problems like the rules in rules.py (which lists them in RULES).
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from fundsite.check.raw_agreement import disagreements
from fundsite.model import Model
from fundsite.normalise import normalised, plain
from fundsite.problems import Problem, quoted


# What stands in a target's place when none was printed (seed 004: “年度指标值：。”, “无”, “备注信息”;
# the curators' “（空）”): coded operator "none", never as a text target.
NO_TARGET_PLACEHOLDERS = ("（空）", "无", "备注信息", "空", "/", "／", "—", "-", "－")


def _problem(model: Model, table: str, row: dict, field: str, kind: str, message: str) -> Problem:
    return Problem(model.paths[table], row["_line"], field, kind, message)


def check_families(model: Model):
    """A family's members are its document's projects whose printed name is the family's
    name_pattern with their own district's name in place of ××区: one per district, two or more."""
    members = defaultdict(list)
    for project in model.rows("projects"):
        family = model.get("project_families", project.get("family_id"))
        if family is None:
            continue  # an unknown family_id is a foreign-key problem already
        members[family["family_id"]].append(project)
        if project["document_id"] != family["document_id"]:
            yield _problem(model, "projects", project, "family_id", "consistency-error",
                           f'family {family["family_id"]} is of document {family["document_id"]}, '
                           f'this project of {project["document_id"]}')
            continue
        region = model.get("regions", project.get("region_id"))
        if region is None:
            yield _problem(model, "projects", project, "family_id", "consistency-error",
                           f'a member of family {family["family_id"]} needs the district it is for (region_id is empty)')
            continue
        expected = family["name_pattern"].replace("××区", region["name"])
        if project["name_raw"] != expected:
            yield _problem(model, "projects", project, "family_id", "consistency-error",
                           f'{quoted(project["name_raw"])} is not the family\'s name {quoted(family["name_pattern"])} '
                           f'with {region["name"]} in place of ××区 ({quoted(expected)})')
    for family in model.rows("project_families"):
        rows = members.get(family["family_id"], [])
        if len(rows) < 2:
            yield _problem(model, "project_families", family, "family_id", "consistency-error",
                           f'a family needs two or more member projects (projects.family_id), {family["family_id"]} has {len(rows)}')
        seen = {}
        for project in rows:
            region = project.get("region_id")
            if region and region in seen:
                yield _problem(model, "projects", project, "region_id", "consistency-error",
                               f'family {family["family_id"]} has {seen[region]} for {region} already: one member per district')
            seen.setdefault(region, project["project_id"])


def check_normalised(model: Model):
    """value_norm, value_max_norm and unit_norm are what fundsite/normalise.py makes of value,
    value_max and unit: recomputed here, a hand edit or a stale value is refused. A package whose
    indicators schema has no value_norm (released before it came) has none to check."""
    schema = model.schemas.get("indicators") or {}
    if "value_norm" not in {f.get("name") for f in schema.get("fields", [])}:
        return
    seen: dict[tuple, tuple] = {}  # normalised() by its arguments' reprs: many rows print the same target

    def normal(value, unit):
        key = (repr(value), unit)
        if key not in seen:
            seen[key] = normalised(value, unit)
        return seen[key]

    for row in model.rows("indicators"):
        if (row.get("value") is None and row["operator"] not in ("text", "none")) or disagreements(
                row["operator"], row.get("operator_raw"), row.get("value"), row.get("value_max"), row.get("unit"), row["value_raw"]):
            continue  # value or unit is wrong already (value-error, raw-mismatch): one problem, not its echo
        expected = normal(row.get("value"), row.get("unit"))
        high = normal(row.get("value_max"), row.get("unit"))
        shown = f'{row["value"]} {row["unit"]}' if row.get("unit") else f'{row.get("value")} (no unit)'
        if expected is None:
            for field in ("value_norm", "value_max_norm", "unit_norm"):
                if row.get(field) is not None:
                    yield _problem(model, "indicators", row, field, "norm-mismatch",
                                   f'{shown} does not convert to a base unit (fundsite/normalise.py): leave {field} empty')
            continue
        value, unit = expected
        if row.get("value_norm") != value or row.get("unit_norm") != unit:
            have = f'{row.get("value_norm")} {row.get("unit_norm")}' if row.get("value_norm") is not None else "empty"
            field = "unit_norm" if row.get("value_norm") == value else "value_norm"
            yield _problem(model, "indicators", row, field, "norm-mismatch",
                           f'{shown} is {plain(value)} {unit}, not {have}')
        if (high[0] if high else None) != row.get("value_max_norm"):
            yield _problem(model, "indicators", row, "value_max_norm", "norm-mismatch",
                           f'value_max {row.get("value_max")} {row.get("unit") or ""} is {plain(high[0]) if high else "empty"}, '
                           f'not {row.get("value_max_norm") if row.get("value_max_norm") is not None else "empty"}')


# “达N”, “达到N”: the target is reached at N or more (≥). Not 下达/到达/送达/传达/抵达 (delivered, arrived).
_REACH = re.compile(r"(?<![下到送传抵])达(?:到)?\s*(?=\d)")
_LISTED = re.compile(r"[^，。；,;、]*、\s*")  # one item of an enumeration: 达到 845 万人、132 万人
REACH_OPERATORS = ("=", "≤", "<", ">", "≈", "range")  # numeric readings; a text target (达1:350, a ratio) reads no operator


def reads_reach(raw: str | None, target: str | None = None) -> bool:
    """Whether raw prints “达N” (or “达到N”); with target, whether the number it reaches is target
    (standing right after 达, or after the earlier items of a list: 达到 845 万人、132 万人)."""
    text = unicodedata.normalize("NFKC", raw or "")
    if target is None:
        return bool(_REACH.search(text))
    wanted = unicodedata.normalize("NFKC", target).strip()
    for match in _REACH.finditer(text):
        rest = text[match.end():]
        while True:
            if rest.startswith(wanted):
                return True
            item = _LISTED.match(rest)
            if not item:
                break
            rest = rest[item.end():]
    return False


def _explained(row: dict) -> bool:
    return "达N" in (row.get("note") or "")


def check_reach(model: Model):
    """One rule for “达N” in both tables: coded ≥, the raw text kept; a row whose note names “达N”
    and says why may read otherwise."""
    for row in model.rows("indicators"):
        if row["operator"] in REACH_OPERATORS and reads_reach(row["value_raw"]) and not _explained(row):
            yield _problem(model, "indicators", row, "operator", "reach-error",
                           f'{quoted(row["value_raw"])} prints “达N” (reached at N or more): code it ≥, not {row["operator"]} '
                           "(or explain the exception in the row's note, naming “达N”)")
    for row in model.rows("plan_indicators"):
        if (row["target_operator"] in REACH_OPERATORS and row.get("target_raw")
                and reads_reach(row["raw_text"], row["target_raw"]) and not _explained(row)):
            yield _problem(model, "plan_indicators", row, "target_operator", "reach-error",
                           f'{quoted(row["target_raw"])} follows “达” in {quoted(row["raw_text"])} (reached at N or more): '
                           f'code it ≥, not {row["target_operator"]} (or explain the exception in the row\'s note, naming “达N”)')
