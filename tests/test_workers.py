"""The build's worker processes report their failures as problems, never hang or stay behind."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import FIXED_EPOCH, ROOT
from package_tools import copy_bundled
from fundsite.publish.downloads_worker import PackageDownloads
from fundsite.publish.search_index import SCRATCH_PREFIX, SearchIndexer, clear_dead_scratches
from fundsite.site.search_records import SearchRecord
from fundsite.publish.worker_pool import WorkerPool
from fundsite.publish.xlsx_twins import TwinWriter


def test_a_failing_twin_worker_is_reported(tmp_path):
    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", None)
    with WorkerPool(2) as pool:
        writer.start(pool)
        writer.add("files/x.csv", b"a\n1\n")
        writer.add("files/y.csv", b"a\n1\n")
        writer.add_twin("files/x.xlsx", [("files/x.csv", "allocations")])
        writer.add_twin("files/y.xlsx", [("files/y.csv", "no_such_table")])
        problems = writer.wait()
    assert [p.line() for p in problems] == [
        "files/:-:-: download-error: XLSX twin: files/y.xlsx: KeyError: 'no_such_table'"]
    assert (tmp_path / "files/files/x.xlsx").is_file()
    assert (tmp_path / "files/files/y.csv").read_bytes() == b"a\n1\n"  # a page's CSVs come before its twin
    assert pool.processes == 2 and 0 < pool.peak_mib < 500


def test_csvs_without_a_twin_are_written_in_batches_and_by_the_build_when_workers_lag(tmp_path, monkeypatch):
    from fundsite.publish import xlsx_twins

    monkeypatch.setattr(xlsx_twins, "BATCH_BYTES", 10)
    published = tmp_path / "site"
    (published / "files").mkdir(parents=True)
    (published / "files/p1.csv").write_bytes(b"a\n1\n")
    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", published)
    with WorkerPool(1) as pool:
        writer.start(pool)
        for n in range(1, 7):
            writer.add(f"files/p{n}.csv", b"a\n1\n")  # 4 bytes: a job every third page
            writer.page_done()
        assert len(writer._jobs) == 2 and len(writer._pending) == 0
        monkeypatch.setattr(xlsx_twins, "BACKLOG_BYTES", -1)  # as if the workers were far behind
        for n in (7, 8, 9):
            writer.add(f"files/p{n}.csv", f"a\n{n}\n".encode())
        writer.page_done()
        assert (tmp_path / "files/files/p9.csv").read_bytes() == b"a\n9\n" and len(writer._jobs) == 2
        assert writer.wait() == []
    assert sorted(p.name for p in (tmp_path / "files/files").iterdir()) == [f"p{n}.csv" for n in range(1, 10)]
    assert (tmp_path / "files/files/p1.csv").stat().st_ino == (published / "files/p1.csv").stat().st_ino
    assert writer.csvs_linked == 1


def test_a_twin_waits_for_the_oldest_jobs_while_the_workers_are_behind(tmp_path, monkeypatch):
    from fundsite.publish import xlsx_twins

    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", None)
    with WorkerPool(1) as pool:
        writer.start(pool)
        writer.add("files/x.csv", b"a\n1\n")
        writer.add_twin("files/x.xlsx", [("files/x.csv", "allocations")])
        monkeypatch.setattr(xlsx_twins, "BACKLOG_BYTES", -1)  # as if the jobs waiting held too much
        writer.add("files/y.csv", b"a\n2\n")
        writer.add_twin("files/y.xlsx", [("files/y.csv", "allocations")])
        assert writer._jobs[0][1].done()  # x's job ended before y's was handed over
        assert writer.wait() == []
    assert writer.written == 2 and (tmp_path / "files/files/y.xlsx").is_file()


def test_a_failing_downloads_worker_raises_with_its_reason(tmp_path):
    with WorkerPool(1) as pool:
        job = PackageDownloads(pool, tmp_path / "missing", tmp_path / "out")
        with pytest.raises(RuntimeError, match=r"^whole-package downloads: FileNotFoundError: .*datapackage\.json"):
            job()


def test_the_downloads_worker_writes_the_bundled_artefacts(tmp_path):
    with WorkerPool(1) as pool:
        sources = sorted(p.name for p in (ROOT / "datapackage" / "sources").glob("*.txt"))
        made = PackageDownloads(pool, ROOT / "datapackage", tmp_path, sources)()
    assert sorted(p.name for p in made.values()) == sorted(p.name for p in tmp_path.iterdir())
    assert all(p.stat().st_size > 1000 for p in made.values())
    assert 0 < pool.peak_mib < 500


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_is_reported_not_waited_for(tmp_path):
    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", None)
    with WorkerPool(1) as pool:
        writer.start(pool)
        pool.submit(_die)
        writer.add("files/x.csv", b"a\n1\n")
        writer.add_twin("files/x.xlsx", [("files/x.csv", "allocations")])
        problems = writer.wait()
    assert [p.line() for p in problems] == [
        "files/:-:-: download-error: XLSX twin: a worker process ended without finishing its jobs"]


def test_workers_yield_the_cpu_to_the_build(tmp_path):
    from fundsite.publish.worker_pool import WORKER_NICENESS

    with WorkerPool(1) as pool:
        assert pool.submit(os.nice, 0).result() == min(19, os.nice(0) + WORKER_NICENESS)


def test_a_worker_that_died_before_a_twin_was_handed_over_is_reported(tmp_path):
    writer = TwinWriter({"allocations": {"fields": [{"name": "a"}]}}, {"title": "t"}, tmp_path / "files", None)
    with WorkerPool(1) as pool:
        writer.start(pool)
        with pytest.raises(Exception):
            pool.submit(_die).result()  # the pool is broken from here on: submit() itself raises
        writer.add("files/x.csv", b"a\n1\n")
        writer.add_twin("files/x.xlsx", [("files/x.csv", "allocations")])  # not an exception mid-render
        problems = writer.wait()
    assert [p.line() for p in problems] == [
        "files/:-:-: download-error: XLSX twin: a worker process ended without finishing its jobs"]


def test_jobs_run_in_the_build_process_without_workers(tmp_path):
    with WorkerPool(0) as pool:
        assert pool.submit(os.getpid).result() == os.getpid()
        with pytest.raises(ZeroDivisionError):
            pool.submit(divmod, 1, 0).result()


def _records(count: int) -> list[SearchRecord]:
    return [SearchRecord(f"p/{n}/", f"随军家属就业安置补贴{n}", "项目", text="花都区 就业 安置 " * 20) for n in range(count)]


def test_pagefind_indexes_the_records_into_the_site(tmp_path):
    indexer = SearchIndexer().start(_records(3), tmp_path / "index")
    scratch = indexer._scratch
    assert indexer.wait() is None
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)  # the search page's folder, which mkdocs made
    indexer.move_into(site)
    indexer.stop()
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "search" / "exact" / "meta.json").is_file()
    assert not (site / "pagefind" / "pagefind-ui.js").exists()  # the ready-made interfaces are not published
    assert not scratch.exists() and not (tmp_path / "index").exists()


def test_bundles_are_indexed_one_after_another_into_their_folders(tmp_path):
    indexer = SearchIndexer().start(_records(30), tmp_path / "index", size=10)
    assert indexer.bundles == ["pagefind", "pagefind-2", "pagefind-3"]
    assert indexer.wait() is None and indexer.peak_mib > 0 and indexer.cpu_s > 0
    site = tmp_path / "site"
    indexer.move_into(site)
    indexer.stop()
    assert json.loads((site / "search" / "bundles.json").read_text(encoding="utf-8"))["bundles"] == [
        "pagefind/", "pagefind-2/", "pagefind-3/"]
    assert sum(len(list((site / name / "fragment").iterdir())) for name in indexer.bundles) == 30


def test_a_stopped_indexer_starts_no_further_bundle(tmp_path):
    indexer = SearchIndexer().start(_records(3000), tmp_path / "index", size=500)
    first = indexer._process
    indexer.stop()
    assert first.returncode is not None and indexer._process.returncode is not None
    assert not indexer._runs.is_alive() and not (tmp_path / "index").exists()


def test_a_stopped_indexer_leaves_no_folder(tmp_path):
    indexer = SearchIndexer().start(_records(3), tmp_path / "index")
    scratch = indexer._scratch
    indexer.stop()
    assert not scratch.exists() and not (tmp_path / "index").exists()


def test_record_folders_of_killed_builds_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = tmp_path / f"fundsite-search-{int(dead.stdout)}-abc123"
    recent = tmp_path / f"fundsite-search-{int(dead.stdout)}-ghi789"  # a process another container may run
    live = tmp_path / f"fundsite-search-{os.getpid()}-def456"
    other = tmp_path / "fundsite-search-notes"
    for folder in (left, recent, live, other):
        (folder / "x").mkdir(parents=True)
    hour_ago = time.time() - 3600
    for folder in (left, live, other):
        os.utime(folder, (hour_ago, hour_ago))
    clear_dead_scratches(tmp_path)
    assert not left.exists() and recent.is_dir() and live.is_dir() and other.is_dir()


def test_a_pagefind_that_fails_is_reported_in_one_line(tmp_path):
    indexer = SearchIndexer().start(_records(3), tmp_path / "index")
    indexer._process.kill()
    assert indexer.wait() == "Pagefind exited with code -9: no message"


def test_pagefind_dies_with_a_killed_build(tmp_path):
    """The indexer's Pagefind ends when the process that started it is killed (PR_SET_PDEATHSIG)."""
    script = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
              "from pathlib import Path\nfrom test_workers import _records\nfrom fundsite.publish.search_index import SearchIndexer\n"
              f"i = SearchIndexer().start(_records(20000), Path({str(tmp_path / 'index')!r}))\nprint(i._process.pid, flush=True)\ntime.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pagefind = int(build.stdout.readline())
    assert _alive(pagefind)
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while _alive(pagefind) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pagefind)
    _remove_records_of(build.pid)


def _remove_records_of(pid: int) -> None:
    """A killed build's search records stay in /dev/shm (memory) until a later build removes them,
    ten minutes on (search_index.clear_dead_scratches): a test that kills one removes them itself."""
    for folder in ("/dev/shm", tempfile.gettempdir()):
        for left in Path(folder).glob(f"{SCRATCH_PREFIX}{pid}-*"):
            shutil.rmtree(left, ignore_errors=True)


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
    while len(workers) < 2 and time.monotonic() < deadline and build.poll() is None:
        workers |= {pid for pid in _children(build.pid) if "multiprocessing" in
                    Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")}
        time.sleep(0.05)
    assert len(workers) >= 2, "the build ended before its workers could be seen"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    assert not (tmp_path / "site").exists()
    _remove_records_of(build.pid)
