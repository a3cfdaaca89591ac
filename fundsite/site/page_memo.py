"""Render an entity page, or make a per-entity CSV, again only when one of its inputs changed.

A page's inputs are:
  - what every page shares: the build's fingerprint of code, templates, configuration, site
    address and date, and the package's metadata (version, releases, schemas, source texts);
  - the context its builder hands render(), digested value by value (model rows by content);
  - what its template reads beside that context: rows through `m.get`, charts through
    `figures`, comparison links through `concepts_of`, a quality note's subject through `r`.
    While a page renders, the template sees recording stand-ins for these (Reading*), which
    note each call; the record keeps the calls, not their results.

A page's key digests all three. A rebuild digests the new context, replays the recorded
calls against the new data, and when the key is the one the published page was rendered
with, the page is linked from the published site instead of rendered. A template that
reaches anything else (the money model, an index of the renderer) marks its page
untracked: such a page is rendered every time. The site stays byte-identical to a
build from nothing (tests/test_incremental.py changes, adds and removes data at random
and compares every file).

A per-entity CSV is a function of its rows and columns alone: when their digest is the
one recorded for the published CSV, that file is linked instead of made again.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

# What a template may call on the renderer without a record: functions of their arguments
# and of what every page shares (citation: package metadata and site address, both in the
# build's fingerprint; source_line_url: the names of the source texts, in it too).
PURE_RENDERER = frozenset({"rel", "link", "file_label", "citation", "source_line_url"})


class Untracked(Exception):
    """A value whose digest cannot be taken: its page is rendered every time."""


def digest(value) -> str:
    """A context value's content digest: the digest of its repr, in which a model row stands as
    its own digest (model.Row), so a page's whole context costs one repr at C speed."""
    text = repr(value)
    if " at 0x" in text:  # an object without a repr of its content: no key can be taken
        raise Untracked(text[:80])
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class Recorder:
    """The calls one page's template made beside its context, and their results' digests."""

    def __init__(self):
        self.reads: list[list] = []
        self.results: list[str] = []
        self.untracked = False
        self._seen: set[tuple] = set()

    def note(self, result, *read):
        """Note a call (once: the same call gives the same result within a build) and return its result."""
        if read in self._seen:
            return result
        self._seen.add(read)
        self.reads.append(list(read))
        try:
            self.results.append(digest(result))
        except Untracked:
            self.untracked = True
        return result


class ReadingModel:
    """The model as a template sees it while its page is recorded: get() is noted, anything
    else makes the page untracked."""

    def __init__(self, model, recorder: Recorder):
        self._model, self._recorder = model, recorder

    def get(self, table: str, key):
        return self._recorder.note(self._model.get(table, key), "get", table, key)

    def __getattr__(self, name):
        self._recorder.untracked = True
        return getattr(self._model, name)


class ReadingRenderer:
    def __init__(self, renderer, recorder: Recorder):
        self._r, self._recorder = renderer, recorder

    def note_subject(self, note: dict) -> str:
        return self._recorder.note(self._r.note_subject(note), "note_subject", note["note_id"])

    def __getattr__(self, name):
        if name not in PURE_RENDERER:
            self._recorder.untracked = True
        return getattr(self._r, name)


# Chart builders whose figure is a function of their arguments alone: the arguments come from
# the page's context and recorded calls, so the call itself needs no record.
PURE_FIGURES = frozenset({"money_by_project", "plan_baseline_target", "indicator_kinds"})


class ReadingFigures:
    """The chart builders: a call with ids for arguments is noted; one given rows or groups
    makes the page untracked (its arguments could not be replayed), unless the chart is a
    function of its arguments alone."""

    def __init__(self, figures, recorder: Recorder):
        self._figures, self._recorder = figures, recorder

    def __getattr__(self, name):
        method = getattr(self._figures, name)
        if name in PURE_FIGURES:
            return method

        def call(*args):
            if all(isinstance(a, (str, int, type(None))) for a in args):
                return self._recorder.note(method(*args), "figures", name, *args)
            self._recorder.untracked = True
            return method(*args)
        return call


def reading_concepts_of(concepts_of, recorder: Recorder):
    def call(table: str, row_ids):
        row_ids = list(row_ids)
        return recorder.note(concepts_of(table, row_ids), "concepts_of", table, *row_ids)
    return call


class StaleShell(RuntimeError):
    """The theme's page shell differs from the one the published pages were written into,
    though nothing in the build's fingerprint changed: the pages must all be rendered."""


def memo_maker(build_inputs: str, record: str | None, site: Path | None):
    """What render_site() takes as memo: build_inputs, the fingerprint of everything but the data
    (fingerprint.Fingerprints.site); record, the published site's pages record (None: there is
    none, every page renders); site, the published site."""
    def make(renderer) -> PageMemo:
        m = renderer.m
        # The release log and whether there are unreleased changes (the version every page
        # cites), not the changes themselves: those are on the releases page only.
        shared = digest([build_inputs, m.descriptor, m.schemas, m.release_log, bool(m.releases[1]),
                                sorted(m.source_texts)])
        previous, files, shell = PageMemo.load(record, shared)
        return PageMemo(renderer, shared, previous, site if previous or files else None, shell, files)
    return make


class PageMemo:
    """The keys of the published entity pages and the calls each made; the keys of this build's.

    shared: the digest of what every page shares. previous: {url: [key, reads]} of the
    published site (empty: every page renders). site: the published site's folder. shell:
    the digest of the page shell the published pages were written into."""

    def __init__(self, renderer, shared: str, previous: dict | None = None, site: Path | None = None,
                 shell: str | None = None, files: dict | None = None):
        self.r = renderer
        self.shared = shared
        self.previous = previous or {}
        self.previous_files = files or {}  # {per-entity CSV: [digest of its rows, size]}
        self.kept_files: dict[str, list] = {}
        self.site = Path(site) if site else None
        self.previous_shell = shell
        self.shell: str | None = None  # this build's, set when pages are written (page_shell.py)
        self.kept: dict[str, list] = {}  # this build's records
        self.rendered = self.reused = 0

    def check_shell(self, shell_text: str) -> None:
        """Called with this build's page shell before any page is written into it."""
        self.shell = hashlib.blake2b(shell_text.encode(), digest_size=16).hexdigest()
        if self.reused and self.shell != self.previous_shell:
            raise StaleShell("the page shell changed")

    def context_digest(self, template: str, url: str, title: str, context: dict) -> str | None:
        try:
            return digest([self.shared, template, url, title, context])
        except Untracked:
            return None

    def recording(self, context: dict) -> Recorder:
        """Give a page's template recording stand-ins for what it reads beside its context."""
        recorder, env = Recorder(), self.r.env.globals
        context.update(m=ReadingModel(self.r.m, recorder), r=ReadingRenderer(self.r, recorder),
                       figures=ReadingFigures(env["figures"], recorder),
                       concepts_of=reading_concepts_of(env["concepts_of"], recorder))
        return recorder

    def _replay(self, read: list) -> str:
        what, *args = read
        if what == "get":
            return digest(self.r.m.get(*args))
        if what == "note_subject":
            note = self.r.m.get("quality_notes", args[0])
            return digest(self.r.note_subject(note)) if note else "-"
        if what == "figures":
            return digest(getattr(self.r.env.globals["figures"], args[0])(*args[1:]))
        if what == "concepts_of":
            return digest(self.r.env.globals["concepts_of"](args[0], args[1:]))
        raise Untracked(what)

    @staticmethod
    def key(context_digest: str, reads: list[list], results) -> str:
        digest = hashlib.blake2b(context_digest.encode(), digest_size=16)
        for read, result in zip(reads, results):
            digest.update(json.dumps(read, ensure_ascii=False).encode())
            digest.update(result.encode())
        return digest.hexdigest()

    def published_page(self, url: str, context_digest: str) -> Path | None:
        """The published page to link when its key still holds, else None (render it)."""
        entry = self.previous.get(url)
        if entry is None or self.site is None:
            return None
        key, reads = entry
        path = self.site / url / "index.html"
        try:
            if self.key(context_digest, reads, map(self._replay, reads)) != key or not path.is_file():
                return None
        except (Untracked, TypeError, KeyError):
            return None
        self.kept[url] = entry
        self.reused += 1
        return path

    def published_file(self, url: str, digest: str) -> tuple[Path, int] | None:
        """(the published per-entity CSV, its size) when it was made from rows with this digest
        (and the same columns: the digest covers them), else None (make it)."""
        entry = self.previous_files.get(url)
        if entry is None or entry[0] != digest or self.site is None:
            return None
        path = self.site / url
        if not path.is_file():
            return None
        self.kept_files[url] = entry
        return path, entry[1]

    def recorded(self, url: str, context_digest: str | None, recorder: Recorder) -> None:
        self.rendered += 1
        if context_digest is not None and not recorder.untracked:
            self.kept[url] = [self.key(context_digest, recorder.reads, recorder.results), recorder.reads]

    def dump(self) -> str:
        """The record kept beside the published site (site_state.py: `pages`)."""
        return json.dumps({"shared": self.shared, "shell": self.shell, "pages": self.kept, "files": self.kept_files},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @staticmethod
    def load(text: str | None, shared: str) -> tuple[dict, dict, str | None]:
        """The published pages' and CSVs' records and the shell digest, if they were made with the
        same shared inputs; else ({}, {}, None)."""
        nothing = {}, {}, None
        if not text:
            return nothing
        try:
            data = json.loads(text)
        except ValueError:
            return nothing
        if (not isinstance(data, dict) or data.get("shared") != shared or not isinstance(data.get("pages"), dict)
                or not isinstance(data.get("files"), dict)):
            return nothing
        return data["pages"], data["files"], data.get("shell")
