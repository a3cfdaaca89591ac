"""Whole-package and per-entity downloads, opened with real readers and compared with the CSVs."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import FIXED_EPOCH, ROOT, read_rows, run_build
from fundsite.site import downloads
from fundsite import releases
from fundsite.check.package import check_package

PKG = ROOT / "datapackage"
LATEST = releases.read_log(PKG)[-1]  # the release the bundled package is at


def _shown_release() -> tuple[str, str]:
    """The version and date the site names for the bundled package: its latest release's, or, while
    the package holds changes made since (a branch before the lead releases it), "<version>+unreleased"
    and the package's created date (downloads.package_meta)."""
    from fundsite.load import load_package

    current, _problems = load_package(PKG, "datapackage")
    unreleased = releases.release_views(PKG, current)[1]
    if not unreleased:
        return LATEST["version"], LATEST["date"]
    return f'{current.descriptor["version"]}+unreleased', str(current.descriptor.get("created", ""))[:10]


SHOWN_VERSION, SHOWN_DATE = _shown_release()
ATOM = "{http://www.w3.org/2005/Atom}"
ARTEFACTS = ["datapackage.zip", "gd-employment-funds.xlsx", "gd-employment-funds.json", "gd-employment-funds.sqlite"]


@pytest.fixture(scope="module")
def model():
    m, problems = check_package(PKG, "datapackage")
    assert problems == []
    return m


def _published(model) -> tuple[str, str]:
    """The version and date the downloads name: the latest release's; while the package holds
    changes no release has named yet (curated work between releases), "<version>+unreleased" and
    the package's created date (downloads.package_meta)."""
    if model.releases[1]:
        return f'{model.descriptor["version"]}+unreleased', str(model.descriptor["created"])[:10]
    return LATEST["version"], LATEST["date"]


@pytest.fixture(scope="module")
def csv_tables(model) -> dict[str, list[dict]]:
    return {name: read_rows(PKG / res["path"])[1]
            for res in model.descriptor["resources"] for name in [res["name"]]}


def _types(model, table):
    return {f["name"]: f.get("type", "string") for f in model.schemas[table]["fields"]}


# -- byte-reproducible ---------------------------------------------------------
def test_same_input_same_bytes_in_process(model, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    meta = downloads.package_meta(model, [])
    epoch = downloads.source_epoch(model.descriptor)
    first = downloads.build_package_downloads(model, meta, epoch)
    second = downloads.build_package_downloads(model, meta, epoch)
    assert list(first) == ARTEFACTS
    for name in ARTEFACTS:
        assert first[name] == second[name], name
    rows = model.rows("allocations")[:20]
    tables = [("allocations", rows), ("indicators", model.rows("indicators")[:20])]
    assert downloads.page_workbook(tables, model.schemas, model.descriptor) == \
        downloads.page_workbook(tables, model.schemas, model.descriptor)


def _generated(site: Path) -> dict[str, bytes]:
    paths = [p for p in (site / "downloads").iterdir() if p.suffix != ".html"]
    paths += [site / "data.json", site / "feed.xml"] + sorted((site / "files").rglob("*"))
    return {str(p.relative_to(site)): p.read_bytes() for p in paths if p.is_file()}


def test_two_builds_give_identical_downloads(built_site, tmp_path):
    """A second `python build.py` of the same input reproduces every download byte for byte."""
    again = tmp_path / "again"
    result = run_build("--out", str(again))
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = _generated(built_site), _generated(again)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    assert len([n for n in first if n.endswith(".xlsx")]) > 100


def test_zip_entries_are_fixed(built_site):
    with zipfile.ZipFile(built_site / "downloads/datapackage.zip") as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert "datapackage.json" in names and "data/allocations.csv" in names and "schemas/allocations.json" in names
    assert {i.date_time for i in infos} == {(2024, 6, 11, 0, 0, 0)}  # FIXED_EPOCH
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


# -- datapackage.zip -------------------------------------------------------------
def test_zip_is_the_package_as_is_and_validates(built_site, model, tmp_path):
    from frictionless import validate as fl_validate

    with zipfile.ZipFile(built_site / "downloads/datapackage.zip") as zf:
        zf.extractall(tmp_path / "unzipped")
        for name in zf.namelist():
            assert zf.read(name) == (PKG / name).read_bytes(), name
    report = fl_validate(str(tmp_path / "unzipped" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert len(report.tasks) == len(model.tables)


# -- XLSX ----------------------------------------------------------------------------
def test_workbook_has_readme_then_one_sheet_per_table(built_site, model, csv_tables):
    wb = load_workbook(built_site / "downloads/gd-employment-funds.xlsx")
    assert wb.sheetnames == ["README"] + list(model.tables)
    readme = [[c for c in row if c is not None] for row in wb["README"].iter_rows(values_only=True)]
    flat = " ".join(str(c) for row in readme for c in row)
    assert LATEST["version"] in flat and "CC-BY-4.0" in flat and "[Data set]" in flat
    for name, rows in csv_tables.items():
        assert [len(rows)] == [r[2] for r in readme if r and r[0] == name], name
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        assert header == [f["name"] for f in model.schemas[name]["fields"]]
        assert all(c.font.b for c in ws[1])
        assert ws.cell(1, 1).comment is not None and ws.cell(1, 1).comment.text
        assert ws.max_row == len(rows) + 1, name


def _check_sheet_values(ws, rows: list[dict], types: dict[str, str]) -> int:
    """Every cell of the sheet equals the CSV cell, read by type."""
    header = [c.value for c in ws[1]]
    checked = 0
    for csv_row, cells in zip(rows, ws.iter_rows(min_row=2)):
        for name, cell in zip(header, cells):
            raw, value = csv_row[name], cell.value
            kind = types[name]
            if raw == "":
                assert value is None, (name, value)
            elif kind == "integer":
                assert isinstance(value, int) and not isinstance(value, bool) and value == int(raw), (name, raw, value)
            elif kind == "number":
                assert cell.data_type == "n" and float(value) == float(raw), (name, raw, value)
                places = len(raw.split(".")[1]) if "." in raw else 0
                if places:
                    assert cell.number_format == "0." + "0" * places
            elif kind == "boolean":
                assert value is (raw == "true"), (name, raw, value)
            elif kind == "date":
                assert value.date().isoformat() == raw
            else:
                assert cell.data_type == "s" and value == raw, (name, raw, value)
            checked += 1
    return checked


def test_workbook_values_match_the_csvs(built_site, model, csv_tables):
    wb = load_workbook(built_site / "downloads/gd-employment-funds.xlsx")
    for name, rows in csv_tables.items():
        assert _check_sheet_values(wb[name], rows, _types(model, name)) > 0


def test_workbook_opens_in_libreoffice_as_the_csvs(built_site, model, tmp_path):
    """A real spreadsheet reads every sheet of the whole-package workbook back as the package's
    CSV, cell for cell (it shows booleans as TRUE/FALSE)."""
    import shutil
    import subprocess

    from test_new_notice_office import needs

    needs(shutil.which("soffice") is not None, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(tmp_path), str(built_site / "downloads/gd-employment-funds.xlsx")],
                   check=True, capture_output=True, timeout=300)
    for resource in model.descriptor["resources"]:
        with open(PKG / resource["path"], encoding="utf-8", newline="") as fh:
            expected = [[{"true": "TRUE", "false": "FALSE"}.get(cell, cell) for cell in row] for row in csv.reader(fh)]
        with open(tmp_path / f"gd-employment-funds-{resource['name']}.csv", encoding="utf-8", newline="") as fh:
            got = list(csv.reader(fh))
        assert got == expected, resource["name"]


_DOWNLOADS_BOX = re.compile(r'<div class="fs-downloads">(.*?)</div>')
_LINK = re.compile(r'<a href="([^"]+)" download>(CSV|XLSX)</a>')


def _page_downloads(page: Path) -> tuple[list[str], list[str]]:
    """The CSV and XLSX files a page's download box links to, as paths under the site."""
    box = _DOWNLOADS_BOX.search(page.read_text(encoding="utf-8"))
    links = _LINK.findall(box.group(1)) if box else []
    resolve = lambda href: (page.parent / href).resolve()  # noqa: E731
    return [resolve(h) for h, kind in links if kind == "CSV"], [resolve(h) for h, kind in links if kind == "XLSX"]


def test_every_page_xlsx_holds_its_csvs_a_sheet_each(built_site, model):
    """Each page with downloads links one XLSX: a sheet per CSV of the page, in the same order,
    with the same rows. Project pages (#19's decision) link their CSVs and say which pages'
    workbooks hold their rows."""
    pages = [p for p in sorted(built_site.rglob("index.html")) if 'class="fs-downloads"' in p.read_text(encoding="utf-8")]
    assert len(pages) > 250
    csv_count = 0
    for page in pages:
        csvs, workbooks = _page_downloads(page)
        if page.parent.parent.name == "projects":
            box = _DOWNLOADS_BOX.search(page.read_text(encoding="utf-8")).group(1)
            assert workbooks == [] and csvs and "Excel、WPS 用的 XLSX：本页的行在" in box, page
            assert 'href="../../downloads/#files">全部数据</a>' in box, page
            csv_count += len(csvs)
            continue
        assert len(workbooks) == 1 and csvs, page
        wb = load_workbook(workbooks[0], read_only=True)
        tables = wb.sheetnames
        assert len(tables) == len(csvs), page
        for path, table in zip(csvs, tables):
            header, rows = read_rows(path)
            schema = "allocations" if table == "budgets" else table  # a page's budgets are allocation rows too
            assert header == [f["name"] for f in model.schemas[schema]["fields"]], (page, table)
            assert wb[table].max_row == len(rows) + 1, (page, table)
        csv_count += len(csvs)
    assert csv_count == len(list((built_site / "files").rglob("*.csv")))
    # Every value, typed, in four of them.
    for workbook, sheets in [
            ("districts/huadu", [("allocations", "districts/huadu-allocations"), ("budgets", "districts/huadu-budgets"),
                                 ("indicators", "districts/huadu-indicators")]),
            ("documents/huadu-ec-targets", [("allocations", "documents/huadu-ec-targets-allocations"),
                                            ("indicators", "documents/huadu-ec-targets-indicators"),
                                            ("stated_totals", "documents/huadu-ec-targets-stated-totals")]),
            ("plans/gz-hrss-14fyp", [("plan_indicators", "plans/gz-hrss-14fyp-indicators"), ("plan_tasks", "plans/gz-hrss-14fyp-tasks"),
                                     ("glossary", "plans/gz-hrss-14fyp-glossary")]),
            ("data-quality", [("quality_notes", "quality-notes")])]:
        wb = load_workbook(built_site / "files" / f"{workbook}.xlsx")
        assert wb.sheetnames == [table for table, _ in sheets]
        for table, csv_name in sheets:
            ws = wb[table]
            assert ws.freeze_panes == "A2" and all(c.font.b for c in ws[1])
            _, rows = read_rows(built_site / "files" / f"{csv_name}.csv")
            schema = "allocations" if table == "budgets" else table
            assert _check_sheet_values(ws, rows, _types(model, schema)) == len(rows) * len(model.schemas[schema]["fields"]) > 0


def test_entity_xlsx_text_is_never_a_formula(model):
    text = '=HYPERLINK("http://x","y") & <b>"q"</b>'
    row = dict(model.rows("quality_notes")[0], note=text + "\x01")
    data = downloads.page_workbook([("quality_notes", [row])], model.schemas, model.descriptor)
    ws = load_workbook(io.BytesIO(data))["quality_notes"]
    names = [c.value for c in ws[1]]
    cell = ws.cell(2, names.index("note") + 1)
    assert cell.data_type == "s" and cell.value == text + "\ufffd"


def test_pages_link_both_csv_and_xlsx(built_site):
    html = (built_site / "districts/huadu/index.html").read_text(encoding="utf-8")
    assert 'href="../../files/districts/huadu-allocations.csv"' in html
    assert 'href="../../files/districts/huadu-indicators.csv"' in html
    assert 'href="../../files/districts/huadu-budgets.csv"' in html  # the unit's own budget, apart from money handed down
    assert ('全部表格 <a href="../../files/districts/huadu.xlsx" download>XLSX</a>（3 个工作表，与上列 CSV 一一对应；用 Excel、WPS 打开请选 XLSX，CSV 为 UTF-8 编码）'
            in html)


# -- JSON ------------------------------------------------------------------------------
def test_json_has_typed_exact_values(built_site, model, csv_tables):
    text = (built_site / "downloads/gd-employment-funds.json").read_text(encoding="utf-8")
    as_text = json.loads(text, parse_float=lambda s: ("float", s), parse_int=lambda s: ("int", s))
    data = json.loads(text)
    assert data["package"]["name"] == model.descriptor["name"]
    assert data["package"]["version"] == _published(model)[0]
    assert isinstance(data["package"]["resources"][0]["schema"], dict)
    assert list(data["tables"]) == list(model.tables)
    for name, rows in csv_tables.items():
        types = _types(model, name)
        assert len(as_text["tables"][name]) == len(rows), name
        for csv_row, row in zip(rows, as_text["tables"][name]):
            assert list(row) == list(types)
            for field, raw in csv_row.items():
                value = row[field]
                if raw == "":
                    assert value is None
                elif types[field] in ("integer", "number"):
                    assert isinstance(value, tuple) and value[1] == raw, (name, field, raw, value)  # the CSV's digits
                elif types[field] == "boolean":
                    assert value is (raw == "true")
                else:
                    assert value == raw
    assert sum(r["amount_yuan"] for r in data["tables"]["allocations"]) == sum(int(r["amount_yuan"]) for r in csv_tables["allocations"])


# -- SQLite -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def db(built_site):
    con = sqlite3.connect(f"file:{built_site / 'downloads/gd-employment-funds.sqlite'}?mode=ro", uri=True)
    yield con
    con.close()


def test_sqlite_tables_rows_and_types(db, model, csv_tables):
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY rowid")]
    assert tables == list(model.tables)
    for name, rows in csv_tables.items():
        assert db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(rows)
        info = {r[1]: (r[2], r[5]) for r in db.execute(f'PRAGMA table_info("{name}")')}
        pk = model.schemas[name]["primaryKey"]
        for field in model.schemas[name]["fields"]:
            expected = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER"}.get(field["type"], "TEXT")
            assert info[field["name"]][0] == expected
            assert (info[field["name"]][1] > 0) == (field["name"] in pk)
    assert db.execute('SELECT sum(amount_yuan) FROM allocations').fetchone()[0] == sum(int(r["amount_yuan"]) for r in csv_tables["allocations"])
    first = csv_tables["indicators"][0]
    row = db.execute('SELECT value, part FROM indicators WHERE indicator_id = ?', (first["indicator_id"],)).fetchone()
    assert row == ((float(first["value"]) if first["value"] else None), int(first["part"]))
    assert db.execute("SELECT typeof(is_lead) FROM plan_task_units LIMIT 1").fetchone()[0] == "integer"


def test_sqlite_keys_and_indexes(db, model):
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for name, schema in model.schemas.items():
        fks = db.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()
        assert len(fks) == len(schema.get("foreignKeys", [])), name
        indexed = set()
        for (index_name,) in db.execute(f"SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=?", (name,)):
            cols = [r[2] for r in db.execute(f'PRAGMA index_info("{index_name}")')]
            if cols:
                indexed.add(cols[0])
        for fk in schema.get("foreignKeys", []):
            assert fk["fields"] in indexed, (name, fk["fields"])
    fk_targets = {(r[2], r[3], r[4]) for r in db.execute('PRAGMA foreign_key_list("projects")')}
    assert ("projects", "parent_project_id", "project_id") in fk_targets


# -- the downloads page, data.json, feed.xml --------------------------------------------------
def test_downloads_page_shows_sizes_checksums_licence_and_citation(built_site, model):
    html = (built_site / "downloads/index.html").read_text(encoding="utf-8")
    for name in ARTEFACTS:
        data = (built_site / "downloads" / name).read_bytes()
        assert f'href="{name}"' in html
        assert hashlib.sha256(data).hexdigest() in html
        assert f"{len(data):,} 字节" in html
    version, date = _published(model)
    assert "CC-BY-4.0" in html and f"版本 {version}（{date}）" in html and f"version {version} ({date})" in html


def test_data_json_is_a_dcat_catalogue_of_the_downloads(built_site, model):
    catalogue = json.loads((built_site / "data.json").read_text(encoding="utf-8"))
    assert catalogue["@type"] == "dcat:Catalog" and catalogue["conformsTo"].startswith("https://project-open-data.cio.gov/v1.1")
    (dataset,) = catalogue["dataset"]
    for key in ("title", "description", "keyword", "modified", "publisher", "license", "identifier", "accessLevel"):
        assert dataset[key], key
    assert (dataset["version"], dataset["modified"]) == _published(model)
    assert {d["title"] for d in dataset["distribution"]} == set(ARTEFACTS) | {"flows.csv", "flows.xlsx", "budgets.csv", "budgets.xlsx",
                                                                                "view-rows.csv", "view-rows.xlsx"}
    for dist in dataset["distribution"]:
        target = built_site / dist["downloadURL"]  # relative to the site root while site_url is empty
        data = target.read_bytes()
        assert dist["byteSize"] == len(data)
        assert dist["checksum"] == {"algorithm": "sha256", "checksumValue": hashlib.sha256(data).hexdigest()}
        assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", dist["mediaType"])
    for ref in [dataset["describedBy"], *dataset["references"]]:
        assert (built_site / ref).exists(), ref


def test_atom_feed_is_valid_and_its_links_resolve(built_site):
    root = ET.parse(built_site / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    entries = root.findall(f"{ATOM}entry")
    log = releases.read_log(PKG)
    assert len(entries) == len(log) + sum(len(e["documents_added"]) for e in log)  # each release and the documents it added
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", i) for i in ids)
    for entry in entries:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.findtext(f"{ATOM}updated"))
        assert entry.findtext(f"{ATOM}title")
        href = entry.find(f"{ATOM}link").get("href")
        path, _, anchor = href.partition("#")
        page = built_site / path / "index.html"
        assert page.is_file(), href
        if anchor:
            assert f'id="{anchor}"' in page.read_text(encoding="utf-8")


def test_data_dictionary_lists_every_table_and_field(built_site, model):
    html = (built_site / "data-dictionary/index.html").read_text(encoding="utf-8")
    for name, schema in model.schemas.items():
        assert f'id="{name}"' in html
        for field in schema["fields"]:
            assert f'id="{name}.{field["name"]}"' in html
    assert "performance-table" in html  # an enum value
    assert "^[a-z0-9]+(?:-[a-z0-9]+)*$" in html  # a pattern
    assert "330-333" in html  # a schema example
