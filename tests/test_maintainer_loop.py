"""The documented add-a-notice loop keeps CI green: run on a copy of the repository.

README's "Adding a new notice" and RELEASING.md, step by step, in a copy of the checkout:
draft the fixture notice, make the review edits a maintainer makes, apply (a dry run first),
build, release as RELEASING.md says, build again; then the copy's own invariant tests (data
fidelity, releases, schema contract, the bad-input corpus) run inside it and must pass.
This is what a maintainer's commit after a release meets in CI.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from test_new_notice import (DOC, ISSUER, NEXT_DATE, NEXT_VERSION, NOTICE, RELEASE_INCLUDE, edit,
                             review_as_a_maintainer)

# What the copy's tests need besides the files git tracks (the virtual environment stays where it is).
INVARIANT_TESTS = ["tests/test_data_fidelity.py", "tests/test_releases.py", "tests/test_schema_contract.py", "tests/test_package_counts.py",
                   "tests/test_bad_inputs.py", "tests/test_raw_agreement.py"]


def _tracked_copy(dest: Path) -> Path:
    """The checkout's tracked files, as a fresh clone has them (work in progress included)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        source, target = ROOT / name.decode(), dest / name.decode()
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(copy))  # the copy's fundsite, not the checkout's
    return subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=900)


def test_the_documented_loop_on_a_copy_of_the_repository_keeps_its_tests_green(tmp_path):
    copy = _tracked_copy(tmp_path / "repo")
    review = copy / "review" / DOC
    steps = [("draft", _run(copy, "scripts/new_notice.py", "draft", "--text", str(NOTICE), "--id", DOC,
                            "--issuer", ISSUER, "--url", "https://www.conghua.gov.cn/notices/2024-18.html"))]
    assert steps[-1][1].returncode == 0, steps[-1][1].stdout + steps[-1][1].stderr

    review_as_a_maintainer(review)  # the review edits of tests/test_new_notice.py
    edit(review / "allocations.csv", lambda row: row.update(待核问题=""))

    steps.append(("apply --dry-run", _run(copy, "scripts/new_notice.py", "apply", str(review), "--dry-run")))
    steps.append(("apply", _run(copy, "scripts/new_notice.py", "apply", str(review))))
    steps.append(("build", _run(copy, "build.py")))
    steps.append(("release", _run(copy, "scripts/release.py", "--version", NEXT_VERSION, "--date", NEXT_DATE,
                                  "--added-documents", DOC, *RELEASE_INCLUDE, "--summary", "新增从人社〔2024〕18号 / Adds a Conghua notice")))
    steps.append(("build again", _run(copy, "build.py")))
    steps.append(("count", _run(copy, "scripts/package_counts.py", "--readme")))
    for name, result in steps:
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
    assert (copy / "site" / "documents" / DOC / "index.html").is_file()
    with open(copy / "datapackage" / "data" / "documents.csv", encoding="utf-8", newline="") as fh:
        source = next(row["source_file"] for row in csv.DictReader(fh) if row["document_id"] == DOC)
    assert (copy / "datapackage" / "sources" / source).read_text(encoding="utf-8") == NOTICE.read_text(encoding="utf-8")
    # What RELEASING.md commits: the whole package folder, the new snapshot with it.
    assert (copy / "datapackage" / "releases" / NEXT_VERSION / "datapackage.json").is_file()

    tests = _run(copy, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *INVARIANT_TESTS)
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
