"""Comparison pages: one concept (城镇新增就业, 南粤家政培训, …) across plans and documents.

The curated tables `concepts` and `concept_links` say which indicator rows
measure the same thing; every value on these pages is read from those rows
as printed (target_raw, baseline_raw, actual_raw, value_raw), never converted:
the concept's own notes explain why cumulative, end-of-period and annual
figures, and 万人 against 人次, must not be compared at face value.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from fundsite import urls
from fundsite.kinds import BY_TABLE

SECTION = BY_TABLE["concepts"].section
# Comparison pages are hubs that answer a question directly; search lists
# them above the many single-row pages that share their words.
SEARCH_BOOST = 3

PLAN_PERIODS = {"cumulative": "规划期累计目标", "end-year": "期末目标", "annual": "每年目标",
                "maintain": "期内保持", "unspecified": "规划目标（期间未写明）"}
PROJECT_PERIODS = {"年度": "项目年度目标", "实施周期": "项目实施周期目标", "未注明": "项目目标（期间未注明）"}
KIND_ORDER = list(PLAN_PERIODS.values()) + list(PROJECT_PERIODS.values())


def concept_url(concept_id: str) -> str:
    return f"{SECTION}/{concept_id}/"


def index_url() -> str:
    return f"{SECTION}/"


@dataclass
class Entry:
    """One linked indicator row, ready to show."""

    link: dict  # the concept_links row
    table: str
    row: dict  # the indicator or plan-indicator row
    region: dict
    city: dict  # the city (广州市, 河源市) the region belongs to
    kind: str  # one of KIND_ORDER
    url: str  # the page that lists the row
    source: str  # where the row comes from, in words
    value: str  # the target as printed
    year: int | None


def _city_of(m, region: dict) -> dict:
    current = region
    while current and current["level"] not in ("city", "province"):
        current = m.get("regions", current.get("parent_region_id"))
    return current or region


def entries_for(r, concept_id: str) -> list[Entry]:
    m = r.m
    entries = []
    for link in r.links_by_concept.get(concept_id, []):
        region = m.get("regions", link["region_id"])
        row = m.get(link["table_name"], link["row_id"])
        if link["table_name"] == "plan_indicators":
            plan = m.get("plans", row["plan_id"])
            entries.append(Entry(link, "plan_indicators", row, region, _city_of(m, region), PLAN_PERIODS[row["period_kind"]],
                                 urls.page_url("plan_indicators", row["plan_indicator_id"]),
                                 f'{plan["short_name"]}（{row["table_label"]}）', row["target_raw"], row.get("target_year")))
        else:
            project = m.get("projects", row["project_id"])
            doc = m.get("documents", row["document_id"])
            entries.append(Entry(link, "indicators", row, region, _city_of(m, region), PROJECT_PERIODS.get(row["period"], PROJECT_PERIODS["未注明"]),
                                 urls.page_url("projects", row["project_id"]) + "#" + row["indicator_id"],
                                 f'{doc["short_title"]}：{project["name"]}', row["value_raw"], None))

    def order(e: Entry):
        if e.table == "plan_indicators":
            within = (0, e.row["plan_id"], e.row["seq"], "")
        else:
            project = m.get("projects", e.row["project_id"])
            within = (1, f'{r.doc_order.get(e.row["document_id"], 0):04d}', project["seq"], e.row["indicator_id"])
        return (e.city["sort_order"], e.region["sort_order"], within)
    return sorted(entries, key=order)


def glance(m, entries: list[Entry]) -> dict:
    """Kind of target x city: the Guangzhou-versus-Heyuan view."""
    cities = sorted((g for g in m.rows("regions") if g["level"] == "city"), key=lambda g: g["sort_order"])
    cells = defaultdict(list)
    for e in entries:
        cells[(e.kind, e.city["region_id"])].append(e)
    kinds = [k for k in KIND_ORDER if any(e.kind == k for e in entries)]
    return {"cities": cities, "kinds": kinds, "cells": cells}


def install(r) -> None:
    """Index the links so entity pages can point to their comparison pages."""
    m = r.m
    r.links_by_concept = defaultdict(list)
    r.concepts_by_row = defaultdict(list)
    concepts = {c["concept_id"]: c for c in m.rows("concepts")}
    for link in m.rows("concept_links"):
        r.links_by_concept[link["concept_id"]].append(link)
        r.concepts_by_row[(link["table_name"], link["row_id"])].append(concepts[link["concept_id"]])

    def concepts_of(table: str, row_ids) -> list[dict]:
        """The concepts any of these rows belong to, each once, in first-seen order."""
        found = []
        for row_id in row_ids:
            for concept in r.concepts_by_row.get((table, row_id), []):
                if concept not in found:
                    found.append(concept)
        return found

    r.env.globals.update(compare_url=concept_url, concepts_of=concepts_of)


def _with_search_boost(page: str) -> str:
    """Add Material's per-page search boost to the front matter the renderer wrote."""
    assert page.startswith("---\n")
    return f"---\nsearch:\n  boost: {SEARCH_BOOST}\n" + page[len("---\n"):]


def build_compare(r) -> None:
    m = r.m
    concepts = sorted(m.rows("concepts"), key=lambda c: (c["sort_order"], c["concept_id"]))
    cities = sorted((g for g in m.rows("regions") if g["level"] == "city"), key=lambda g: g["sort_order"])
    summaries = []
    for concept in concepts:
        key = concept["concept_id"]
        url = concept_url(key)
        entries = entries_for(r, key)
        files = [r.add_file(f"files/{SECTION}/{key}-concept-links.csv", r.links_by_concept.get(key, []), "concept_links")]
        crumbs = r.breadcrumbs(("对比", index_url()), (concept["name"], url))
        source = f"{SECTION}/{key}.md"
        r.render("compare.md.j2", source, url, concept["name"], concept=concept, crumbs=crumbs, files=files,
                 plan_entries=[e for e in entries if e.table == "plan_indicators"],
                 project_entries=[e for e in entries if e.table == "indicators"],
                 glance=glance(m, entries))
        r.out.pages[source] = _with_search_boost(r.out.pages[source])
        summaries.append({"concept": concept, "plans": sum(e.table == "plan_indicators" for e in entries),
                          "projects": sum(e.table == "indicators" for e in entries),
                          "cities": [sum(e.city["region_id"] == c["region_id"] for e in entries) for c in cities]})
    url = index_url()
    r.render("compare_index.md.j2", f"{SECTION}/index.md", url, "对比", summaries=summaries, cities=cities,
             crumbs=r.breadcrumbs(("对比", url)))
