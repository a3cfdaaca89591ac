"""Versioned releases: the log, the snapshots, the diff by primary key, scripts/release.py and the releases page."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, ROOT, copy_package, read_rows, run_build, write_rows
from fundsite import releases
from fundsite.check.package import check_package
from fundsite.load import load_package
from fundsite.site.render import render_site

PKG = ROOT / "datapackage"


def _tables(path: Path):
    pkg, problems = load_package(path, "pkg")
    assert problems == []
    return releases.tables_of(pkg)


def _release(pkg: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts/release.py"), "--package", str(pkg), *args],
                          capture_output=True, text=True, timeout=300)


def released_copy(tmp_path: Path) -> Path:
    """A copy of the package exactly as last released (work in progress in datapackage/ left out).

    Where the site's current rules or contract refuse that snapshot (work in progress added a
    table, a field or a rule the last release predates), the work in progress is released in the
    copy instead, at the step it needs, so that the copy is again a package as last released."""
    pkg = _snapshot_copy(tmp_path)
    if not check_package(pkg, "pkg")[1]:
        return pkg
    shutil.rmtree(pkg)
    pkg = copy_package(tmp_path)
    latest = releases.read_log(pkg)[-1]
    current, _problems = load_package(pkg, "pkg")
    old = releases.tables_of(releases.load_snapshot(pkg, latest["version"]))
    diffs = releases.diff_tables(old, releases.tables_of(current))
    major, minor, patch = (int(x) for x in latest["version"].split("."))
    step = releases.required_bump(diffs)
    version = {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0"}.get(step, f"{major}.{minor}.{patch + 1}")
    changed = ",".join(sorted(releases.changes_by_document(diffs, old, releases.tables_of(current))))
    result = _release(pkg, "--version", version, "--date", _day(pkg, 1), "--summary", "进行中的更改 / Work in progress",
                      "--include", changed)
    assert result.returncode == 0, result.stdout + result.stderr
    return pkg


def _snapshot_copy(tmp_path: Path) -> Path:
    pkg = copy_package(tmp_path)
    latest = releases.read_log(pkg)[-1]["version"]
    snapshot = releases.snapshot_path(pkg, latest)
    for folder in ("data", "schemas"):
        shutil.rmtree(pkg / folder)
        shutil.copytree(snapshot / folder, pkg / folder)
    descriptor = json.loads((snapshot / "datapackage.json").read_text(encoding="utf-8"))
    # 1.0.0 and 1.1.0 named each source by its path on the maintainer's machine (../shared/seeds/…),
    # which the build now refuses to publish; the package names its own copies, a change the next
    # release carries. Everything else is as released.
    descriptor["sources"] = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["sources"]
    (pkg / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return pkg


def _after(pkg: Path, part: str) -> str:
    """The version after the package's latest release, one patch or minor step up."""
    major, minor, patch = (int(x) for x in releases.read_log(pkg)[-1]["version"].split("."))
    return f"{major}.{minor}.{patch + 1}" if part == "patch" else f"{major}.{minor + 1}.0"


def _day(pkg: Path, days: int) -> str:
    """The latest release's date moved by some days."""
    return (dt.date.fromisoformat(releases.read_log(pkg)[-1]["date"]) + dt.timedelta(days=days)).isoformat()


def _edit(pkg: Path, table: str, change) -> None:
    path = pkg / "data" / f"{table}.csv"
    header, rows = read_rows(path)
    rows = change(rows) or rows
    write_rows(path, header, rows)


# -- the bundled package ---------------------------------------------------------
def test_bundled_package_version_is_its_latest_release():
    log = releases.read_log(PKG)
    descriptor = json.loads((PKG / "datapackage.json").read_text(encoding="utf-8"))
    assert log and log[0]["version"] == "1.0.0"
    assert descriptor["version"] == log[-1]["version"]
    assert releases.parse_version(descriptor["version"])


def test_bundled_log_counts_agree_with_the_snapshots():
    views, _ = releases.release_views(PKG, None)
    log = {e["version"]: e for e in releases.read_log(PKG)}
    for view in views:
        assert view.diffs is not None, f"snapshot of {view.version} missing"
        assert releases.diff_counts(view.diffs) == log[view.version]["changes"], view.version


def test_first_release_adds_every_document_it_holds():
    (first, *_) = releases.read_log(PKG)
    _, rows = read_rows(releases.snapshot_path(PKG, first["version"]) / "data/documents.csv")
    assert set(first["documents_added"]) == {r["document_id"] for r in rows if not r["parent_document_id"]}


# -- the diff on two package versions ------------------------------------------------
@pytest.fixture()
def two_versions(tmp_path):
    old = copy_package(tmp_path / "old")
    new = copy_package(tmp_path / "new")
    return old, new


def test_diff_finds_rows_added_changed_removed_by_key(two_versions):
    old, new = two_versions
    _, notes = read_rows(old / "data/quality_notes.csv")
    _, allocations = read_rows(old / "data/allocations.csv")
    target = allocations[3]["allocation_id"]
    removed = notes[-1]["note_id"]

    def change_allocation(rows):
        for row in rows:
            if row["allocation_id"] == target:
                row["note"] = row["note"] + " 更正。"
                row["locator"] = row["locator"] + "（更正）"

    def add_and_remove_notes(rows):
        extra = dict(rows[0], note_id="qn-999-01", note="新的说明")
        return [r for r in rows if r["note_id"] != removed] + [extra]

    _edit(new, "allocations", change_allocation)
    _edit(new, "quality_notes", add_and_remove_notes)
    diffs = {d.table: d for d in releases.diff_tables(_tables(old), _tables(new))}
    assert diffs["allocations"].changed == [{"key": target, "fields": ["locator", "note"]}]
    assert diffs["allocations"].added == [] and diffs["allocations"].removed == []
    assert diffs["quality_notes"].added == ["qn-999-01"]
    assert diffs["quality_notes"].removed == [removed]
    assert all(d.empty for name, d in diffs.items() if name not in ("allocations", "quality_notes"))
    assert releases.diff_counts(list(diffs.values())) == {
        "allocations": {"added": 0, "changed": 1, "removed": 0},
        "quality_notes": {"added": 1, "changed": 0, "removed": 1}}
    assert releases.required_bump(list(diffs.values())) == "minor"


def test_diff_composite_keys_and_schema_changes(two_versions):
    old, new = two_versions
    _, units = read_rows(old / "data/plan_task_units.csv")
    first = units[0]

    def flip(rows):
        rows[0]["is_lead"] = "false" if rows[0]["is_lead"] == "true" else "true"

    _edit(new, "plan_task_units", flip)
    diffs = {d.table: d for d in releases.diff_tables(_tables(old), _tables(new))}
    assert diffs["plan_task_units"].changed == [{"key": f"{first['task_id']}/{first['position']}", "fields": ["is_lead"]}]
    assert releases.required_bump(list(diffs.values())) == "patch"

    schema_path = new / "schemas/regions.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"].append({"name": "population", "type": "integer"})
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    diffs = {d.table: d for d in releases.diff_tables(_tables(old), _tables(new))}
    assert diffs["regions"].fields_added == ["population"] and diffs["regions"].changed == []
    assert releases.required_bump(list(diffs.values())) == "major"
    assert [d.status for d in releases.diff_tables({}, _tables(old))] == ["added"] * len(_tables(old))


def test_version_steps():
    assert releases.bump_kind("1.0.0", "1.0.1") == "patch"
    assert releases.bump_kind("1.0.9", "1.1.0") == "minor"
    assert releases.bump_kind("1.4.2", "2.0.0") == "major"
    assert releases.bump_kind("1.0.0", "1.0.0") is None
    assert releases.bump_kind("1.0.0", "0.9.0") is None
    assert releases.parse_version("1.0") is None and releases.parse_version("01.0.0") is None


# -- scripts/release.py end to end -------------------------------------------------------
def test_release_script_records_a_patch_release(tmp_path, monkeypatch):
    pkg = released_copy(tmp_path)
    _, notes = read_rows(pkg / "data/quality_notes.csv")
    key = notes[0]["note_id"]

    def correct(rows):
        rows[0]["note"] = rows[0]["note"] + "（已核对）"

    _edit(pkg, "quality_notes", correct)
    before = [e["version"] for e in releases.read_log(pkg)]
    patch, date = _after(pkg, "patch"), _day(pkg, 1)
    early = _release(pkg, "--version", patch, "--date", _day(pkg, -1))
    assert early.returncode == 1 and "before the previous release" in early.stderr

    owner = notes[0]["document_id"]
    # A change nobody named is refused, with the changes listed by document.
    unnamed = _release(pkg, "--version", patch, "--date", date)
    assert unnamed.returncode == 1
    assert f"  {owner}: quality_notes +0 ~1 -0" in unnamed.stdout.splitlines()
    assert unnamed.stderr == (f"release.py: changes not named for this release: {owner}. Name them with --include "
                              f"{owner} (or --added-documents for new documents), or take them out of datapackage/ "
                              "until their own release\n")
    result = _release(pkg, "--version", patch, "--date", date, "--summary", "更正一条说明", "--include", owner)
    assert result.returncode == 0, result.stdout + result.stderr
    log = releases.read_log(pkg)
    assert [e["version"] for e in log] == before + [patch]
    assert log[-1] == {"version": patch, "date": date, "documents_added": [], "summary": "更正一条说明",
                       "changes": {"quality_notes": {"added": 0, "changed": 1, "removed": 0}}}
    assert json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["version"] == patch
    snapshot = pkg / f"releases/{patch}"
    assert (snapshot / "data/quality_notes.csv").read_bytes() == (pkg / "data/quality_notes.csv").read_bytes()
    assert json.loads((snapshot / "datapackage.json").read_text(encoding="utf-8"))["version"] == patch

    again = _release(pkg, "--version", _after(pkg, "patch"), "--date", _day(pkg, 1))
    assert again.returncode == 1 and "nothing changed" in again.stderr

    # The site shows the release, its changed row (linked to nothing: notes have no page) and the new version.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    model, problems = check_package(pkg, "pkg")
    assert problems == []
    out = render_site(model)
    page = out.pages["releases.md"]
    assert f'id="v{patch}"' in page and f"与版本 {before[-1]} 相比" in page and f"<code>{key}</code>（note）" in page
    assert "尚未发布的更改" not in page
    feed = out.files["feed.xml"].decode()
    assert f"Release {patch}" in feed and f"{date}T00:00:00Z" in feed


def test_release_script_refuses_a_too_small_step(tmp_path):
    pkg = released_copy(tmp_path)

    def add_note(rows):
        return rows + [dict(rows[0], note_id="qn-999-01")]

    _edit(pkg, "quality_notes", add_note)
    latest = releases.read_log(pkg)[-1]["version"]
    result = _release(pkg, "--version", _after(pkg, "patch"), "--date", _day(pkg, 1))
    assert result.returncode == 1 and "need a minor version step" in result.stderr
    assert _release(pkg, "--version", _after(pkg, "minor"), "--date", _day(pkg, 1), "--dry-run").returncode == 0
    assert releases.read_log(pkg)[-1]["version"] == latest  # a dry run writes nothing


def test_unreleased_changes_are_shown(tmp_path, monkeypatch):
    pkg = released_copy(tmp_path)

    def correct(rows):
        rows[1]["note"] = rows[1]["note"] + "（待发布）"

    _edit(pkg, "allocations", correct)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    model, problems = check_package(pkg, "pkg")
    assert problems == []
    out = render_site(model)
    assert 'id="unreleased"' in out.pages["releases.md"]
    assert "尚未发布的更改" in out.pages["downloads/index.md"] or "尚未发布" in out.pages["downloads/index.md"]
    # Until a release names them, the changes are labelled in what readers download and cite.
    label = releases.read_log(pkg)[-1]["version"] + "+unreleased"
    assert json.loads(out.files["data.json"])["dataset"][0]["version"] == label
    assert label in out.files["downloads/gd-employment-funds.json"].decode("utf-8")


def test_broken_release_log_is_a_problem_line(tmp_path):
    pkg = released_copy(tmp_path)
    log = releases.read_log(pkg)
    n, latest = len(log), log[-1]
    log.append(dict(latest, version="0.9.0", documents_added=["no-such-doc"]))
    releases.write_log(pkg, log)
    result = run_build("--package", "pkg", "--check", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"pkg/releases.json:-:releases[{n}].version: release-error: version 0.9.0 does not follow {latest['version']}" in lines
    assert f"pkg/releases.json:-:releases[{n}].documents_added: release-error: document 'no-such-doc' is not in documents.document_id" in lines
    assert "Traceback" not in result.stdout + result.stderr
