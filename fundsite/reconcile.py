"""Stated totals against the sum of the allocation rows they cover."""
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


FILTERS = ("project_id", "recipient_unit_id", "region_id", "funding_source")  # what narrows a total's rows


def covers_whole_document(total: dict) -> bool:
    """The total covers every allocation row of its rows document (no filter set)."""
    return not any(total.get(k) for k in FILTERS)


def covered_allocations(model: Model, total: dict) -> list[dict]:
    projects = model.project_subtree(total["project_id"]) if total.get("project_id") else None
    rows = []
    for alloc in model.allocations_of(total["rows_document_id"]):
        if projects is not None and alloc["project_id"] not in projects:
            continue
        if total.get("recipient_unit_id") and alloc["recipient_unit_id"] != total["recipient_unit_id"]:
            continue
        if total.get("region_id") and alloc["region_id"] != total["region_id"]:
            continue
        if total.get("funding_source") and alloc.get("funding_source") != total["funding_source"]:
            continue
        rows.append(alloc)
    return rows


def reconcile(model: Model, total: dict) -> Reconciliation:
    rows = covered_allocations(model, total)
    return Reconciliation(total, sum(r["amount_yuan"] for r in rows), len(rows))


def reconcile_all(model: Model) -> list[Reconciliation]:
    return [reconcile(model, total) for total in model.rows("stated_totals")]
