"""A large package's whole-package downloads start while it is checked, on a guess the checked
model confirms (fundsite/publish/early_downloads.py)."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXED_EPOCH, ROOT
from package_tools import copy_bundled
from fundsite.check.package import check_package
from fundsite.publish.early_downloads import EarlyDownloads, Guess, guess, looks_large
from fundsite.publish.worker_pool import WorkerPool

sys.path.insert(0, str(ROOT / "scripts"))
from synthetic import Scale, generate  # noqa: E402


def _model_says(pkg: Path) -> Guess:
    model, problems = check_package(pkg, "pkg")
    assert problems == []
    return Guess(tuple(sorted(model.source_texts)), bool(model.releases[1]))


def test_the_guess_is_what_the_checked_model_says(tmp_path):
    pkg = copy_bundled(tmp_path)
    assert guess(pkg) == _model_says(pkg)
    assert guess(pkg).source_names  # the bundled documents keep their texts
    # A change since the last release: the version becomes "+unreleased", guessed from the files.
    path = pkg / "data" / "quality_notes.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    note = rows[0].index("note")
    rows[1][note] += "（另见附件）"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    assert guess(pkg) == _model_says(pkg) and guess(pkg).unreleased


def test_a_wrong_guess_starts_the_downloads_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    pkg = copy_bundled(tmp_path)
    with WorkerPool(0) as pool:  # jobs run at once, in this process
        early = EarlyDownloads(pool, pkg, tmp_path / "spool" / "downloads", tmp_path / "site", "package", "code")
        guessed = early.guessed
        assert early.downloads_for(list(guessed.source_names), guessed.unreleased) is early.downloads
        again = early.downloads_for(list(guessed.source_names), not guessed.unreleased)
        assert again is not early.downloads
        files = again()
    assert files["gd-employment-funds.json"].parent == tmp_path / "spool" / "downloads-checked"
    version = json.loads(files["gd-employment-funds.json"].read_text(encoding="utf-8"))["package"]["version"]
    assert version.endswith("+unreleased") != guessed.unreleased


def test_an_invalid_large_package_fails_at_once_and_leaves_nothing(tmp_path):
    """The early jobs of a package that fails the check are ended unused: one problem line,
    exit 1, no site and no working folder beside it."""
    pkg = tmp_path / "big"
    generate(pkg, Scale(1, 5, 4, 10, 100))  # 200 projects, 20,000 indicators
    assert looks_large(pkg)
    path = pkg / "data" / "allocations.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("amount_yuan")] = "一百万"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, FUNDSITE_WORKERS="2")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--package", str(pkg), "--out", str(tmp_path / "site")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "data/allocations.csv:2:amount_yuan: " in result.stdout, result.stdout[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "site").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
