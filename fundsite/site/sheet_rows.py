"""The rows of an XLSX workbook, written as sheet XML straight into the workbook's zip.

XlsxWriter lays the workbook out: its styles, properties, column widths, frozen panes and the
comments on the header. Going through its cell API costs about 8 µs a cell, and the
whole-package workbook alone has millions of cells (a 21,000-project package: 30 CPU-seconds).
So the workbook is first made without any cell (a skeleton: a few KB), then copied member by
member into the target zip, each sheet with its rows, header first, as its <sheetData>:
made row by row into a temporary file (never the whole sheet in memory), whose size tells
zipfile whether the member needs zip64.

The cells are the ones XlsxWriter writes in its constant_memory mode, value for value: inline
strings (each sheet stands alone, no shared-string table), numbers as %.16G, dates as serial
days, booleans as 0/1, a format index where the cell has one. Excel's limits hold as they did:
a string is cut at 32,767 UTF-16 units, rows stop at 1,048,576 (the caller checks the count).
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal

MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included
MAX_STRING = 32_767  # Excel's characters per cell, in UTF-16 units
# Characters XML 1.0 cannot hold: shown as U+FFFD rather than as Excel's _xHHHH_ escapes.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Anything that needs more than copying: XML's specials, a carriage return (Excel's _x000D_),
# text Excel would read as one of its own _xHHHH_ escapes, and what XML cannot hold.
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_ESCAPE_OF_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_DATE_ZERO = dt.date(1899, 12, 31)
_FLUSH_EVERY = 2_000  # rows per write into the temporary file


def column_names(count: int) -> list[str]:
    """'A', 'B', … for the first count columns."""
    names = []
    for col in range(count):
        name, col = "", col + 1
        while col:
            col, rem = divmod(col - 1, 26)
            name = chr(65 + rem) + name
        names.append(name)
    return names


def _text(value: str) -> str:
    """A string as the <t> of an inline string cell (with its whitespace attribute)."""
    if len(value) > MAX_STRING // 2 and len(value.encode("utf-16-le", "surrogatepass")) // 2 > MAX_STRING:
        value = _utf16_prefix(value, MAX_STRING)
    if _SPECIAL.search(value):
        value = XML_ILLEGAL.sub("\ufffd", value)
        value = _ESCAPE_OF_ESCAPE.sub(r"_x005F\1", value).replace("\r", "_x000D_")
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _utf16_prefix(value: str, units: int) -> str:
    length = 0
    for index, char in enumerate(value):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > units:
            return value[:index]
    return value


class CellStyles:
    """The format indexes the rows use: bold, date, and one per count of decimals (0-10)."""

    def __init__(self, bold: int, date: int, decimals: list[int]):
        self.bold, self.date, self.decimals = bold, date, decimals


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def row_xml(number: int, row, columns: list[str], styles: CellStyles, bold: bool) -> str:
    """One <row>: number is its 1-based row number."""
    n = str(number)
    cells = [f'<row r="{n}">']
    add = cells.append
    b = f' s="{styles.bold}"' if bold else ""
    for col, value in zip(columns, row):
        kind = value.__class__
        if kind is str:
            add(f'<c r="{col}{n}"{b} t="inlineStr"><is>{_text(value)}</is></c>')
        elif value is None:
            if bold:
                add(f'<c r="{col}{n}"{b}/>')
        elif kind is bool:
            add(f'<c r="{col}{n}"{b} t="b"><v>{int(value)}</v></c>')
        elif kind is int:
            add(f'<c r="{col}{n}"{b}><v>{value:.16G}</v></c>')
        elif kind is Decimal:
            if value.is_finite():
                number = float(value)
                if math.isfinite(number):
                    style = styles.decimals[min(_decimal_places(value), 10)]
                    add(f'<c r="{col}{n}" s="{style}"><v>{number:.16G}</v></c>')
                else:  # beyond a spreadsheet number (1E+400): kept as the text it was
                    add(f'<c r="{col}{n}"{b} t="inlineStr"><is>{_text(str(value))}</is></c>')
        elif isinstance(value, dt.date):
            days = (dt.date(value.year, value.month, value.day) - _DATE_ZERO).days
            days += days > 59  # Excel's 1900 leap-year day
            add(f'<c r="{col}{n}" s="{styles.date}"><v>{days}</v></c>')
        else:
            add(f'<c r="{col}{n}"{b} t="inlineStr"><is>{_text(str(value))}</is></c>')
    add("</row>")
    return "".join(cells)


class SheetRows:
    """A sheet's rows: its header (row 1), then rows; bold_rows index into [header] + rows."""

    def __init__(self, header: list, rows, width: int, bold_rows: tuple[int, ...]):
        self.header, self.rows, self.width, self.bold_rows = header, rows, width, set(bold_rows)

    def count(self) -> int:
        return min(1 + len(self.rows), MAX_ROWS)

    def chunks(self, styles: CellStyles):
        columns = column_names(self.width)
        bold_rows, parts = self.bold_rows, []
        for number, row in enumerate(itertools.chain([self.header], self.rows)):
            if number >= MAX_ROWS:
                break
            parts.append(row_xml(number + 1, row, columns, styles, number in bold_rows))
            if len(parts) == _FLUSH_EVERY:
                yield "".join(parts).encode("utf-8")
                parts = []
        if parts:
            yield "".join(parts).encode("utf-8")


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_SHEET_DATA = re.compile(rb"<sheetData/>|<sheetData>.*?</sheetData>", re.S)


def fill_skeleton(skeleton: bytes, target, fills: dict[str, SheetRows], styles: CellStyles) -> None:
    """Copy the skeleton workbook into target (a path or a binary file), every member as it was
    except the sheets named in fills ('xl/worksheets/sheet2.xml'), whose <sheetData> becomes
    their rows and whose dimension covers them. zlib's default level, as XlsxWriter's: level 1
    would save a second in 21,000 projects' workbook and make it 40% larger."""
    with zipfile.ZipFile(io.BytesIO(skeleton)) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            fill = fills.get(info.filename)
            if fill is None:
                out.writestr(info, data)
                continue
            ref = f"A1:{column_names(fill.width)[-1]}{fill.count()}" if fill.width else "A1"
            data = _DIMENSION.sub(f'<dimension ref="{ref}"/>'.encode(), data, count=1)
            # The skeleton has no cell: its <sheetData> is empty, or holds the empty row a comment
            # on the header leaves; the rows replace it whole.
            found = _SHEET_DATA.search(data)
            head, tail = data[:found.start()] + b"<sheetData>", b"</sheetData>" + data[found.end():]
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type, member.create_system = info.compress_type, info.create_system
            member.external_attr = info.external_attr
            with tempfile.TemporaryFile() as xml:
                # The sheet's size must be known before it goes in: zipfile uses zip64 (which
                # Excel may ask to repair) only for a member it knows is past 2 GiB.
                xml.write(head)
                for chunk in fill.chunks(styles):
                    xml.write(chunk)
                xml.write(tail)
                member.file_size = xml.tell()
                xml.seek(0)
                with out.open(member, "w") as stream:
                    shutil.copyfileobj(xml, stream, 1 << 20)
