"""Rules that keep targets comparable across rows: project families (the same project printed
once per district), normalised values, targets that were never printed, and the reading of “达N”.

Each rule yields Problems like the rules in rules.py (which lists them in RULES).
"""
from __future__ import annotations

from collections import defaultdict

from fundsite.model import Model
from fundsite.problems import Problem, quoted


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
