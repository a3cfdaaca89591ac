"""Write the site's search: Pagefind's index of the pages' records and the exact-name shards.

Pagefind (`pagefind[extended]`, whose binary segments Chinese) indexes a folder of HTML.
Feeding it the records (search_records.record_html) as small files in a scratch folder
is far faster than its Python API, which answers one request at a time (measured: 0.1 s
a record, concurrent requests too; the binary indexes 21,000 records in about 6 s). The
files sit in one folder, named by a digest of their page's address, which each record
carries as its `url` meta (the search page links to that, not to the file's). The binary runs beside the
build (start() before mkdocs runs and the data files are written, wait() after) and dies with it; its
filters are then put in a fixed order (pagefind_order.py), so the site is reproducible.

Written into the site:
  pagefind/        the index, its fragments and pagefind.js (the search page loads it)
  search/exact/    meta.json and <n>.json: exact names and 文号 (search_records.exact_shards)
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fundsite.publish.pagefind_order import pin_filter_order
from fundsite.site.search_records import SearchRecord, exact_shards, record_html
from fundsite.publish.worker_pool import die_with_parent

BUNDLE = "pagefind"
EXACT = "search/exact"
# Pagefind's ready-made interfaces: the search page has its own (site_src/assets/search.js).
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


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
    folder out; wait() returns None when the index is complete, else one line saying what went
    wrong; move_into(site_dir) puts it into the site; stop() ends Pagefind and removes its
    folders however the build went."""

    def __init__(self):
        self.peak_mib = 0.0  # Pagefind's peak resident memory
        self.cpu_s = 0.0  # and its CPU time (it runs beside the pages being written: its wall time is not its own)
        self._process: subprocess.Popen | None = None
        self._scratch: Path | None = None  # the records Pagefind reads
        self._out: Path | None = None  # the index it writes, until it moves into the site

    def start(self, records: list[SearchRecord], out: Path) -> "SearchIndexer":
        """out: a folder that does not exist yet, best on the site's file system (the index is then
        moved into the site by a rename, not copied)."""
        self._out = Path(out)
        self._out.mkdir(parents=True)
        folder = _memory_folder()
        clear_dead_scratches(Path(folder or tempfile.gettempdir()))
        self._scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=folder))
        for record in records:  # one folder of files: a folder per page, as the site has, costs a mkdir each
            name = hashlib.sha256(record.url.encode("utf-8")).hexdigest()[:20]
            (self._scratch / f"{name}.html").write_text(record_html(record), encoding="utf-8")
        for name, data in exact_shards(records).items():
            target = self._out / EXACT / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(self._scratch), "--output-path", str(self._out / BUNDLE),
             "--force-language", "zh", "--silent"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        return self

    def wait(self) -> str | None:
        try:
            output = self._process.stdout.read()
            # wait4, not wait: the rusage of this child alone gives Pagefind's peak memory.
            _, status, usage = os.wait4(self._process.pid, 0)
            self._process.returncode = os.waitstatus_to_exitcode(status)
            self.peak_mib = usage.ru_maxrss / 1024
            self.cpu_s = usage.ru_utime + usage.ru_stime
        finally:
            self._end()
        if self._process.returncode != 0:
            said = " ".join(output.decode("utf-8", "replace").split())[:300]
            return f"Pagefind exited with code {self._process.returncode}: {said or 'no message'}"
        for name in _UNUSED:
            (self._out / BUNDLE / name).unlink(missing_ok=True)
        try:
            pin_filter_order(self._out / BUNDLE)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            return f"Pagefind's bundle could not be put in a fixed order: {type(exc).__name__}: {exc}"
        return None

    def move_into(self, site_dir: Path) -> None:
        """The finished index into the site: pagefind/ and search/exact/."""
        for part in (BUNDLE, EXACT):
            target = Path(site_dir) / part
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(self._out / part, target)  # a rename on one file system

    def _end(self) -> None:
        """Pagefind ended, its records removed."""
        if self._process is not None and self._process.returncode is None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def stop(self) -> None:
        """Pagefind ended and its folders removed, the index too unless it moved into the site."""
        self._end()
        if self._out is not None:
            shutil.rmtree(self._out, ignore_errors=True)
            self._out = None
