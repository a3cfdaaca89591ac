"""A notice given as a PDF is drafted like its text: the PDF is printed from the test notice by Chromium."""
from __future__ import annotations

import csv
import html
import io
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, copy_package
from fundsite.draft.pdf import VARIANTS, ideographs

NOTICE = ROOT / "tests" / "fixtures" / "conghua_notice_2024.txt"   # the notice of test_new_notice.py
DOC = "cz-hrss-2024-18"
ISSUER = "广州市从化区人力资源和社会保障局"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


STYLE = "body{font-family:'Noto Sans CJK SC';font-size:14px}p{margin:0 0 6px;white-space:pre}"


def _print_pdf(body: str, style: str, path):
    """The HTML body printed to a PDF by Chromium, as a maintainer's notice would come."""
    sync_api = pytest.importorskip("playwright.sync_api")
    page_html = f"<html><head><meta charset='utf-8'><style>{STYLE}{style}</style></head><body>{body}</body></html>"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        page.set_content(page_html)
        page.pdf(path=str(path), format="A4")
        browser.close()
    return path


@pytest.fixture(scope="module")
def notice_pdf(tmp_path_factory):
    text = NOTICE.read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    return _print_pdf(body, "", tmp_path_factory.mktemp("pdf") / "notice.pdf")


@pytest.fixture(scope="module")
def bordered_pdf(tmp_path_factory):
    """The same notice with its allocation table drawn with borders and narrow columns, so that
    recipients and purposes wrap inside their cells, as in many printed notices."""
    parts, rows = [], []
    for line in (line for line in NOTICE.read_text(encoding="utf-8").split("\n") if line.strip()):
        cells = line.split()
        if line.startswith(("序号", "合计")) or (cells[0] in ("1", "2", "3") and len(cells) >= 5):
            rows.append(cells)
            continue
        if rows:
            parts.append("<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                                             for row in rows) + "</table>")
            rows = []
        parts.append(f"<p>{html.escape(line)}</p>")
    style = "table{border-collapse:collapse}td{border:1px solid #000;padding:4px 8px;max-width:120px}"
    return _print_pdf("".join(parts), style, tmp_path_factory.mktemp("bordered") / "notice.pdf")


def _drafted(tmp_path, *source):
    pkg = copy_package(tmp_path)
    review = tmp_path / "review"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "new_notice.py"), "draft", *source, "--id", DOC,
                             "--issuer", ISSUER, "--package", str(pkg), "--review", str(review)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    tables = {}
    for path in sorted(review.glob("*.csv")):
        tables[path.stem] = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return tables, (review / "source.txt").read_text(encoding="utf-8")


def test_pdf_drafts_the_same_rows_as_the_text(notice_pdf, tmp_path):
    from_pdf, source = _drafted(tmp_path / "a", "--pdf", str(notice_pdf))
    from_text, _ = _drafted(tmp_path / "b", "--text", str(NOTICE))
    # Chromium's font maps "人" to the Kangxi radical "⼈"; the reader gives back the ideograph
    assert "广州市从化区人力资源和社会保障局" in source and "\u2f08" not in source
    fields = {"allocations": ("recipient_unit_id", "region_id", "amount_raw", "amount_yuan", "content_text"),
              "indicators": ("level1", "level2", "name", "operator", "value", "unit", "value_raw"),
              "units": ("name",), "stated_totals": ("label_raw", "amount_raw"),
              "documents": ("title", "doc_number", "issue_date", "region_id", "issuer_unit_id")}
    for table, names in fields.items():
        assert [[r[f] for f in names] for r in from_pdf[table]] == [[r[f] for f in names] for r in from_text[table]], table
    assert len(from_pdf["allocations"]) == 3 and len(from_pdf["indicators"]) == 4


def test_a_table_drawn_with_borders_reads_one_row_per_line(bordered_pdf, tmp_path):
    """Wrapped cells of a bordered table no longer interleave with their row's other cells."""
    from_pdf, source = _drafted(tmp_path / "a", "--pdf", str(bordered_pdf))
    from_text, _ = _drafted(tmp_path / "b", "--text", str(NOTICE))
    assert "1 广州市从化区劳动就业服务管理中心 从化区 150.00 就业创业服务补贴" in source.split("\n")
    fields = ("recipient_unit_id", "region_id", "amount_raw", "amount_yuan", "content_text")
    assert [[r[f] for f in fields] for r in from_pdf["allocations"]] == [[r[f] for f in fields] for r in from_text["allocations"]]
    assert len(from_pdf["allocations"]) == 3


@pytest.mark.parametrize("variant, simplified", sorted(VARIANTS.items()))
def test_variant_code_points_read_as_the_simplified_character_they_print(variant, simplified):
    assert ideographs(f"困难{variant}的帮扶") == f"困难{simplified}的帮扶"
    assert ideographs("⼈⺠") == "人民"  # Kangxi radical and radical supplement forms
