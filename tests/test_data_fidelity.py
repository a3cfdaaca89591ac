"""The curated CSVs against their source texts: the copies the package keeps in
datapackage/sources/ (every document's, the seeds' and each notice added since), and those
copies against the original seeds in ../shared/seeds/ where they sit beside the repository."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from fundsite.check.package import check_package
from fundsite.load import load_package
from fundsite.model import build_model
from fundsite.paths import SEEDS
from fundsite.reconcile import reconcile_all
from fundsite.check.verbatim import RAW_FIELDS, SourceTexts

SOURCES = ROOT / "datapackage" / "sources"


@pytest.fixture(scope="module")
def model():
    pkg, problems = load_package(ROOT / "datapackage", "datapackage")
    assert problems == []
    return build_model(pkg)


def _source_file(model, table, row):
    doc_id = row.get("document_id")
    if doc_id is None and "plan_id" in row:
        doc_id = model.get("plans", row["plan_id"])["document_id"]
    if doc_id is None and "task_id" in row:
        doc_id = model.get("plans", model.get("plan_tasks", row["task_id"])["plan_id"])["document_id"]
    return model.get("documents", doc_id)["source_file"]


def test_bundled_package_passes_every_check():
    model, problems = check_package(ROOT / "datapackage", "datapackage")
    assert [p.line() for p in problems] == []
    assert model is not None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not beside the repository")
def test_the_package_keeps_the_seeds_as_they_are():
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds
    for seed in seeds:
        assert (SOURCES / seed.name).read_bytes() == seed.read_bytes(), seed.name


def test_every_raw_value_stands_verbatim_in_its_source(model):
    texts = SourceTexts(SOURCES)
    missing = []
    checked = 0
    for table, fields in RAW_FIELDS.items():
        for row in model.rows(table):
            source = _source_file(model, table, row)
            for field in fields:
                value = row.get(field)
                if value:
                    checked += 1
                    if not texts.contains(source, value):
                        missing.append(f"{table}:{row['_line']}:{field}: {value[:50]}")
    assert missing == []
    assert checked > 3000


def test_every_stated_total_matches_its_rows_or_has_a_note(model):
    results = reconcile_all(model)
    assert len(results) >= 105
    unexplained = [r.total["total_id"] for r in results if not r.ok and not r.total.get("quality_note_id")]
    assert unexplained == []


def _seed_lines(name: str) -> list[str]:
    folder = SEEDS if (SEEDS / name).is_file() else SOURCES
    return (folder / name).read_text(encoding="utf-8").split("\n")


def _span(lines: list[str], source_lines: str) -> str:
    first, _, last = source_lines.partition("-")
    return "".join("".join(line.split()) for line in lines[int(first) - 1:int(last or first)])


def test_budget_codes_stand_in_their_lines(model):
    """The codes each notice prints in its first paragraph: 000 lines 24-27 (穗财社〔2024〕27号) and
    95-105 (粤财社〔2024〕109号, where the letterhead and the page number split 就业补 / 助)."""
    rows = {r["subject_id"]: r for r in model.rows("budget_subjects")}
    assert {(r["document_id"], r["kind"], r["code"], r["name"]) for r in rows.values()} == {
        ("sczs-2024-27", "revenue", "1100248", "社会保障和就业共同财政事权转移支付收入"),
        ("sczs-2024-27", "expenditure", "20807", "就业补助"),
        ("ycs-2024-109", "revenue", "1100248", "社会保障和就业共同财政事权转移支付收入"),
        ("ycs-2024-109", "expenditure", "20807", "就业补助"),
    }
    lines = _seed_lines("000_ddfa3951f4f4e46b.txt")
    for row in rows.values():
        assert row["code"].isdigit() and row["year"] == 2024
        span = _span(lines, row["source_lines"])
        pieces = ["".join(piece.split()) for piece in row["raw_text"].split(" … ")]
        at = 0
        for piece in pieces:  # in order, within the row's own lines
            at = span.index(piece, at) + len(piece)
        assert row["code"] + row["name"] in "".join(pieces)
    assert rows["ycs-2024-109-expenditure"]["raw_text"] == "支出列入“20807 就业补 … 助”，并按支出用途分别列入相关项级科目"
    assert "广东省财政厅文件" in _span(lines, "97-105")  # the letterhead the name is split by


def test_attachment3_row_totals_are_its_printed_row_totals(model):
    """附件3 (000 lines 2112-2320) prints 合计 and 19 recipient columns on each of its 27 rows; each row's
    合计 is a stated total naming the row's sub-project and codes, and reconciles exactly with the
    allocation rows of that row (every one of the 68 rows of 附件3 is covered by exactly one)."""
    from fundsite.reconcile import covered_allocations, reconcile

    lines = _seed_lines("000_ddfa3951f4f4e46b.txt")
    totals = [t for t in model.rows("stated_totals") if t["document_id"] == "sczs-2024-27-a3" and t.get("function_code")]
    assert len(totals) == 27
    covered = []
    for t in totals:
        last = int(t["source_lines"].split("-")[-1])
        amounts = re.findall(r"(?<![\d.,])(\d{1,3}(?:,\d{3})*\.\d\d|-)(?=\s|$)", lines[last - 1])
        assert amounts[0] == t["amount_raw"], t["total_id"]  # the row's first amount is its 合计
        assert len(amounts) == (19 if last == 2298 else 20), t["total_id"]  # 2298 prints 19 (quality note qn-000a-06)
        assert t["function_code"] in _span(lines, t["source_lines"])
        rec = reconcile(model, t)
        assert rec.ok and rec.row_count >= 1, t["total_id"]
        covered += [a["allocation_id"] for a in covered_allocations(model, t)]
    a3 = [a["allocation_id"] for a in model.rows("allocations") if a["document_id"] == "sczs-2024-27-a3"]
    assert sorted(covered) == sorted(a3) and len(a3) == 68


def test_attachment3_codes_lie_under_the_stated_expenditure_code(model):
    from fundsite.budget_codes import OUTSIDE, TRANSFER, UNDER, code_checks

    checks = [c for c in code_checks(model) if c.allocation["document_id"] == "sczs-2024-27-a3"]
    assert len(checks) == 68 and {c.subject["subject_id"] for c in checks} == {"sczs-2024-27-expenditure"}
    under = {c.allocation["function_code"] for c in checks if c.status == UNDER}
    transfer = [c for c in checks if c.status == TRANSFER]
    assert under == {"2080799", "2080712", "2080701"}
    assert len(transfer) == 42 and {c.allocation["function_code"] for c in transfer} == {"2300248"}
    assert all(c.allocation["gov_econ_code"] == "51301" for c in transfer)
    assert not [c for c in code_checks(model) if c.status == OUTSIDE]


def test_headline_figures_match_the_documents(model):
    totals = {t["total_id"]: t for t in model.rows("stated_totals")}
    by_label = {(t["document_id"], t["amount_raw"]) for t in totals.values()}
    # 穗财社〔2024〕27号 line 22 "5,000万元"; 粤财社〔2024〕109号 附件1 "50000000.00" 元; 花都 合计 "13,232.12".
    assert ("sczs-2024-27", "5,000") in by_label
    assert ("ycs-2024-109-a1", "50000000.00") in by_label
    assert ("huadu-ec-targets", "13,232.12") in by_label
    d5 = [a for a in model.rows("allocations") if a["document_id"] == "sczs-2024-27-a2"]
    assert len(d5) == 56 and sum(a["amount_yuan"] for a in d5) == 50_000_000
    huadu = [a for a in model.rows("allocations") if a["document_id"] == "huadu-ec-targets"]
    assert len(huadu) == 12 and sum(a["amount_yuan"] for a in huadu) == 132_321_200


def test_counts_per_document(model):
    def count(table, doc):
        return sum(1 for r in model.rows(table) if r.get("document_id") == doc)
    assert count("indicators", "ycs-2024-109-a2") == 23
    assert count("projects", "huadu-ec-targets") == 12
    plan_rows = {p: [pi for pi in model.rows("plan_indicators") if pi["plan_id"] == p] for p in ("gz-hrss-14fyp",)}
    labels = [pi["table_label"] for pi in plan_rows["gz-hrss-14fyp"]]
    assert labels.count("专栏1") == 14 and labels.count("专栏2") == 16


def test_frictionless_accepts_the_package():
    """The official validator agrees: types, constraints, primary and foreign keys."""
    from frictionless import Package

    report = Package(str(ROOT / "datapackage" / "datapackage.json")).validate()
    assert report.flatten(["rowNumber", "fieldName", "type"]) == []
    assert report.valid
