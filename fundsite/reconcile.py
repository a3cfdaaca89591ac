"""Stated totals against the sum of the allocation rows they cover.

A total covers the allocation rows of its rows document that match every filter it sets:
a project (with its descendants), a recipient unit, a region, a funding source, and the
budget codes a coded table prints on each row (支出功能分类 function_code, 部门预算经济分类
dept_econ_code, 政府预算经济分类 gov_econ_code). 附件3 of 穗财社〔2024〕27号 prints a 合计
for each row, i.e. for one sub-project and one set of codes: its stated total names that
sub-project and those codes, all as printed on the row, and the build checks it against
the allocation rows that carry them.
"""
from __future__ import annotations

from dataclasses import dataclass

from fundsite.model import Model


@dataclass(frozen=True)
class Reconciliation:
    total: dict
    rows_sum: int  # yuan
    row_count: int

    @property
    def difference(self) -> int:
        return self.rows_sum - self.total["amount_yuan"]

    @property
    def ok(self) -> bool:
        return self.difference == 0


# Filters matched as equal values: a total that sets one covers only the rows with that value.
EXACT_FILTERS = ("recipient_unit_id", "region_id", "funding_source", "function_code", "dept_econ_code", "gov_econ_code")
CODE_FILTERS = ("function_code", "dept_econ_code", "gov_econ_code")  # printed on a coded table's row
FILTERS = ("project_id", *EXACT_FILTERS)  # what narrows a total's rows


def covers_whole_document(total: dict) -> bool:
    """The total covers every allocation row of its rows document (no filter set)."""
    return not any(total.get(k) for k in FILTERS)


def covered_allocations(model: Model, total: dict) -> list[dict]:
    projects = model.project_subtree(total["project_id"]) if total.get("project_id") else None
    wanted = [(k, total[k]) for k in EXACT_FILTERS if total.get(k)]
    rows = []
    for alloc in model.allocations_of(total["rows_document_id"]):
        if projects is not None and alloc["project_id"] not in projects:
            continue
        if any(alloc.get(k) != value for k, value in wanted):
            continue
        rows.append(alloc)
    return rows


def reconcile(model: Model, total: dict) -> Reconciliation:
    rows = covered_allocations(model, total)
    return Reconciliation(total, sum(r["amount_yuan"] for r in rows), len(rows))


def reconcile_all(model: Model) -> list[Reconciliation]:
    return [reconcile(model, total) for total in model.rows("stated_totals")]
