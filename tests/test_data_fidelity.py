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
    assert labels.count("正文") == 41 and labels.count("第一章第一节 发展基础") == 91
    assert sum(1 for g in model.rows("glossary") if g["document_id"] == "gz-hrss-14th-fyp") == 28


def test_frictionless_accepts_the_package():
    """The official validator agrees: types, constraints, primary and foreign keys."""
    from frictionless import Package

    report = Package(str(ROOT / "datapackage" / "datapackage.json")).validate()
    assert report.flatten(["rowNumber", "fieldName", "type"]) == []
    assert report.valid


def test_the_glossary_of_002_is_its_annex_entry_by_entry(model):
    """名词解释 (lines 652-714): 28 entries, numbered 1-28, term and definition as printed (the
    colon inside the bold for 1-26, outside for 27-28; entries 4 and 21 across a page break), and
    each the target of exactly the body's <sup>n</sup> marks."""
    import re
    text = (SOURCES / "002_3d086016fe809a95.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    entries = [g for g in model.rows("glossary") if g["document_id"] == "gz-hrss-14th-fyp"]
    assert [g["footnote"] for g in entries] == list(range(1, 29))
    by_n = {g["footnote"]: g for g in entries}
    assert by_n[1]["term"] == "“粤菜师傅”工程" and lines[655].startswith("**1. “粤菜师傅”工程：**" + by_n[1]["definition"][:20])
    assert by_n[28]["term"] == "“双随机、一公开”" and lines[713] == "**28. “双随机、一公开”**：" + by_n[28]["definition"]
    assert by_n[27]["definition"] == "是指行政执法公示制度、执法全过程记录制度、重大执法决定法制审核制度。"
    # across a page break: the two pieces joined, nothing left out
    assert by_n[21]["definition"] == lines[697].split("：**", 1)[1] + lines[699] and by_n[21]["source_lines"] == "698-700"
    assert by_n[4]["definition"].endswith(lines[663]) and by_n[4]["source_lines"] == "662-664"
    for g in entries:  # the definition is the whole entry after the term
        joined = "".join(lines[i - 1] for i in range(int(g["source_lines"].split("-")[0]), int(g["source_lines"].split("-")[-1]) + 1))
        assert joined.replace("**", "") == f'{g["footnote"]}. {g["term"]}：{g["definition"]}', g["footnote"]
    marks = {}
    for number, line in enumerate(lines[:650], start=1):
        for n in re.findall(r"<sup>(\d+)</sup>", line):
            marks.setdefault(int(n), []).append(str(number))
    assert sum(len(v) for v in marks.values()) == 28
    assert {n: g["mark_lines"] for n, g in by_n.items()} == {n: ",".join(v) for n, v in marks.items()}


def test_the_footnote_marks_of_002_travel_with_its_texts(model):
    """Every stored text of 002 that covers a <sup>n</sup> mark of its source is linked to entry n in
    glossary_marks: "依托“赢在广州”大学生创业大赛<sup>10</sup>，…" (line 308). 25 of the 28 marks
    fall in stored texts; 6, 7 and 8 (line 149) stand in chapter 1's analysis of the coming
    period, which is not stored as a text."""
    links = {(m["table_name"], m["row_id"], m["glossary_id"]): m for m in model.rows("glossary_marks")}
    assert ("plan_tasks", "gz-hrss-14fyp-ch04-s02-t03", "gz-hrss-14th-fyp-n10") in links
    assert links[("plan_tasks", "gz-hrss-14fyp-ch04-s02-t03", "gz-hrss-14th-fyp-n10")]["source_lines"] == "308"
    assert "“赢在广州”大学生创业大赛，" in model.get("plan_tasks", "gz-hrss-14fyp-ch04-s02-t03")["text"]
    numbers = sorted(model.get("glossary", g)["footnote"] for _, _, g in links)
    assert numbers == [n for n in range(1, 29) if n not in (6, 7, 8)]
    assert {(t, r) for t, r, g in links if g in ("gz-hrss-14th-fyp-n01", "gz-hrss-14th-fyp-n02", "gz-hrss-14th-fyp-n03")} == {
        ("plan_indicators", "gz-hrss-14fyp-r12")}


def test_the_tasks_and_measures_of_002_are_stored_in_full(model):
    """Each task and measure of 002 (117) is its whole paragraph: the lines of its source_lines
    joined across the PDF page breaks (blank lines), <sup>n</sup> and **/<b> remnants removed, less
    its printed label and title. L244→L246 "实施湾区“社保通”" / "工程，…" is one text."""
    import re
    from fundsite.check.verbatim import squeeze
    lines = (SOURCES / "002_3d086016fe809a95.txt").read_text(encoding="utf-8").split("\n")
    rows = [t for t in model.rows("plan_tasks") if t["plan_id"] == "gz-hrss-14fyp" and t["level"] in ("task", "measure") and t["text"]]
    assert len(rows) == 117
    for t in rows:
        first, _, last = t["source_lines"].partition("-")
        span = [lines[i - 1] for i in range(int(first), int(last or first) + 1) if lines[i - 1].strip()]
        joined = re.sub(r"<sup>\d+</sup>|</?b>|\*\*", "", "".join(span)).strip()
        assert joined.endswith(t["text"]), t["task_id"]
        assert squeeze(joined[:len(joined) - len(t["text"])]) == squeeze((t["seq_label"] or "") + t["title"] + "。"), t["task_id"]
    t03 = model.get("plan_tasks", "gz-hrss-14fyp-ch03-s01-t03")
    assert t03["source_lines"] == "244-246" and "实施湾区“社保通”工程，研究探索" in t03["text"]
    assert t03["text"].endswith("探索推进穗港澳三地在劳动法律适用、程序等办案实务方面的制度衔接。")
    assert sum(len(t["text"]) for t in rows) > 18000


def test_the_verbatim_check_reads_a_text_joined_across_a_page_break():
    """A text joined across a page break (a blank line between its pieces) and without its
    footnote marks stands in the source; one that leaves out a piece or adds a character does not."""
    texts = SourceTexts.of({"x.txt": "实施湾区“社保通”\n\n工程，“粤菜师傅”<sup>1</sup>“广东技工”<sup>2</sup>行动。"})
    assert texts.contains("x.txt", "实施湾区“社保通”工程，“粤菜师傅”“广东技工”行动。")
    assert not texts.contains("x.txt", "实施湾区“社保通”“粤菜师傅”")
    assert not texts.contains("x.txt", "“粤菜师傅”1“广东技工”")


def test_the_results_of_the_13th_plan_in_002s_chapter_1_are_rows_of_their_own(model):
    """Chapter 1's prose results (lines 93-111): each a row of plan_indicators under its own
    table_label, with the result in actual_raw (as printed, standing in its lines), no invented
    target, and the period said: 五年累计 161.53 万人 is cumulative, 期末 961.4 万人 end-of-period."""
    lines = (SOURCES / "002_3d086016fe809a95.txt").read_text(encoding="utf-8").split("\n")
    texts = SourceTexts(SOURCES)
    rows = [pi for pi in model.rows("plan_indicators") if pi["table_label"] == "第一章第一节 发展基础"]
    assert len(rows) == 91
    for pi in rows:
        first, _, last = pi["source_lines"].partition("-")
        assert 93 <= int(first) <= int(last or first) <= 111
        span = "".join(lines[int(first) - 1:int(last or first)])
        assert SourceTexts.of({"x": span}).contains("x", pi["actual_raw"]), pi["plan_indicator_id"]
        assert SourceTexts.of({"x": span}).contains("x", pi["raw_text"]), pi["plan_indicator_id"]
        assert pi["actual_year"] == 2020 and pi["target_operator"] in (None, "≤")
        assert texts.contains("002_3d086016fe809a95.txt", pi["raw_text"])
    by_id = {pi["plan_indicator_id"]: pi for pi in rows}
    assert (by_id["gz-hrss-14fyp-r01"]["actual_raw"], by_id["gz-hrss-14fyp-r01"]["period_kind"]) == ("161.53 万人", "cumulative")
    assert (by_id["gz-hrss-14fyp-r16"]["actual_raw"], by_id["gz-hrss-14fyp-r16"]["period_kind"]) == ("961.4 万人", "end-year")
    # a lower bound is not a value: 90% 以上 keeps its number in the printed text only
    assert (by_id["gz-hrss-14fyp-r08"]["actual_raw"], by_id["gz-hrss-14fyp-r08"]["actual_value"],
            by_id["gz-hrss-14fyp-r08"]["period_kind"]) == ("90% 以上", None, "maintain")
    pension = by_id["gz-hrss-14fyp-r23"]
    assert (pension["baseline_raw"], pension["baseline_year"], pension["actual_raw"]) == ("3200 元/月", 2015, "3726 元/月")
    assert by_id["gz-hrss-14fyp-r39"]["actual_raw"] == "11965名" and by_id["gz-hrss-14fyp-r39"]["source_lines"] == "97-99"
    # programme names are not results: "1+4" (line 97), 岭南英杰工程 (99) stand in no actual_raw
    assert not any("1+4" in pi["actual_raw"] or "英杰" in pi["actual_raw"] for pi in rows)


def test_002s_rank_and_qualitative_targets(model):
    """新增就业人数保持在全省首位 (line 193) is a rank target; 力争实现基本无欠薪的目标 (line 562) a
    qualitative one, kept as text like 003's H8."""
    rank = model.get("plan_indicators", "gz-hrss-14fyp-p40")
    assert (rank["target_raw"], rank["target_operator"], str(rank["target_value"]), rank["period_kind"]) == ("全省首位", "rank", "1", "maintain")
    wages = model.get("plan_indicators", "gz-hrss-14fyp-p41")
    assert (wages["target_raw"], wages["target_operator"], wages["target_value"]) == ("基本无欠薪", "text", None)
    assert "力争实现基本无欠薪的目标" in wages["raw_text"] and wages["source_lines"] == "562"


def test_typed_rows_are_each_cell_converted_by_its_field_type(tmp_path):
    """The model reads a table column by column (model.typed_rows): every row holds each schema
    field's cell converted by its type (model.convert, "" as None), in field order, then its CSV
    line; a short row's missing cells read as empty, a column the file lacks as empty, and a header
    naming a column twice keeps the row's last cell, as the row-by-row reading did."""
    from decimal import Decimal

    from fundsite.load import Table
    from fundsite.model import convert, typed_rows

    pkg, problems = load_package(ROOT / "datapackage")
    assert problems == []
    for table in pkg.tables.values():
        kinds = {f["name"]: f.get("type", "string") for f in table.fields}
        expected = [[*((name, convert(raw.get(name, ""), kind)) for name, kind in kinds.items()), ("_line", line)]
                    for line, raw in enumerate(table.rows, start=2)]
        assert [list(row.items()) for row in typed_rows(table)] == expected, table.name

    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "number"},
                         {"name": "k", "type": "integer"}, {"name": "absent", "type": "date"}]}
    for header, records, want in (
            (["id", "n", "k"], [["a", "1.50", "7"], ["b", ""]],
             [["a", Decimal("1.50"), 7, None, 2], ["b", None, None, None, 3]]),
            (["id", "n", "n", "k"], [["a", "1", "2.0", "3"]], [["a", Decimal("2.0"), 3, None, 2]])):
        table = Table("t", tmp_path / "t.csv", "t.csv", schema, header=header, records=records)
        rows = typed_rows(table)
        assert [list(row.values()) for row in rows] == want
        assert [list(row) for row in rows] == [["id", "n", "k", "absent", "_line"]] * len(want)
