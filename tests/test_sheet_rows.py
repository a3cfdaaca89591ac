"""Workbook rows written as sheet XML (fundsite/site/sheet_rows.py) are the cells XlsxWriter's
own cell API writes, value for value, and read back as the values that went in."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fundsite.site import downloads
from fundsite.site.sheet_rows import MAX_STRING, CellStyles, column_names, row_xml

TRICKY = [
    "plain 文本", "a & b < c > d", ' "quoted" ', "line\nbreak", "carriage\r\nreturn", "_x0041_ is not A",
    "tab\tinside", " leading", "trailing ", "\u3000全角空格", "emoji 😀", "=SUM(A1:A2)", "+1", "-1", "'quoted",
    "x" * (MAX_STRING + 5), "😀" * (MAX_STRING // 2 + 3), "", "0123",
]
VALUES = [None, True, False, 0, 7, -12, 12345678901234567, Decimal("315.00"), Decimal("0.5"), Decimal("1E+3"),
          Decimal("12.3456789012345"), dt.date(2024, 6, 11), dt.date(1900, 2, 28), dt.date(1900, 3, 1)]


def _reference_row_xml(row: list, bold: bool) -> str:
    """Row 2 as XlsxWriter writes it through its cell API in constant_memory mode (what the
    workbooks were made with before sheet_rows.py), with the same format indexes."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    formats = downloads._Formats(book)
    styles = formats.styles()
    sheet = book.add_worksheet("s")
    for col, value in enumerate(row):
        cell_format = formats.bold if bold else None
        if value is None:
            if bold:
                sheet.write_blank(1, col, None, formats.bold)
        elif isinstance(value, bool):
            sheet.write_boolean(1, col, value, cell_format)
        elif isinstance(value, int):
            sheet.write_number(1, col, value, cell_format)
        elif isinstance(value, Decimal):
            places = max(0, -value.as_tuple().exponent)
            sheet.write_number(1, col, float(value), formats.decimals[min(places, 10)])
        elif isinstance(value, dt.date):
            sheet.write_datetime(1, col, dt.datetime(value.year, value.month, value.day), formats.date)
        else:
            sheet.write_string(1, col, downloads.XML_ILLEGAL.sub("\ufffd", value), cell_format)
    book.close()
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert styles.bold == formats.bold._get_xf_index()
    return re.search(r"<sheetData>(.*)</sheetData>", xml, re.S).group(1), styles


def test_rows_are_the_cells_xlsxwriter_writes():
    for bold in (False, True):
        for row in (TRICKY, VALUES, ["\x00nul", "\x0bvt", "\ud800", "\ufffe"]):
            expected, styles = _reference_row_xml(row, bold)
            assert row_xml(2, row, column_names(len(row)), styles, bold) == expected, (bold, row[:3])


def test_workbook_reads_back_the_values(tmp_path):
    rows = [TRICKY[:4] + ["", "x", None, 3, Decimal("2.50")], ["表头 2", None, 1], list(VALUES)]
    sheet = downloads.Sheet("tricky", [f"c{i}" for i in range(len(VALUES))], rows, bold_rows=(0, 2))
    path = tmp_path / "t.xlsx"
    downloads.write_workbook(path, [sheet, downloads.Sheet("empty", ["a"], [])], 1718064000)
    book = load_workbook(path)
    ws = book["tricky"]
    assert ws.dimensions == f"A1:{column_names(len(VALUES))[-1]}4"
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert got[0][:4] == TRICKY[:4] and got[0][4:9] == ["", "x", None, 3, 2.5]
    assert ws["I2"].number_format == "0.00"
    assert [c.font.b for c in ws[3]][:2] == [True, True] and not ws["A2"].font.b
    assert got[2][1:6] == [True, False, 0, 7, -12]
    assert got[2][6] == 1.234567890123457e16  # a spreadsheet number holds 16 significant digits
    assert got[2][11] == dt.datetime(2024, 6, 11) and ws["L4"].number_format == "yyyy-mm-dd"
    assert book["empty"].max_row == 1
    assert path.read_bytes() == downloads.workbook_bytes([sheet, downloads.Sheet("empty", ["a"], [])], 1718064000)


def test_libreoffice_reads_what_was_written(tmp_path):
    """Excel's escapes (_x000D_ for a carriage return, _x005F_ before text that looks like one)
    are read back by a real spreadsheet, and the cut at 32,767 characters holds."""
    from test_new_notice_office import needs

    needs(shutil.which("soffice") is not None, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    downloads.write_workbook(tmp_path / "t.xlsx", [downloads.Sheet("t", [f"c{i}" for i in range(len(TRICKY))], [TRICKY])],
                             1718064000)
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path),
                    str(tmp_path / "t.xlsx")], check=True, capture_output=True, timeout=120)
    with open(tmp_path / "t.csv", encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))[1]
    expected = [text[:MAX_STRING] for text in TRICKY]
    expected[TRICKY.index("😀" * (MAX_STRING // 2 + 3))] = "😀" * (MAX_STRING // 2)
    expected[TRICKY.index("carriage\r\nreturn")] = "carriage\nreturn"  # a cell's line break, as LibreOffice keeps it
    assert got == expected


def test_a_table_longer_than_a_sheet_says_so_in_the_readme(tmp_path, monkeypatch):
    """Excel holds 1,048,576 rows a sheet: the whole-package workbook cuts a longer table there
    (as XlsxWriter did) and its README sheet says so (here with a limit of 40 rows)."""
    from fundsite.check.package import check_package
    from fundsite.paths import DATAPACKAGE
    from fundsite.site import sheet_rows

    model, problems = check_package(DATAPACKAGE, "datapackage")
    assert problems == [] and len(model.tables["units"]) >= 40 > len(model.tables["regions"]) + 1
    monkeypatch.setattr(sheet_rows, "MAX_ROWS", 40)
    meta = downloads.package_meta(model, model.release_log)
    downloads.write_package_xlsx(tmp_path / "p.xlsx", model, meta, 1718064000)
    book = load_workbook(tmp_path / "p.xlsx")
    assert book["units"].max_row == 40 and book["regions"].max_row == len(model.tables["regions"]) + 1
    readme = {row[0]: row for row in book["README"].iter_rows(values_only=True)}
    assert readme["units"][3].startswith(f"注意：本表 {len(model.tables['units']):,} 行，超过 Excel 一个工作表的上限，工作表只含前 39 行")
    assert not readme["regions"][3].startswith("注意")


def test_a_number_beyond_a_spreadsheet_number_stays_its_text(tmp_path):
    path = tmp_path / "big.xlsx"
    downloads.write_workbook(path, [downloads.Sheet("n", ["a", "b"], [[Decimal("1E+400"), Decimal("2.5")]])], 1718064000)
    ws = load_workbook(path)["n"]
    assert [ws["A2"].value, ws["B2"].value] == ["1E+400", 2.5]


def test_zip64_only_for_a_sheet_that_needs_it(tmp_path, monkeypatch):
    """zipfile is told each sheet's size: no zip64 record (which Excel may offer to repair) on
    a sheet under the limit, and zip64 on one past it (here a limit of 50,000 bytes)."""
    rows = [[f"{i} " + "文" * 2000] for i in range(20)]
    small = tmp_path / "small.xlsx"
    downloads.write_workbook(small, [downloads.Sheet("t", ["a"], rows[:2])], 1718064000)
    with zipfile.ZipFile(small) as zf:
        assert all(b"\x01\x00" not in info.extra[:2] for info in zf.infolist())
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 50_000)
    big = tmp_path / "big.xlsx"
    downloads.write_workbook(big, [downloads.Sheet("t", ["a"], rows)], 1718064000)
    with zipfile.ZipFile(big) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").extra[:2] == b"\x01\x00"
    monkeypatch.undo()
    assert load_workbook(big)["t"]["A21"].value == rows[19][0]
