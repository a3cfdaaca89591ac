"""The build's worker processes report their failures as problems, never hang or stay behind."""
from __future__ import annotations

import pytest

from conftest import ROOT
from fundsite.package_job import PackageDownloadsJob
from fundsite.twins import TwinWriter


def test_a_failing_twin_worker_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDSITE_WORKERS", "2")
    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", None)
    writer.start()
    writer.add("files/x.csv", b"a\n1\n")
    writer.add("files/y.csv", b"a\n1\n")
    writer.add_twin("files/x.xlsx", [("files/x.csv", "allocations")])
    writer.add_twin("files/y.xlsx", [("files/x.csv", "allocations"), ("files/y.csv", "no_such_table")])
    problems = writer.wait()
    assert [p.line() for p in problems] == [
        "files/:-:-: download-error: XLSX twin: files/y.xlsx: KeyError: 'no_such_table'"]
    assert (tmp_path / "files/files/x.xlsx").is_file()
    assert writer.processes == 2 and 0 < writer.peak_mib < 500


def test_a_failing_downloads_worker_raises_with_its_reason(tmp_path):
    job = PackageDownloadsJob(tmp_path / "missing", tmp_path / "out").start()
    with pytest.raises(RuntimeError, match=r"^whole-package downloads: FileNotFoundError: .*datapackage\.json"):
        job.wait()


def test_the_downloads_worker_writes_the_bundled_artefacts(tmp_path):
    job = PackageDownloadsJob(ROOT / "datapackage", tmp_path).start()
    made = job.wait()
    assert sorted(p.name for p in made.values()) == sorted(p.name for p in tmp_path.iterdir())
    assert all(p.stat().st_size > 1000 for p in made.values())
    assert 0 < job.peak_mib < 500


def test_a_worker_that_dies_is_reported_not_waited_for(tmp_path, monkeypatch):
    monkeypatch.setenv("FUNDSITE_WORKERS", "1")
    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", None)
    writer.start()
    writer._workers[0].kill()
    writer._workers[0].join()
    problems = writer.wait()
    assert [p.line() for p in problems] == ["files/:-:-: download-error: XLSX twin: a worker process exited with code -9"]
