"""Write the site's search: Pagefind's index of the pages' records and the exact-name shards.

Pagefind (`pagefind[extended]`, whose binary segments Chinese) indexes a folder of HTML.
Feeding it the records (search_records.record_html) as small files in a scratch folder
is far faster than its Python API, which answers one request at a time (measured: 0.1 s
a record, concurrent requests too; the binary indexes 21,000 records in about 6 s). The
files sit in a folder per bundle, named by a digest of their page's address, which each record
carries as its `url` meta (the search page links to that, not to the file's). The binary runs beside the
build (start() before mkdocs runs and the data files are written, wait() after) and dies with it; its
filters are then put in a fixed order (pagefind_order.py), so the site is reproducible.

Pagefind holds about 1 KB per distinct word of each page while it indexes (measured: 1,088 MiB
for the 22,000 records of 21,000 projects, 299 MiB for 5,500 of them), so a large site is indexed
in bundles of at most BUNDLE_RECORDS records, one after another: the build then holds one
bundle's worth at a time. A record's bundle follows a digest of its address, so bundles mix every
kind of page and their word statistics agree. The search page merges the bundles (Pagefind's
mergeIndex) and keeps only results from bundles that hold every word of the query that the site
holds (the records of the second and later bundles carry their bundle as the hidden filter
BUNDLE_FILTER): Pagefind drops a word that its bundle lacks, which would otherwise loosen the
results.

Written into the site:
  pagefind/        the index, its fragments and pagefind.js (the search page loads it)
  pagefind-2/ ...  the further bundles, without a copy of pagefind.js and its WebAssembly
  search/bundles.json  the bundles' folders, first the one holding pagefind.js
  search/exact/    meta.json and <n>.json: exact names and 文号 (search_records.exact_shards)
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from fundsite.publish.pagefind_order import pin_filter_order
from fundsite.site.search_records import BUNDLE_FILTER, SearchRecord, exact_shards, record_html
from fundsite.publish.worker_pool import die_with_parent

BUNDLE = "pagefind"  # the first bundle's folder; the others are pagefind-2, pagefind-3, ...
EXACT = "search/exact"
BUNDLES = "search/bundles.json"
# Records a bundle holds at most. Pagefind peaked at 264 MiB on 4,425 of ours and 391 MiB on
# 7,209 (2026-12-05); each bundle costs a query about 35 KB of its metadata and index, so at
# 21,000 projects three bundles keep the first query under 300 KB where five did not (README's
# Performance section). FUNDSITE_SEARCH_BUNDLE_RECORDS changes it (the tests make several bundles
# of the bundled data with it).
BUNDLE_RECORDS = 7_500
BUNDLE_RECORDS_VARIABLE = "FUNDSITE_SEARCH_BUNDLE_RECORDS"
# Pagefind's ready-made interfaces: the search page has its own (site_src/assets/search.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# What a merged bundle does not need: the search page loads these from the first bundle only.
_FIRST_ONLY = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")


def bundle_records() -> int | None:
    """Records per bundle: BUNDLE_RECORDS, or FUNDSITE_SEARCH_BUNDLE_RECORDS when set; None when
    that is not a whole number of at least 1 (cli.py says so before anything starts)."""
    value = os.environ.get(BUNDLE_RECORDS_VARIABLE, str(BUNDLE_RECORDS)).strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) >= 1 else None


def bundle_folder(n: int) -> str:
    return BUNDLE if n == 0 else f"{BUNDLE}-{n + 1}"


def _digest(record: SearchRecord) -> str:
    return hashlib.sha256(record.url.encode("utf-8")).hexdigest()


def split_into_bundles(records: list[SearchRecord], size: int) -> list[list[SearchRecord]]:
    """The records in ceil(len / size) bundles, each record in the bundle its address's digest
    picks: bundles of about size records (one bundle when they all fit), each a mix of kinds,
    and a record stays in its bundle while the number of bundles does not change."""
    count = max(1, math.ceil(len(records) / size))
    bundles: list[list[SearchRecord]] = [[] for _ in range(count)]
    for record in records:
        bundles[int(_digest(record)[:12], 16) % count if count > 1 else 0].append(record)
    return bundles


SCRATCH_PREFIX = "fundsite-search-"
SCRATCH_AGE_S = 600
_SCRATCH = re.compile(rf"{SCRATCH_PREFIX}(\d+)-\w+")


def clear_dead_scratches(folder: Path) -> None:
    """Remove the record folders that killed builds left in folder (in /dev/shm they hold memory
    until the machine restarts): those named after a process that no longer runs, made over ten
    minutes ago (a build in another container sharing /dev/shm has a process this one cannot
    see; Pagefind has read its records long before then)."""
    now = time.time()
    for entry in folder.iterdir():
        match = _SCRATCH.fullmatch(entry.name)
        if not match or Path(f"/proc/{match[1]}").exists():
            continue
        try:
            stale = entry.is_dir() and not entry.is_symlink() and now - entry.stat().st_mtime > SCRATCH_AGE_S
        except OSError:  # removed meanwhile
            continue
        if stale:
            shutil.rmtree(entry, ignore_errors=True)


def _memory_folder() -> str | None:
    """/dev/shm when this machine has it: a file made there costs 12 µs, in /tmp on this
    machine's disk 28 µs when the disk is idle and up to 0.5 ms while a build's writes are
    flushed (measured), and Pagefind reads one file per page, 22,000 at 21,000 projects
    (about 30 MB, for the few seconds Pagefind reads them). None: the system's temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class SearchIndexer:
    """start(records, out) writes the records and starts Pagefind on them, its index made in
    folder out, one bundle after another; wait() returns None when the index is complete, else
    one line saying what went wrong; move_into(site_dir) puts it into the site; stop() ends
    Pagefind and removes its folders however the build went."""

    def __init__(self):
        # Pagefind's peak resident memory, the largest of its runs: an upper bound, since a child's
        # ru_maxrss counts the build's own pages resident at the fork that started it.
        self.peak_mib = 0.0
        self.cpu_s = 0.0  # and its CPU time, all runs (it runs beside the pages being written: its wall time is not its own)
        self.bundles: list[str] = []  # the bundles' folders
        self._process: subprocess.Popen | None = None  # the Pagefind running now
        self._runs: threading.Thread | None = None  # starts each bundle's Pagefind when the one before ends
        self._lock = threading.Lock()  # between stop() and the thread starting the next bundle
        self._stopped = False
        self._failed: str | None = None
        self._scratch: Path | None = None  # the records Pagefind reads
        self._out: Path | None = None  # the index it writes, until it moves into the site

    def start(self, records: list[SearchRecord], out: Path, size: int | None = None) -> "SearchIndexer":
        """out: a folder that does not exist yet, best on the site's file system (the index is then
        moved into the site by a rename, not copied). size: records per bundle (bundle_records())."""
        self._out = Path(out)
        self._out.mkdir(parents=True)
        folder = _memory_folder()
        clear_dead_scratches(Path(folder or tempfile.gettempdir()))
        self._scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=folder))
        bundles = split_into_bundles(records, size or bundle_records() or BUNDLE_RECORDS)
        self.bundles = [bundle_folder(n) for n in range(len(bundles))]
        for n, bundle in enumerate(bundles):
            # One folder of files per bundle: a folder per page, as the site has, costs a mkdir each.
            folder_n = self._scratch / str(n)
            folder_n.mkdir()
            # The first bundle's records go untagged: the search page counts them as the query's
            # pages less the others' (a filter costs ~9 KB of page numbers per bundle and query).
            tag = str(n + 1) if n else None
            for record in bundle:
                (folder_n / f"{_digest(record)[:20]}.html").write_text(record_html(record, tag), encoding="utf-8")
        for name, data in exact_shards(records).items():
            target = self._out / EXACT / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        listing = {"bundles": [f"{name}/" for name in self.bundles], "filter": BUNDLE_FILTER}
        (self._out / BUNDLES).write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
        self._process = self._pagefind(0)
        self._runs = threading.Thread(target=self._run_all, name="pagefind-bundles", daemon=True)
        self._runs.start()
        return self

    def _pagefind(self, n: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(self._scratch / str(n)),
             "--output-path", str(self._out / self.bundles[n]), "--force-language", "zh", "--silent"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)

    def _run_all(self) -> None:
        """In the thread: wait for each bundle's Pagefind and start the next, until one fails,
        stop() is called or all are done. This thread starts the later ones and waits for each,
        so each dies with the build (PR_SET_PDEATHSIG follows the thread that started it)."""
        n, scratch = 0, self._scratch
        while True:
            process = self._process
            output = process.stdout.read()
            try:  # wait4, not wait: the rusage of this child alone gives Pagefind's peak memory.
                _, status, usage = os.wait4(process.pid, 0)
            except ChildProcessError:  # already reaped by a Popen method called elsewhere
                process.wait()
            else:
                process.returncode = os.waitstatus_to_exitcode(status)
                self.peak_mib = max(self.peak_mib, usage.ru_maxrss / 1024)
                self.cpu_s += usage.ru_utime + usage.ru_stime
            if process.returncode != 0:
                said = " ".join(output.decode("utf-8", "replace").split())[:300]
                self._failed = f"Pagefind exited with code {process.returncode}: {said or 'no message'}"
                return
            shutil.rmtree(scratch / str(n), ignore_errors=True)  # read: in /dev/shm its files hold memory
            n += 1
            with self._lock:
                if self._stopped or n == len(self.bundles):
                    return
                try:
                    self._process = self._pagefind(n)
                except OSError as exc:
                    self._failed = f"Pagefind could not start: {type(exc).__name__}: {exc}"
                    return

    def wait(self) -> str | None:
        try:
            self._runs.join()
        finally:
            self._end()
        if self._failed:
            return self._failed
        try:
            for n, name in enumerate(self.bundles):
                bundle = self._out / name
                for pattern in _UNUSED + (_FIRST_ONLY if n else ()):
                    for path in bundle.glob(pattern):
                        path.unlink()
                pin_filter_order(bundle)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            return f"Pagefind's bundle could not be put in a fixed order: {type(exc).__name__}: {exc}"
        return None

    def move_into(self, site_dir: Path) -> None:
        """The finished index into the site: its bundles, search/exact/ and search/bundles.json."""
        for part in (*self.bundles, EXACT, BUNDLES):
            target = Path(site_dir) / part
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(self._out / part, target)  # a rename on one file system

    def _end(self) -> None:
        """Pagefind ended, its records removed."""
        with self._lock:
            self._stopped = True
            process = self._process
        if process is not None and process.returncode is None:
            try:  # not Popen.kill: its poll() could reap the process before the thread's wait4
                os.kill(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self._runs is not None:
            self._runs.join()  # it reaps the killed Pagefind and starts no other
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def stop(self) -> None:
        """Pagefind ended and its folders removed, the index too unless it moved into the site."""
        self._end()
        if self._out is not None:
            shutil.rmtree(self._out, ignore_errors=True)
            self._out = None
