"""The kinds of entity that have pages of their own: one entry each, everything else derives from here.

An entry names the table whose rows get pages, its id column, the URL section
(districts/huadu/), the section's title, and the function that renders the kind's
pages and its index. Read from this list:

- urls.py: where each kind's pages and per-entity files live;
- rules.py: which ids become paths (and so must be safe slugs);
- pages.py and package_pages.py: which rows a quality note or a release can link to;
- render.py: which page builders run, in this order.

Adding a kind is an entry here and a template: with `builder` left as `GENERIC`, a page
per row is rendered from `template` (its context: `row`, `kind`, and everything every
page has) and the section's index lists the rows by `name_field` (page_builders.build_generic).
"""
from __future__ import annotations

from dataclasses import dataclass

GENERIC = "page_builders.build_generic"


@dataclass(frozen=True)
class Kind:
    table: str  # the table whose rows get pages
    key: str  # its id column: ids become paths
    section: str  # URL section: "districts" -> districts/<id>/
    title: str  # the section's name for readers
    builder: str | None = GENERIC  # "module.function" of fundsite that renders the kind; None: another kind's builder does
    template: str = ""  # the generic builder's template for one row
    name_field: str = "name"  # what the generic builder titles a page and lists in the index with
    index_template: str = "generic_index.html.j2"  # the generic builder's index: a list of the rows by name
    # The generic builder's "module.function" of fundsite.site giving what a row's page shows beyond
    # the row, (renderer, row) -> dict: in the page's context, so the page is rendered again only
    # when that changes (a template reaching past its context is rendered every time: page_memo.py).
    context: str | None = None


KINDS: list[Kind] = [
    Kind("regions", "region_id", "districts", "地区", "page_builders.build_regions"),
    Kind("units", "unit_id", "units", "单位", "page_builders.build_units"),
    Kind("projects", "project_id", "projects", "项目", "page_builders.build_projects"),
    Kind("documents", "document_id", "documents", "文件", "page_builders.build_documents"),
    Kind("plans", "plan_id", "plans", "规划", "page_builders.build_plans"),
    Kind("plan_indicators", "plan_indicator_id", "plan-indicators", "规划指标", None),  # pages made by build_plans
    Kind("funds", "fund_id", "funds", "资金", GENERIC, "fund.html.j2", index_template="fund_index.html.j2",
         context="page_builders.fund_context"),
    Kind("concepts", "concept_id", "compare", "对比", "compare.build_compare"),
    Kind("project_families", "family_id", "families", "分区项目", "page_builders.build_families"),
]

BY_TABLE: dict[str, Kind] = {}


def refresh() -> None:
    """Re-derive BY_TABLE after KINDS changed (a test adds a kind this way)."""
    BY_TABLE.clear()
    BY_TABLE.update((kind.table, kind) for kind in KINDS)


refresh()
