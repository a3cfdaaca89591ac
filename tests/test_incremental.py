"""Rebuilds do only the work that changed, and give the same site as a fresh build."""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from openpyxl import load_workbook

from conftest import ROOT, run_build

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import Scale, generate  # noqa: E402

COUNTS = re.compile(r"XLSX twins: (\d+) written, (\d+) unchanged and carried over")
LINKED = re.compile(r"linked from the previous site: (\d+) pages, (\d+) CSVs")


def _twins(stdout: str) -> tuple[int, int]:
    match = COUNTS.search(stdout)
    assert match, stdout
    return int(match.group(1)), int(match.group(2))


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_rebuild_with_no_change_does_nothing(tmp_path):
    pkg, out = tmp_path / "pkg", tmp_path / "site"
    generate(pkg, Scale(1, 2, 2, 2, 2))
    first = run_build("--package", str(pkg), "--out", str(out))
    assert first.returncode == 0, first.stdout + first.stderr
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    again = run_build("--package", str(pkg), "--out", str(out))
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.startswith(f"Up to date: no input changed since the site in {out} was built")
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    # The search index in other bundles is another site, though no page changes.
    split = run_build("--package", str(pkg), "--out", str(out), env_extra={"FUNDSITE_SEARCH_BUNDLE_RECORDS": "10"})
    assert split.returncode == 0 and not split.stdout.startswith("Up to date"), split.stdout + split.stderr
    assert (out / "pagefind-2" / "pagefind-entry.json").is_file()


def test_one_new_document_writes_only_the_twins_it_changed(tmp_path):
    pkg, out, fresh = tmp_path / "pkg", tmp_path / "site", tmp_path / "fresh"
    generate(pkg, Scale(1, 2, 2, 3, 2))
    first = run_build("--package", str(pkg), "--out", str(out))
    assert first.returncode == 0, first.stdout + first.stderr
    written, carried = _twins(first.stdout)
    assert carried == 0 and written >= 5  # districts, documents, units: project pages have no workbook
    old = _files(out)
    old_inodes = {name: (out / name).stat().st_ino for name in old}

    generate(pkg, Scale(1, 2, 3, 3, 2))  # the same city and districts, one more year: one new notice
    second = run_build("--package", str(pkg), "--out", str(out))
    assert second.returncode == 0, second.stdout + second.stderr
    new = _files(out)
    # A page's XLSX twin is written again exactly when one of its CSVs changed, and then its
    # bytes change too; the others are carried over.
    changed_or_new = [name for name in new if name.endswith(".xlsx") and name.startswith("files/")
                      and old.get(name) != new[name]]
    written, carried = _twins(second.stdout)
    assert written == len(changed_or_new) > 0
    assert carried == len([n for n in new if n.endswith(".xlsx") and n.startswith("files/")]) - written > 0

    # Unchanged per-entity CSVs and entity pages are the published files, hard-linked, not written again.
    def linked(name):
        return (out / name).stat().st_ino == old_inodes.get(name)
    csvs = [n for n in new if n.startswith("files/") and n.endswith(".csv")]
    project_pages = [n for n in new if re.fullmatch(r"projects/[^/]+/index\.html", n)]
    for names in (csvs, project_pages):
        same = [n for n in names if old.get(n) == new[n]]
        assert same and all(linked(n) for n in same)
        assert not any(linked(n) for n in names if old.get(n) != new[n])
    pages, csv_count = map(int, LINKED.search(second.stdout).groups())
    assert pages == len([n for n in new if n.endswith("index.html") and linked(n)]) >= len(project_pages) // 2
    assert csv_count == len([n for n in csvs if linked(n)])

    # The carried-over build is byte for byte the build made from nothing.
    clean = run_build("--package", str(pkg), "--out", str(fresh))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert _twins(clean.stdout)[1] == 0
    assert new == _files(fresh)


def test_a_page_that_loses_a_table_gets_a_new_twin(tmp_path):
    """A twin is carried over only if its page has the same list of CSVs: a district whose
    projects' indicators are all removed gets a one-sheet workbook, as a fresh build makes it."""
    pkg, out, fresh = tmp_path / "pkg", tmp_path / "site", tmp_path / "fresh"
    generate(pkg, Scale(1, 2, 2, 2, 2))
    assert run_build("--package", str(pkg), "--out", str(out)).returncode == 0
    with open(pkg / "data" / "projects.csv", encoding="utf-8", newline="") as fh:
        projects = list(csv.DictReader(fh))
    district = next(p["region_id"] for p in projects if p["region_id"])
    gone = {p["project_id"] for p in projects if p["region_id"] == district}
    assert load_workbook(out / "files/districts" / f"{district}.xlsx").sheetnames == ["allocations", "indicators"]

    indicators = pkg / "data" / "indicators.csv"
    lines = indicators.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if line.split(",")[2] not in gone]
    assert len(kept) < len(lines)
    indicators.write_text("".join(kept), encoding="utf-8")
    second = run_build("--package", str(pkg), "--out", str(out))
    assert second.returncode == 0, second.stdout + second.stderr
    assert load_workbook(out / "files/districts" / f"{district}.xlsx").sheetnames == ["allocations"]
    clean = run_build("--package", str(pkg), "--out", str(fresh))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert _files(out) == _files(fresh)


RENDERED = re.compile(r"Entity pages: (\d+) rendered, (\d+) not rendered because their inputs did not change, (\d+) removed")
# Cells a series of random edits may change without making the bundled package invalid: free
# text and names that are not checked against a source text. Each is shown on pages, some only
# through a template's own lookups (a unit's short name in every link to it).
EDITABLE = [("units", "short_name"), ("units", "note"), ("regions", "note"), ("projects", "note"),
            ("indicators", "note"), ("allocations", "note"), ("documents", "short_title"),
            ("quality_notes", "note"), ("concepts", "name"), ("concepts", "summary"),
            ("plan_indicators", "note"), ("plan_tasks", "note"), ("funds", "note")]


def _pages(stdout: str) -> tuple[int, int, int]:
    match = RENDERED.search(stdout)
    assert match, stdout
    return tuple(int(n) for n in match.groups())


def _edit(pkg: Path, rng, step: int) -> str:
    """Change one random editable cell, or remove or restore a random comparison link."""
    table, column = rng.choice(EDITABLE)
    path = pkg / "data" / f"{table}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        names, rows = reader.fieldnames, list(reader)
    row = rng.choice(rows)
    row[column] = f"{row[column]}（第{step}次改）"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return f"{table}.{column} of {next(iter(row.values()))}"


def _same_site(incremental: Path, fresh: Path, what: str) -> None:
    ours, theirs = _files(incremental), _files(fresh)
    assert sorted(ours) == sorted(theirs), what
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert not differ, f"after {what}: {differ[:5]}"


def test_random_edits_rebuild_what_they_change_and_equal_a_fresh_build(tmp_path):
    """Entity pages whose inputs did not change are linked, not rendered; after every random
    edit (and after removing and restoring comparison links) the site equals a fresh build."""
    import random

    from conftest import copy_package

    rng = random.Random(20261205)
    pkg = copy_package(tmp_path)
    out = tmp_path / "site"
    _edit(pkg, rng, 0)  # unreleased from the start: every page cites "+unreleased" (one edit would change them all)
    first = run_build("--package", str(pkg), "--out", str(out))
    assert first.returncode == 0, first.stdout + first.stderr
    rendered, reused, removed = _pages(first.stdout)
    assert reused == 0 and removed == 0 and rendered > 300
    links = pkg / "data" / "concept_links.csv"
    all_links = links.read_text(encoding="utf-8")
    for step in range(1, 6):
        edits = [_edit(pkg, rng, step) for _ in range(2)]
        if step == 2:  # a removal: some comparison links go
            lines = all_links.splitlines(keepends=True)
            links.write_text("".join(lines[:1] + lines[1::2]), encoding="utf-8")
        if step == 4:  # and come back
            links.write_text(all_links, encoding="utf-8")
        what = f"step {step}: {', '.join(edits)}"
        again = run_build("--package", str(pkg), "--out", str(out))
        assert again.returncode == 0, again.stdout + again.stderr
        rendered, reused, _ = _pages(again.stdout)
        assert reused > 0, what
        fresh = run_build("--package", str(pkg), "--out", str(tmp_path / f"fresh-{step}"))
        assert fresh.returncode == 0, fresh.stdout + fresh.stderr
        _same_site(out, tmp_path / f"fresh-{step}", what)


def test_notices_added_and_removed_render_only_their_pages(tmp_path):
    """One notice more, then one fewer: the pages it adds are rendered and the ones it takes
    away removed; the unchanged ones are not rendered; each site equals a fresh build."""
    pkg, out = tmp_path / "pkg", tmp_path / "site"
    generate(pkg, Scale(1, 2, 2, 3, 2))
    assert run_build("--package", str(pkg), "--out", str(out)).returncode == 0
    old_projects = (pkg / "data" / "projects.csv").read_text(encoding="utf-8").count("\n") - 1
    for years, label in ((3, "one notice added"), (2, "that notice removed")):
        generate(pkg, Scale(1, 2, years, 3, 2))
        again = run_build("--package", str(pkg), "--out", str(out))
        assert again.returncode == 0, again.stdout + again.stderr
        rendered, reused, removed = _pages(again.stdout)
        # The first two years' projects and documents are as they were: their pages are not rendered.
        assert reused >= old_projects, (label, again.stdout)
        if years == 3:
            added = rendered
            assert removed == 0, label
        else:
            assert 0 < removed <= added, label
        fresh = run_build("--package", str(pkg), "--out", str(tmp_path / f"fresh-{years}"))
        assert fresh.returncode == 0
        _same_site(out, tmp_path / f"fresh-{years}", label)


def test_no_page_shows_a_rows_csv_line():
    """A row's line in its CSV (`_line`, for problem lines) is left out of the pages' keys
    (model.Row's repr, site/page_memo.py): a notice inserted above a row moves it without changing any page.
    That holds while no template and no rendering code reads it."""
    readers = [path for path in [*(ROOT / "templates").glob("*.j2"), *(ROOT / "fundsite" / "site").glob("*.py")]
               if path.name != "page_memo.py" and re.search(r"\b_line\b", path.read_text(encoding="utf-8"))]
    assert readers == []


def test_a_rebuild_with_nothing_changed_renders_no_page(tmp_path):
    """Every entity page's key holds all it shows: rebuilt with nothing changed (--force goes past
    the skip of an unchanged build), no page is rendered, the funds' included (their flows, the
    other listings of their money and their budget codes are in their context, not read by their
    template from the money model)."""
    out = tmp_path / "site"
    first = run_build("--out", str(out))
    assert first.returncode == 0, first.stdout + first.stderr
    assert (out / "funds").is_dir()
    again = run_build("--out", str(out), "--force")
    assert again.returncode == 0, again.stdout + again.stderr
    assert _pages(again.stdout) == (0, _pages(first.stdout)[0], 0)


def test_a_new_address_renders_every_page_but_keeps_the_package_downloads(tmp_path):
    """What every page shares changed (the site's address): every entity page is rendered again;
    the whole-package downloads are made of the package, the code and the date alone, so they
    are taken from the published site. Either way the site equals a fresh build."""
    pkg, out, fresh = tmp_path / "pkg", tmp_path / "site", tmp_path / "fresh"
    generate(pkg, Scale(1, 2, 2, 2, 2))
    first = run_build("--package", str(pkg), "--out", str(out), "--site-url", "https://a.example.org/")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Whole-package downloads:" not in first.stdout
    again = run_build("--package", str(pkg), "--out", str(out), "--site-url", "https://b.example.org/")
    assert again.returncode == 0, again.stdout + again.stderr
    rendered, reused, removed = _pages(again.stdout)
    assert reused == 0 and removed == 0 and rendered == _pages(first.stdout)[0]
    assert "Whole-package downloads: the package, the code and the date are those of the published site" in again.stdout
    clean = run_build("--package", str(pkg), "--out", str(fresh), "--site-url", "https://b.example.org/")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    _same_site(out, fresh, "a new address")


def test_a_row_digest_follows_its_content_not_its_csv_line():
    """A page's key holds a row by its repr (model.Row): a field set after the first digest, a
    copy changed later, change it; the row's line in its CSV does not."""
    import copy

    from fundsite.model import Row

    row = Row(project_id="p1", seq=1)
    first = repr(row)
    row["_line"] = 7
    assert repr(row) == first
    row["_label"] = "1"
    labelled = repr(row)
    assert labelled != first
    changed = copy.copy(row)
    changed["seq"] = 2
    assert repr(changed) != labelled and repr(row) == labelled


def test_charts_left_out_of_page_keys_read_nothing_but_their_arguments(monkeypatch):
    """A page's key records the chart calls a template makes, except those of PURE_FIGURES
    (page_memo.py), whose arguments come from the page's context: each must draw the same chart
    with no model and no renderer to read."""
    from fundsite.check.package import check_package
    from fundsite.site.downloads import pin_build_date
    from fundsite.site.figures import Figures
    from fundsite.site.page_memo import PURE_FIGURES
    from fundsite.site.render import render_site

    calls = []
    originals = {name: getattr(Figures, name) for name in PURE_FIGURES}

    def recording(name):
        def call(self, *args):
            result = originals[name](self, *args)
            calls.append((name, args, result))
            return result
        return call

    for name in PURE_FIGURES:
        monkeypatch.setattr(Figures, name, recording(name))
    model, problems = check_package(ROOT / "datapackage", "datapackage")
    assert problems == []
    pin_build_date(model)
    render_site(model)

    class Unreadable:
        def __getattr__(self, name):
            raise AssertionError(f"a chart of PURE_FIGURES read {name}")

    blind = Figures.__new__(Figures)
    blind.r = blind.m = Unreadable()
    assert {name for name, _args, _result in calls} == PURE_FIGURES  # the bundled data draws each
    for name, args, result in calls:
        assert originals[name](blind, *args) == result, name
