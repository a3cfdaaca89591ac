"""The per-entity CSVs and their XLSX twins: written by worker processes, or carried over.

Each page with downloads has one XLSX twin: a workbook with a sheet per CSV of
the page, in the same order (one workbook per page rather than per CSV: making
a workbook costs about as much as writing a few hundred cells into one).
A twin is a pure function of the list of its CSVs (paths and tables, in order),
their bytes, the tables' schemas, the package title, the build's epoch and the
writer code (the "format key"). So:

- a twin made of the same list of CSVs as in the published site, all of them
  byte-identical to the published ones, and whose format key is the one the
  published site was built with (both kept beside the site: site_state.py), is
  hard-linked from the published site instead of being written again: a rebuild
  after one new notice writes only the twins of the pages that notice changed;
- the others are written by the build's worker pool (worker_pool.py).

The renderer hands each CSV over as it is made and each twin right after its
page's CSVs (render_site's `files`), so the workers write them while the pages
render, when the second core would otherwise wait. They write the CSVs too: a new
file costs this machine's disk up to 0.6 ms of system time (unchanged_files.py), at
21,000 projects ~5 s of the main process, which is the build's critical path.
A page's twin job gets its CSVs' bytes and writes them and then the twin; the CSVs of
pages without a twin (projects) go in batches. Nothing large waits in the build's
memory: while the jobs not yet done hold more than BACKLOG_BYTES (the workers are behind),
the main process writes a batch of CSVs itself, and waits for the oldest jobs before it
hands over another twin.

Either way the bytes are the same (tests compare a carried-over build with a
fresh one).
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from concurrent.futures import CancelledError, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from fundsite.problems import Problem
from fundsite.publish import site_state
from fundsite.publish.unchanged_files import link_if_same, link_or_copy, write_new
from fundsite.publish.worker_pool import WorkerPool

BATCH_BYTES = 1 << 20  # per-entity CSVs of pages without a twin, per job: this many bytes
BATCH_FILES = 1_000  # or this many files (a published CSV to link weighs nothing)
BACKLOG_BYTES = 64 << 20  # CSV bytes the jobs not yet done may hold (see the module's docstring)


def put_csvs(root: Path, previous: Path | None, entries: list[tuple[str, bytes | Path]]) -> list[bool]:
    """Put per-entity CSVs under root, given as (path, bytes or the published file with the same
    rows: page_memo.py): one equal to the published file (previous/path) is hard-linked from there
    (see unchanged_files.py). Whether each was unchanged, in order."""
    made, unchanged = set(), []
    for path, data in entries:
        target = root / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(data, Path):
            link_or_copy(data, target)
            unchanged.append(True)
        elif previous is not None and link_if_same(previous / path, data, target):
            unchanged.append(True)
        else:
            write_new(target, data)
            unchanged.append(False)
    return unchanged


def write_twin(root: Path, path: str, csvs: list[tuple[str, str]], schemas: dict, descriptor: dict) -> None:
    """Write the XLSX twin at root/path of a page's CSVs, given as (path under root, table): their
    rows read back from the files with the schemas' types, a sheet per CSV."""
    from fundsite.site.downloads import page_workbook, typed_csv_rows

    tables = []
    for csv_path, table in csvs:
        with open(root / csv_path, encoding="utf-8", newline="") as fh:
            tables.append((table, list(typed_csv_rows(fh, schemas[table]))))
    # A sheet is named by its table; two CSVs of one table (a page's allocations and budgets) by
    # what their file names say ("huadu-budgets.csv" -> budgets).
    tables_seen = [table for _path, table in csvs]
    names = [table if tables_seen.count(table) == 1 else Path(csv_path).stem.rsplit("-", 1)[-1]
             for csv_path, table in csvs]
    write_new(root / path, page_workbook(tables, schemas, descriptor, names))


def _bytes_in(entries: list[tuple[str, bytes | Path]]) -> int:
    """The bytes of the CSVs given as bytes (a published file to link weighs nothing)."""
    return sum(len(data) for _path, data in entries if isinstance(data, bytes))


def page_files(root: Path, previous: Path | None, entries: list[tuple[str, bytes | Path]], path: str,
               csvs: list[tuple[str, str]], carry_from: Path | None, schemas: dict, descriptor: dict) -> tuple[int, bool]:
    """One page's job: its CSVs (entries, as put_csvs), then its XLSX twin at path, hard-linked from
    carry_from (the published twin of the same CSV list and format) when every CSV is unchanged,
    else written. (CSVs unchanged, whether the twin was carried over.)"""
    unchanged = put_csvs(root, previous, entries)
    if carry_from is not None and all(unchanged):
        try:
            os.link(carry_from, root / path)  # a built site's files are never written in place
            return sum(unchanged), True
        except OSError:
            pass
    write_twin(root, path, csvs, schemas, descriptor)
    return sum(unchanged), False


def format_key(schemas: dict, descriptor: dict) -> str:
    """Everything besides the CSV that goes into a twin's bytes."""
    import xlsxwriter

    from fundsite.site import downloads
    from fundsite import model

    digest = hashlib.sha256()
    digest.update(Path(downloads.__file__).read_bytes())
    digest.update(Path(model.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(f"xlsxwriter {xlsxwriter.__version__}\n".encode())
    digest.update(f"epoch {downloads.source_epoch(descriptor)}\n".encode())
    digest.update(f"title {descriptor.get('title', '')}\n".encode())
    digest.update(json.dumps(schemas, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


@dataclass
class TwinWriter:
    """start(pool); add() or add_published() each per-entity CSV, add_twin() each twin right after its
    page's CSVs, page_done() after each page; then wait()."""

    schemas: dict
    descriptor: dict
    root: Path  # the folder the site's files/ tree is assembled in
    previous: Path | None  # the published site, whose CSVs and twins may be carried over
    written: int = 0  # twins written (counted in wait())
    carried_over: int = 0
    csvs_linked: int = 0  # CSVs identical to the published ones, hard-linked from there
    key: str = ""
    _previous_twins: dict = field(default_factory=dict)  # twin path -> its [CSV, table] list, in the published site
    _twins: dict = field(default_factory=dict)  # the same for this build
    _pending: dict = field(default_factory=dict)  # CSV path -> bytes or published file, not yet in a job
    _pending_bytes: int = 0
    _backlog: int = 0  # bytes held by jobs not yet done
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: WorkerPool | None = None
    _jobs: list[tuple[str, Future]] = field(default_factory=list)  # (what it writes, its job)
    _oldest: int = 0  # where _make_room looks first: the jobs before it are done

    def start(self, pool: WorkerPool) -> None:
        self._pool = pool
        self.key = format_key(self.schemas, self.descriptor)
        try:
            old = json.loads(site_state.read(self.previous, "twins") or "{}") if self.previous else {}
        except ValueError:  # none, or from an older build: no twin is carried over
            old = {}
        same_format = isinstance(old, dict) and old.get("key") == self.key
        self._previous_twins = old.get("twins", {}) if same_format else {}
        self.root.mkdir(parents=True, exist_ok=True)

    def add(self, csv_path: str, csv_bytes: bytes) -> None:
        """A per-entity CSV; one identical to the published one is hard-linked from there."""
        self._pending[csv_path] = csv_bytes
        self._pending_bytes += len(csv_bytes)

    def add_published(self, csv_path: str, published: Path) -> None:
        """A per-entity CSV known to equal the published one (page_memo.py): linked."""
        self._pending[csv_path] = published

    @property
    def writes_while_rendering(self) -> bool:
        """Whether worker processes take the files as they come (see SiteRenderer's `files`)."""
        return self._pool is not None and self._pool.processes > 0

    def has_twin(self, path: str) -> bool:
        return path in self._twins

    def add_twin(self, path: str, csvs: list[tuple[str, str]]) -> None:
        """The XLSX twin at path of a page's CSVs, given as (path, table), added just before: one
        job writes them and the twin, or carries the twin over."""
        listed = [[csv_path, table] for csv_path, table in csvs]
        self._twins[path] = listed
        missing = [csv_path for csv_path, _table in csvs if csv_path not in self._pending]
        if missing:  # the renderer's order (add_file, then the page's render) makes this impossible
            raise ValueError(f"{path}: its CSV {missing[0]} was not added just before it")
        entries = [(csv_path, self._pending.pop(csv_path)) for csv_path, _table in csvs]
        self._pending_bytes -= _bytes_in(entries)
        carry_from = self.previous / path if self.previous and self._previous_twins.get(path) == listed else None
        self._make_room()
        self._submit(path, page_files, entries, path, csvs, carry_from, self.schemas, self.descriptor)

    def _make_room(self) -> None:
        """Wait for the oldest jobs while those not yet done hold more than BACKLOG_BYTES. (A job's
        callback may lower the count just after wait() returns: then one job more is waited for.)"""
        while self._backlog > BACKLOG_BYTES and self._oldest < len(self._jobs):
            wait([self._jobs[self._oldest][1]])
            self._oldest += 1

    def page_done(self) -> None:
        """After a page's CSVs and twin: the CSVs waiting go to a job once they are BATCH_BYTES or
        BATCH_FILES. (Never in the middle of a page: its twin's job writes the page's CSVs.)"""
        if self._pending_bytes >= BATCH_BYTES or len(self._pending) >= BATCH_FILES:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        entries, self._pending, self._pending_bytes = list(self._pending.items()), {}, 0
        if self._backlog > BACKLOG_BYTES:  # the workers are behind: no more waits in memory
            self.csvs_linked += sum(put_csvs(self.root, self.previous, entries))
            return
        self._submit("files/", put_csvs, entries)

    def _submit(self, what: str, function, entries, *rest) -> None:
        size = _bytes_in(entries)
        with self._lock:
            self._backlog += size
        try:
            job = self._pool.submit(function, self.root, self.previous, entries, *rest)
        except BrokenProcessPool as error:  # a worker died earlier: said by wait(), as for a job
            job = Future()
            job.set_exception(error)
        job.add_done_callback(lambda _done: self._done(size))
        self._jobs.append((what, job))

    def _done(self, size: int) -> None:
        with self._lock:
            self._backlog -= size

    def wait(self) -> list[Problem]:
        """Write what still waits, let the jobs finish; one problem line per twin (or batch of CSVs)
        that failed, or one for a worker that died: the pool then writes nothing more."""
        self._flush()
        failed = []
        for what, job in self._jobs:
            try:
                error = job.exception()
            except CancelledError:  # the pool was closed as failed
                failed.append("the build ended its jobs")
                break
            if isinstance(error, BrokenProcessPool):
                failed.append("a worker process ended without finishing its jobs")
                break
            if error is not None:
                failed.append(f"{what}: {type(error).__name__}: {error}")
                continue
            result = job.result()
            if isinstance(result, tuple):  # a page's job: its CSVs and its twin
                unchanged, carried = result
                self.csvs_linked += unchanged
                self.carried_over += carried
                self.written += not carried
            else:
                self.csvs_linked += sum(result)
        self._jobs, self._oldest = [], 0
        return [Problem("files/", 0, "-", "download-error", f"XLSX twin: {message}") for message in failed]

    def record(self) -> str:
        """The format key and every twin's list of CSVs, kept beside the site for the next build."""
        return json.dumps({"key": self.key, "twins": self._twins}, sort_keys=True, ensure_ascii=False) + "\n"
