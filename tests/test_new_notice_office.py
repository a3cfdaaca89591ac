"""A notice given as Word, Excel or a scan is drafted like its text.

Each fixture is written here from the test notice of test_new_notice.py: a .docx (python-docx)
with the 分配表 as a Word table, an .xlsx (openpyxl) and an .xls (xlwt) with the notice on one
sheet and the 附件 on another, amounts as numbers formatted "0.00", and for OCR a PNG drawn
with Pillow in Noto Sans CJK and read back by Tesseract.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_package

NOTICE = ROOT / "tests" / "fixtures" / "conghua_notice_2024.txt"
DOC = "cz-hrss-2024-18"
ISSUER = "广州市从化区人力资源和社会保障局"
OCR_NOTE = "OCR 识别的文字：逐字核对原件"
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
TABLE_HEADER = "序号 单位名称 所属区 分配金额 资金用途"
FIELDS = {"allocations": ("recipient_unit_id", "region_id", "amount_raw", "amount_yuan", "content_text"),
          "indicators": ("level1", "level2", "name", "operator", "value", "unit", "value_raw"),
          "units": ("name",), "stated_totals": ("label_raw", "amount_raw"),
          "documents": ("title", "doc_number", "issue_date", "region_id", "issuer_unit_id")}


def notice_lines() -> list[str]:
    """The notice's printed lines, without the blank lines between them."""
    return [line.strip() for line in NOTICE.read_text(encoding="utf-8").split("\n") if line.strip()]


def table_cells(line: str) -> list[str] | None:
    """The 分配表's cells of a line (five columns), or None for a line outside the table."""
    lines = notice_lines()
    start = lines.index(TABLE_HEADER)
    if line not in lines[start:start + 5]:
        return None
    if line.startswith("合计"):
        return ["合计", "", "", line.split()[1], ""]
    return line.split()


def draft(tmp_path: Path, *source: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    pkg = copy_package(tmp_path)
    review = tmp_path / "review"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "new_notice.py"), "draft", *source, "--id", DOC,
                             "--issuer", ISSUER, "--package", str(pkg), "--review", str(review)],
                            capture_output=True, text=True, timeout=600, env=env)
    return result, review


def drafted(review: Path) -> dict[str, list[dict]]:
    return {p.stem: list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig")))) for p in sorted(review.glob("*.csv"))}


def same_fields(a: dict, b: dict) -> None:
    for table, names in FIELDS.items():
        assert [[r[f] for f in names] for r in a[table]] == [[r[f] for f in names] for r in b[table]], table


@pytest.fixture(scope="module")
def from_text(tmp_path_factory):
    result, review = draft(tmp_path_factory.mktemp("text"), "--text", str(NOTICE))
    assert result.returncode == 0, result.stdout + result.stderr
    return drafted(review)


# ------------------------------------------------------------------ Word
def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    rows: list[list[str]] = []
    for line in notice_lines() + [""]:
        cells = table_cells(line) if line else None
        if cells:
            rows.append(cells)
            continue
        if rows:                                   # the table ends: write it where it stood
            table = document.add_table(rows=len(rows), cols=5)
            for r, cells_of_row in enumerate(rows):
                for c, text in enumerate(cells_of_row):
                    table.cell(r, c).text = text
            total = next(r for r, cells_of_row in enumerate(rows) if cells_of_row[0] == "合计")
            table.cell(total, 0).merge(table.cell(total, 2))      # "合计" spans three columns
            rows = []
        if line:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def test_docx_drafts_the_rows_of_the_text(tmp_path, from_text):
    pytest.importorskip("docx")
    result, review = draft(tmp_path, "--docx", str(write_docx(tmp_path / "notice.docx")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Drafted 13 rows" in result.stdout
    rows = drafted(review)
    same_fields(rows, from_text)
    source = (review / "source.txt").read_text(encoding="utf-8").split("\n")
    # paragraphs and the table in body order; a table row is one line, its empty and merged cells once
    assert source.index(TABLE_HEADER) + 1 == source.index("合计 320.00")
    assert source.index("合计 320.00") + 1 == source.index("1 广州市从化区劳动就业服务管理中心 从化区 150.00 就业创业服务补贴")
    assert source.index("绩效目标") == source.index("3 广州市从化区温泉镇人民政府 从化区 80.00 零工驿站建设") + 1
    assert [a["amount_raw"] for a in rows["allocations"]] == ["150.00", "90.00", "80.00"]
    assert rows["allocations"][1]["原文"] == "2 广州市从化区街口街道办事处 从化区 90.00 基层公共就业服务平台建设"
    assert [u["name"] for u in rows["units"]][0] == "广州市从化区劳动就业服务管理中心"
    assert rows["indicators"][2]["value"] == "1500" and rows["indicators"][2]["unit"] == "人次"
    assert rows["documents"][0]["doc_number_raw"] == "从人社〔2024〕18号"
    assert not any(OCR_NOTE in r["待核问题"] for table in rows.values() for r in table)


def test_a_file_that_is_not_docx_is_one_line(tmp_path):
    bad = tmp_path / "notice.docx"
    bad.write_bytes(b"not a zip")
    result, _ = draft(tmp_path, "--docx", str(bad))
    assert result.returncode == 2
    assert result.stdout.strip().count("\n") == 0 and "save it as .docx" in result.stdout
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ Excel
def workbook_rows() -> list[list[list]]:
    """Two sheets: the notice, then its 附件 (from the line "附件" on); amounts are numbers."""
    lines = notice_lines()
    split = lines.index("附件")
    sheets = []
    for part in (lines[:split], lines[split:]):
        rows = []
        for line in part:
            cells = table_cells(line)
            if cells and cells[0] != "序号":
                cells = [int(c) if c.isdigit() else float(c) if c.replace(".", "").isdigit() else c for c in cells]
            rows.append(cells or [line])
        sheets.append(rows)
    return sheets


def write_xlsx(path: Path, sheets: list[list[list]], formats: dict | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, rows in enumerate(sheets):
        sheet = book.create_sheet(["通知", "附件"][n] if n < 2 else f"Sheet{n + 1}")
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value == "" or value is None:
                    continue
                cell = sheet.cell(r, c, value)
                if isinstance(value, float):
                    cell.number_format = "0.00"
                if formats and (r, c) in formats:
                    cell.number_format = formats[(r, c)]
    book.save(str(path))
    return path


def test_xlsx_drafts_the_rows_of_the_text(tmp_path, from_text):
    result, review = draft(tmp_path, "--xlsx", str(write_xlsx(tmp_path / "notice.xlsx", workbook_rows())))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Drafted 13 rows" in result.stdout
    rows = drafted(review)
    same_fields(rows, from_text)
    source = (review / "source.txt").read_text(encoding="utf-8").split("\n")
    assert source[source.index("附件") - 1] == " "            # the second sheet starts like a new page
    assert "合计 320.00" in source                             # 320 formatted "0.00", empty cells skipped
    assert rows["allocations"][0]["原文"] == "1 广州市从化区劳动就业服务管理中心 从化区 150.00 就业创业服务补贴"
    assert [(a["amount_raw"], a["amount_yuan"]) for a in rows["allocations"]] == [
        ("150.00", "1500000"), ("90.00", "900000"), ("80.00", "800000")]
    assert rows["indicators"][0]["name"] == "举办招聘会场次" and rows["indicators"][0]["value"] == "12"


def test_xlsx_numbers_read_as_the_sheet_shows_them(tmp_path):
    import datetime as dt

    from fundsite.draft.office import xlsx_text

    sheets = [[["整数", 120.0], ["小数", 120.5], ["两位小数", 120.0], ["千分位", 1234.5], ["百分比", 0.125],
               ["单位", 150.0], ["日期", dt.datetime(2024, 7, 15)], ["空格", None, "右"], ["整型", 7]],
              [["第二页"]]]
    formats = {(1, 2): "General", (2, 2): "General", (3, 2): "0.00", (4, 2): "#,##0.00", (5, 2): "0.0%",
               (6, 2): '0.00"万元"', (7, 2): 'yyyy"年"m"月"d"日"'}
    text = xlsx_text(write_xlsx(tmp_path / "n.xlsx", sheets, formats))
    assert text.split("\n") == ["整数 120", "小数 120.5", "两位小数 120.00", "千分位 1,234.50", "百分比 12.5%",
                                "单位 150.00", "日期 2024年7月15日", "空格 右", "整型 7", " ", "第二页", ""]


def write_xls(path: Path, sheets: list[list[list]]) -> Path:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (test extra) writes the .xls fixture")
    book = xlwt.Workbook(encoding="utf-8")
    two = xlwt.easyxf(num_format_str="0.00")
    for n, rows in enumerate(sheets):
        sheet = book.add_sheet(["通知", "附件"][n])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, float):
                    sheet.write(r, c, value, two)
                elif value != "":
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def test_xls_drafts_the_rows_of_the_text(tmp_path, from_text):
    result, review = draft(tmp_path, "--xlsx", str(write_xls(tmp_path / "notice.xls", workbook_rows())))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = drafted(review)
    same_fields(rows, from_text)
    assert [a["amount_raw"] for a in rows["allocations"]] == ["150.00", "90.00", "80.00"]
    assert "1 广州市从化区劳动就业服务管理中心 从化区 150.00 就业创业服务补贴" in (review / "source.txt").read_text(encoding="utf-8")


def test_a_broken_workbook_is_one_line(tmp_path):
    for name in ("notice.xls", "notice.xlsx"):
        bad = tmp_path / name
        bad.write_bytes(b"\xd0\xcf\x11\xe0 not really a workbook")
        result, _ = draft(tmp_path / name.replace(".", "-"), "--xlsx", str(bad))
        assert result.returncode == 2, name
        assert result.stdout.count("\n") == 1 and "cannot be read as an Excel" in result.stdout, result.stdout
        assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ a table header with no row read
def test_a_header_without_rows_is_said_and_exits_1(tmp_path):
    broken = NOTICE.read_text(encoding="utf-8")
    for row in ("1 广州市从化区劳动就业服务管理中心 从化区 150.00", "2 广州市从化区街口街道办事处 从化区 90.00",
                "3 广州市从化区温泉镇人民政府 从化区 80.00"):
        broken = broken.replace(row, row.replace(" ", "").replace("0", "O"))     # as a bad scan reads them
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    result, review = draft(tmp_path, "--text", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    header_line = broken.split("\n").index(TABLE_HEADER) + 1
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"No rows read under the table header on line {header_line} of {review / 'source.txt'} "
                           f"({TABLE_HEADER}): "), last
    assert not (review / "allocations.csv").exists() and (review / "documents.csv").exists()


# ------------------------------------------------------------------ OCR
def cjk_font(size: int):
    from PIL import ImageFont

    found = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    path = next((line.split(":")[0] for line in found.splitlines() if "Noto Sans CJK SC" in line), None)
    if path is None:
        return None
    for index in range(10):
        font = ImageFont.truetype(path, size, index=index)
        if font.getname()[0] == "Noto Sans CJK SC":
            return font
    return None


def needs(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have it: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def notice_png(tmp_path_factory):
    """The notice as a clean 300 dpi scan of 10.5 pt print (44 px): a printed line per line, the 分配表 in columns."""
    from PIL import Image, ImageDraw

    font = cjk_font(44)
    needs(font is not None, "the Noto Sans CJK SC font is not installed (fonts-noto-cjk)")
    lines = notice_lines()
    step, left = 70, 110
    columns = (left, left + 125, left + 935, left + 1140, left + 1375)
    image = Image.new("L", (2340, 2 * left + step * len(lines)), 255)
    pen = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        y = left + n * step
        cells = table_cells(line)
        if cells:
            for x, cell in zip(columns, cells):
                pen.text((x, y), cell, font=font, fill=0)
        else:
            pen.text((left, y), line, font=font, fill=0)
    path = tmp_path_factory.mktemp("scan") / "notice.png"
    image.save(path, dpi=(300, 300))
    return path


@pytest.fixture(scope="module")
def from_ocr(notice_png, tmp_path_factory):
    needs(shutil.which("tesseract") is not None, f"Tesseract is not installed ({INSTALL})")
    result, review = draft(tmp_path_factory.mktemp("ocr"), "--ocr", str(notice_png))
    return result, review


def test_ocr_drafts_the_scan_and_marks_every_row(from_ocr, from_text):
    result, review = from_ocr
    assert result.returncode == 0, result.stdout + result.stderr
    rows = drafted(review)
    assert sum(len(t) for t in rows.values()) >= 10
    every = [r for table in rows.values() for r in table]
    assert all(r["待核问题"].startswith(OCR_NOTE) for r in every)
    assert f"{len(every)} rows have 待核问题" in result.stdout
    assert [(a["amount_raw"], a["amount_yuan"]) for a in rows["allocations"]] == [
        ("150.00", "1500000"), ("90.00", "900000"), ("80.00", "800000")]
    assert [u["name"] for u in rows["units"]] == [u["name"] for u in from_text["units"]]
    assert rows["stated_totals"][0]["amount_raw"] == "320.00"
    assert rows["documents"][0]["issue_date"] == "2024-07-15"


def test_ocr_reads_a_scanned_pdf(tmp_path, notice_png):
    from PIL import Image

    needs(shutil.which("tesseract") is not None, f"Tesseract is not installed ({INSTALL})")
    scan = tmp_path / "scan.pdf"
    with Image.open(notice_png) as image:
        image.save(scan, resolution=300)
    as_text, _ = draft(tmp_path / "pdf", "--pdf", str(scan))
    assert as_text.returncode == 2 and as_text.stdout.count("\n") == 1 and "no text layer" in as_text.stdout
    assert "Traceback" not in as_text.stderr
    result, review = draft(tmp_path / "ocr", "--ocr", str(scan))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = drafted(review)
    assert all(r["待核问题"].startswith(OCR_NOTE) for table in rows.values() for r in table)
    assert [a["amount_raw"] for a in rows["allocations"]] == ["150.00", "90.00", "80.00"]


def test_ocr_without_tesseract_says_what_to_install(tmp_path):
    from PIL import Image

    scan = tmp_path / "scan.png"
    Image.new("L", (200, 100), 255).save(scan)
    env = dict(os.environ, PATH=str(tmp_path))                 # no tesseract on the path
    result, _ = draft(tmp_path / "a", "--ocr", str(scan), env=env)
    assert result.returncode == 2
    assert result.stdout.count("\n") == 1 and INSTALL in result.stdout and "Tesseract" in result.stdout
    assert "Traceback" not in result.stderr


def test_ocr_without_the_chinese_model_says_what_to_install(tmp_path, notice_png):
    needs(shutil.which("tesseract") is not None, f"Tesseract is not installed ({INSTALL})")
    env = dict(os.environ, TESSDATA_PREFIX=str(tmp_path))      # a tessdata folder without chi_sim
    result, _ = draft(tmp_path / "a", "--ocr", str(notice_png), env=env)
    assert result.returncode == 2
    assert result.stdout.count("\n") == 1 and "chi_sim" in result.stdout and INSTALL in result.stdout
    assert "Traceback" not in result.stderr
