"""Notice text from a Word (.docx) or Excel (.xlsx, .xls) file, in the form of the seeds.

docx_text: the body in document order; a paragraph is a line (its line breaks too), a table
row is one line of its non-empty cells joined by one space, as pdf.py prints a table row.
A cell's own paragraphs are joined without a space, as a wrapped cell reads on in Chinese,
and any run of spaces or line breaks in a cell becomes one space (so in a sheet's cells too).

xlsx_text: every sheet in order, a row per line, non-empty cells joined by one space; each
sheet after the first starts with a line holding one space, like the seeds' page marks.
Numbers are written as the sheet shows them, so far as their number format says: 150 formatted
"0.00" is "150.00", "#,##0.00" adds thousands commas, 120.0 in "General" is "120"; a format's
currency signs and quoted words ("万元") are left out, as the drafter reads bare amounts.  It
compares amounts as printed, so the decimals matter.  Formulas give their saved values.

Unreadable files raise ValueError with a sentence for the maintainer.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path


def _cell_line(cells: list[str]) -> str:
    return " ".join(c for c in (" ".join(c.split()) for c in cells) if c)


# ------------------------------------------------------------------ Word
def docx_text(path: Path) -> str:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    path = Path(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:                       # noqa: BLE001 - python-docx raises several kinds
        raise ValueError(f"{path} is not a Word .docx file ({type(exc).__name__}): "
                         "open it in Word or WPS and save it as .docx") from exc
    lines: list[str] = []

    def body(parent) -> None:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                lines.extend(Paragraph(child, document).text.split("\n"))
            elif child.tag == qn("w:tbl"):
                table = Table(child, document)
                for tr in child.iterchildren(qn("w:tr")):
                    # each <w:tc> once: a merged cell is one cell, a vertically merged one is empty below its first row
                    cells = ["".join(p.text for p in _Cell(tc, table).paragraphs) for tc in tr.iterchildren(qn("w:tc"))]
                    lines.append(_cell_line(cells))
            elif child.tag == qn("w:sdt"):             # a content control: its content is body text
                for content in child.iterchildren(qn("w:sdtContent")):
                    body(content)

    body(document.element.body)
    if not any(line.strip() for line in lines):
        raise ValueError(f"{path} has no text in its body")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ Excel
def _format_number(value: float | int, number_format: str) -> str:
    """A number as a cell with this number format shows it (the common formats; others as General)."""
    section = (number_format or "General").split(";")[0]
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", section)   # quoted text, [Red], escapes, padding
    percent = "%" in plain
    m = re.search(r"[0#?][0#?,]*(?:\.([0#?]*))?|\.([0#?]+)", plain)
    if not m or "E" in plain.upper():                 # General, text (@), or a format not written here
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return f"{value:.15g}" if isinstance(value, float) else str(value)
    decimals = len(m.group(1) or m.group(2) or "")
    shown = value * 100 if percent else value
    text = f"{shown:,.{decimals}f}" if re.search(r",[0#?]", m.group(0)) else f"{shown:.{decimals}f}"
    return text + ("%" if percent else "")


def _format_date(value: dt.datetime | dt.date | dt.time, number_format: str) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S") if value.second else value.strftime("%H:%M")
    if "年" in (number_format or ""):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.datetime) and (value.hour, value.minute, value.second) != (0, 0, 0):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def _cell_text(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _format_number(value, number_format)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return _format_date(value, number_format)
    return "".join(str(value).splitlines())      # a wrapped cell (Alt+Enter) reads on as one


def _sheets_xlsx(path: Path) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        return [[_cell_line([_cell_text(c.value, getattr(c, "number_format", "General")) for c in row])
                 for row in sheet.iter_rows()] for sheet in book.worksheets]
    finally:
        book.close()


def _sheets_xls(path: Path) -> list[list[str]]:
    import xlrd

    book = xlrd.open_workbook(str(path), formatting_info=True)
    sheets = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            cells = []
            for cell in sheet.row(r):
                fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str if cell.xf_index is not None else ""
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    cells.append(_cell_text(float(cell.value), fmt))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(_cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), fmt))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    cells.append(_cell_text(bool(cell.value), fmt))
                elif cell.ctype == xlrd.XL_CELL_TEXT:
                    cells.append(_cell_text(cell.value, fmt))
                else:                                   # empty, blank, error
                    cells.append("")
            rows.append(_cell_line(cells))
        sheets.append(rows)
    return sheets


def xlsx_text(path: Path) -> str:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xls"):
        raise ValueError(f"{path}: not an Excel workbook (.xlsx or .xls)")
    try:
        sheets = _sheets_xls(path) if suffix == ".xls" else _sheets_xlsx(path)
    except Exception as exc:                       # noqa: BLE001 - openpyxl and xlrd raise several kinds
        raise ValueError(f"{path} cannot be read as an Excel {suffix} workbook ({type(exc).__name__}: {exc}): "
                         "open it in Excel or WPS and save it again") from exc
    pages = []
    for rows in sheets:
        while rows and not rows[-1]:
            rows.pop()                               # formatting often reaches far below the last value
        pages.append("\n".join(rows))
    text = "\n \n".join(pages)
    if not text.strip():
        raise ValueError(f"{path} has no values in its sheets")
    return text + "\n"
