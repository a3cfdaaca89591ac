"""The build's worker processes report their failures as problems, never hang or stay behind."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, ROOT
from package_tools import copy_bundled
from fundsite.downloads_worker import PackageDownloadsJob
from fundsite.search_worker import SearchWorker
from fundsite.xlsx_twins import TwinWriter


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


def test_the_search_worker_segments_as_the_theme_does(tmp_path):
    """The index is segmented by the worker exactly as mkdocs-material's own code does it."""
    from material.plugins.search.plugin import SearchIndex

    texts = ["广州市就业补助资金 花都区", "河源市民生十大工程（2023—2027年）", "No Chinese here"]
    index = tmp_path / "search_index.json"
    index.write_text(json.dumps({"config": {"lang": ["zh"]},
                                 "docs": [{"location": f"p{i}/", "title": t, "text": t} for i, t in enumerate(texts)]}),
                     encoding="utf-8")
    worker = SearchWorker().start()
    assert worker.segment(index, [{"location": "e/", "title": "花都区", "text": "广州市就业补助资金 花都区"}]) is None
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    theme = SearchIndex(lang=["zh"])._segment_chinese
    assert [d["text"] for d in docs[:3]] == [theme(t) for t in texts]
    assert "\u200b" in docs[0]["text"] and docs[2]["text"] == "No Chinese here"
    # An entity page's entry comes last, segmented token by token: the theme's words, no \u200b beside a space.
    assert docs[3] == {"location": "e/", "title": theme("花都区"),
                       "text": " ".join(theme(t) for t in "广州市就业补助资金 花都区".split(" "))}
    assert 0 < worker.peak_mib < 500


def test_a_failing_search_worker_is_reported(tmp_path):
    worker = SearchWorker().start()
    message = worker.segment(tmp_path / "missing.json", [])
    assert message.startswith("FileNotFoundError: ") and "missing.json" in message


def test_a_search_worker_that_dies_is_reported_not_waited_for(tmp_path):
    worker = SearchWorker().start()
    worker._process.kill()
    worker._process.join()
    assert worker.segment(tmp_path / "search_index.json", []) == "the search worker ended without a report"


def test_a_search_worker_that_fails_early_reports_its_reason(tmp_path, monkeypatch):
    """A worker that cannot even load the dictionary ends before the job is sent: its reason
    still reaches the build."""
    broken = tmp_path / "broken"
    (broken / "jieba").mkdir(parents=True)
    (broken / "jieba" / "__init__.py").write_text("raise ImportError('jieba is broken here')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(broken))  # a spawned worker starts with this process's sys.path
    worker = SearchWorker().start()
    worker._process.join(timeout=60)
    assert worker.segment(tmp_path / "search_index.json", []) == "ImportError: jieba is broken here"


def _children(pid: int) -> set[int]:
    """The processes whose parent is pid (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_build(tmp_path):
    """kill -9 of the build runs no cleanup: its workers must still end (PR_SET_PDEATHSIG)."""
    copy_bundled(tmp_path)
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, FUNDSITE_WORKERS="2")
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--package", "pkg", "--out", "site"], cwd=tmp_path,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 3 and time.monotonic() < deadline and build.poll() is None:
        workers |= {pid for pid in _children(build.pid) if "multiprocessing" in
                    Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")}
        time.sleep(0.05)
    assert len(workers) >= 3, "the build ended before its workers could be seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert not (tmp_path / "site").exists()
