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

NOTICE = ROOT / "tests" / "fixtures" / "conghua_notice_2024.txt"   # the notice of test_new_notice.py
DOC = "cz-hrss-2024-18"
ISSUER = "广州市从化区人力资源和社会保障局"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def notice_pdf(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    text = NOTICE.read_text(encoding="utf-8")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    page_html = ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Sans CJK SC';font-size:14px}"
                 "p{margin:0 0 6px;white-space:pre}</style></head><body>" + body + "</body></html>")
    path = tmp_path_factory.mktemp("pdf") / "notice.pdf"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page()
        page.set_content(page_html)
        page.pdf(path=str(path), format="A4")
        browser.close()
    return path


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
