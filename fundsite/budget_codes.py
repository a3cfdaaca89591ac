"""The budget codes a notice prints (budget_subjects) against the codes its allocation rows carry.

A notice tells its recipients under which 政府收支分类科目 to book the money: a revenue code
(1100248 社会保障和就业共同财政事权转移支付收入) and an expenditure code (20807 就业补助, a
款; the 项 is chosen by use, "按支出用途分别列入相关项级科目"). Every allocation row of the
notice and of its attachments that carries a function (支出功能分类) code should then lie
under the stated expenditure code (2080799 and 2080712 lie under 20807), or pass the money on
to a lower government: the payer books that under the transfer-expenditure code mirroring the
recipient's transfer-revenue code (class 110 转移性收入 <-> class 230 转移性支出: 1100248 <->
2300248), with the government economic code 51301 上下级政府间转移性支出; the recipient then
books it as the stated revenue and spends it under the stated expenditure code.

The check (check/rules.py) reports every other row; the document and fund pages show the result.
"""
from __future__ import annotations

from dataclasses import dataclass

from fundsite.model import Model

TRANSFER_REVENUE_CLASS, TRANSFER_EXPENDITURE_CLASS, TRANSFER_ECON_CODE = "110", "230", "51301"

UNDER, TRANSFER, OUTSIDE = "under", "transfer", "outside"


def onward_transfer_code(revenue_code: str) -> str | None:
    """The payer's code for money its recipient books under revenue_code: 1100248 -> 2300248."""
    if revenue_code.startswith(TRANSFER_REVENUE_CLASS) and len(revenue_code) > len(TRANSFER_REVENUE_CLASS):
        return TRANSFER_EXPENDITURE_CLASS + revenue_code[len(TRANSFER_REVENUE_CLASS):]
    return None


@dataclass(frozen=True)
class CodeCheck:
    allocation: dict
    subject: dict  # the budget_subjects row (kind expenditure) the allocation is held to
    status: str  # UNDER the expenditure code, an onward TRANSFER, or OUTSIDE both
    transfer_codes: tuple[str, ...]  # the onward-transfer codes the same document allows

    @property
    def ok(self) -> bool:
        return self.status != OUTSIDE


def subjects_by_document(model: Model) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for row in model.rows("budget_subjects") if "budget_subjects" in model.tables else []:
        found.setdefault(row["document_id"], []).append(row)
    return found


def code_checks(model: Model) -> list[CodeCheck]:
    """Each function-coded allocation row against each expenditure code stated by its document or a
    document it is attached to (in the order of the allocations, then from the nearest document up)."""
    stated = subjects_by_document(model)
    if not stated:
        return []
    parents = {d["document_id"]: d.get("parent_document_id") for d in model.rows("documents")}
    checks = []
    for alloc in model.rows("allocations"):
        code = alloc.get("function_code")
        if not code:
            continue
        doc_id, seen = alloc["document_id"], set()
        while doc_id and doc_id not in seen:
            seen.add(doc_id)
            subjects = stated.get(doc_id, [])
            transfers = tuple(sorted({onward_transfer_code(s["code"]) for s in subjects if s["kind"] == "revenue"} - {None}))
            for subject in (s for s in subjects if s["kind"] == "expenditure"):
                if code.startswith(subject["code"]):
                    status = UNDER
                elif code in transfers and alloc.get("gov_econ_code") == TRANSFER_ECON_CODE:
                    status = TRANSFER
                else:
                    status = OUTSIDE
                checks.append(CodeCheck(alloc, subject, status, transfers))
            doc_id = parents.get(doc_id)
    return checks
