"""Notice text from a PDF with a text layer, in the form of the seeds: one printed line per line.

pdfplumber (pdfminer) reads the characters with their positions; a gap wider than a thin
space between two characters on one line becomes a space, as in the seed texts.  A table
drawn with borders is read through pdfplumber's table extraction, one row per line.  Each page
after the first starts with a line holding one space, like the seeds' page marks.  Scanned
PDFs have no text layer and give no text: they go through --ocr (ocr.py).

Many PDF writers map CJK glyphs to the Kangxi radical code points (U+2F00-U+2FDF, "⼈" for
"人") or to CJK radical supplements ("⺠" for "民").  Those are turned into the ideographs the
text means, and a few variant code points to the simplified characters they print as (VARIANTS);
nothing else is normalised, so full-width punctuation and typos stay as printed.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

# CJK Radicals Supplement code points with no Unicode decomposition, as PDF fonts use them.
RADICAL_SUPPLEMENT = {"⺠": "民", "⻅": "见", "⻓": "长", "⻔": "门", "⻜": "飞", "⻢": "马", "⻆": "角", "⻩": "黄",
                      "⻘": "青", "⻝": "食", "⻛": "风", "⻚": "页", "⻋": "车", "⻉": "贝", "⻄": "西", "⻬": "齐",
                      "⻰": "龙", "⻳": "龟", "⻦": "鸟", "⻥": "鱼", "⻨": "麦", "⻧": "卤", "⻤": "鬼", "⻢": "马",
                      "⺟": "母", "⺫": "目", "⺬": "示", "⺮": "竹", "⺶": "羊", "⺻": "聿", "⻊": "足", "⻁": "虎"}


# Code points some PDF fonts give for a simplified character whose glyph they share with its
# traditional or Japanese variant (seen: 戶 for 户 in a 项目支出绩效目标表). Only pairs that
# print alike: a notice in simplified Chinese never means the variant.
VARIANTS = {"戶": "户", "內": "内", "兌": "兑", "稅": "税", "吳": "吴"}


def ideographs(text: str) -> str:
    """Radical code points -> the ideographs they stand for; every other character unchanged."""
    out = []
    for ch in text:
        if "\u2f00" <= ch <= "\u2fdf":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(RADICAL_SUPPLEMENT.get(ch) or VARIANTS.get(ch, ch))
    return "".join(out)


def _lines(region) -> str:
    return region.extract_text(x_tolerance=1.5, y_tolerance=3) or ""


def page_text(page) -> str:
    """A page's text, top to bottom. A table drawn with borders comes out one row per line, its
    cells joined by a space and each cell's wrapped lines joined: read as plain text, a cell
    that wraps prints its pieces on lines of their own, interleaved with the other cells'
    (a recipient's name split around its row's amount)."""
    tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
    if not tables:
        return _lines(page)
    left, top, right, bottom = page.bbox
    parts, y = [], top
    for table in tables:
        _x0, table_top, _x1, table_bottom = table.bbox
        if table_top > y:
            parts.append(_lines(page.crop((left, y, right, table_top))))
        for row in table.extract():
            cells = [re.sub(r"\s*\n\s*", "", cell).strip() for cell in row if cell]
            if any(cells):
                parts.append(" ".join(cell for cell in cells if cell))
        y = max(y, table_bottom)
    if y < bottom:
        parts.append(_lines(page.crop((left, y, right, bottom))))
    return "\n".join(part for part in parts if part)


def pdf_text(path: Path) -> str:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # font-descriptor warnings are not the maintainer's business
    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            pages.append(page_text(page))
    text = "\n \n".join(pages)
    if not text.strip():
        raise ValueError(f"{path} has no text layer (a scan?): draft it with --ocr {path} instead")
    return ideographs(text) + "\n"
