"""Every output against the validator its real consumers use, on the bundled site built with
its address set (as it is published):

- every page: the W3C Nu HTML validator (npm vnu-jar, run with Java), 0 errors;
- data.json: the DCAT-US v1.1 non-federal JSON Schema (vendored from ckanext-datajson in
  tests/fixtures/dcat-us-1.1/), with jsonschema's "uri" format checked as harvesters do;
- sitemap.xml: the sitemaps.org XSD (vendored in tests/fixtures/), listing every public page;
- feed.xml: feedparser, as feed readers parse it;
- the zip: frictionless validates the Data Package it holds;
- the SQLite database: datasette inspects it, as it serves it;
- the workbooks: openpyxl opens every one.

The Java validator is skipped where Java or node_modules/vnu-jar is missing, except in CI
(CI=true), where .ci/run installs both and a missing validator is a failure.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_build

BASE = "https://example.org/gd-funds/"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("published") / "site"
    result = run_build("--out", str(site), "--site-url", BASE)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_passes_the_w3c_nu_validator(published):
    java = shutil.which("java")
    if java is None or not VNU.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI needs Java (default-jre-headless) and node_modules/vnu-jar (npm ci)")
        pytest.skip("the W3C Nu validator needs Java and `npm ci`")
    pages = _pages(published)
    assert len(pages) > 300
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "gnu", *map(str, pages)],
                            capture_output=True, text=True, timeout=900)
    errors = [line.replace(f"file:{published}", "") for line in (result.stdout + result.stderr).splitlines() if line]
    assert errors == [] and result.returncode == 0, "\n".join(errors[:20])


def test_data_json_is_valid_dcat_us(published):
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "dcat-us-1.1").glob("*.json"))]
    registry = Registry().with_resources([(s["id"].rstrip("#"), DRAFT4.create_resource(s)) for s in schemas])
    catalog = next(s for s in schemas if s["id"].endswith("/catalog.json#"))
    checker = FormatChecker()
    assert "uri" in checker.checkers  # rfc3987 installed: relative addresses are caught, as by harvesters
    validator = Draft4Validator(catalog, registry=registry, format_checker=checker)
    data = json.loads((published / "data.json").read_text(encoding="utf-8"))
    assert [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)] == []
    assert data["dataset"][0]["landingPage"] == BASE


def test_sitemap_meets_the_sitemaps_org_schema_and_lists_every_page(published):
    import xml.etree.ElementTree as ET

    import xmlschema

    schema = xmlschema.XMLSchema(str(FIXTURES / "sitemap-0.9.xsd"))
    assert [str(e.reason) for e in schema.iter_errors(str(published / "sitemap.xml"))] == []
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text for loc in ET.parse(published / "sitemap.xml").getroot().findall("s:url/s:loc", ns)}
    pages = {BASE + (p.parent.relative_to(published).as_posix() + "/" if p.parent != published else "")
             for p in published.rglob("index.html")}
    assert pages - listed == set()


def test_feed_parses_for_feed_readers_with_absolute_links_and_own_dates(published):
    import feedparser

    feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.entries and all(entry.link.startswith(BASE) for entry in feed.entries)
    # Each release is dated by its own release date (two releases may share a day), not the build's.
    dates = {f"/releases/#v{r['version']}": f"{r['date']}T00:00:00Z"
             for r in json.loads((ROOT / "datapackage" / "releases.json").read_text(encoding="utf-8"))["releases"]}
    releases = {entry.link[len(BASE) - 1:]: entry.updated for entry in feed.entries if "/releases/#v" in entry.link}
    assert releases == dates
    # Every page announces the feed (autodiscovery).
    for page in _pages(published)[:50]:
        assert 'type="application/atom+xml"' in page.read_text(encoding="utf-8"), page


def test_the_zip_is_a_valid_data_package(published, tmp_path):
    from frictionless import validate

    with zipfile.ZipFile(published / "downloads" / "datapackage.zip") as archive:
        archive.extractall(tmp_path)
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_datasette_inspects_the_sqlite_download(published, tmp_path):
    database = tmp_path / "funds.db"
    shutil.copyfile(published / "downloads" / "gd-employment-funds.sqlite", database)
    result = subprocess.run([sys.executable, "-m", "datasette", "inspect", str(database)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["funds"]["tables"]
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in descriptor["resources"]} <= set(tables)
    assert tables["allocations"]["count"] > 0


def test_openpyxl_opens_every_workbook(published):
    from openpyxl import load_workbook

    books = sorted(published.rglob("*.xlsx"))
    assert len(books) > 100
    for book in books:
        workbook = load_workbook(book, read_only=True)
        assert workbook.sheetnames, book
        workbook.close()
