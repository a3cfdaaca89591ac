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
