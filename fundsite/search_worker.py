"""Chinese segmentation of the search index, by a worker process.

mkdocs-material segments Chinese text for its search index with jieba, whose
dictionary takes most of a second to load: at a thousand pages that was a fifth
of the build. A build starts this worker first, so the dictionary loads on the
other core while the package is read and the pages are rendered. mkdocs writes
the index unsegmented (see deferred_segmentation); at the end the worker
segments mkdocs's entries with the theme's own function, adds the entity pages'
entries (segmented by segmenter()) and writes the index once.
"""
from __future__ import annotations

import functools
import json
import multiprocessing
from contextlib import contextmanager
from pathlib import Path

from .worker_processes import die_with_parent, peak_mib


def segmenter(segment):
    """The theme's Chinese segmentation, applied one space-separated token at a time and
    remembered: the same names recur on thousands of pages. A run of Han characters never
    crosses a space, so the words are the theme's own; only the zero-width spaces the theme
    puts beside a space are left out, and search splits on both alike."""
    remembered = functools.lru_cache(maxsize=None)(segment)
    return lambda text: " ".join(remembered(token) for token in text.split(" "))


def segment_index(path: Path, entries: list[dict], segment_mkdocs_entries: bool = True) -> None:
    """Segment the titles and texts of mkdocs's search index at path, as the theme does (unless
    the theme did already: plain `mkdocs build`, see add_entries), then add the entity pages'
    entries (segmented token by token) and write it back."""
    from material.plugins.search.plugin import SearchIndex

    data = json.loads(path.read_text(encoding="utf-8"))
    whole = SearchIndex(**data["config"])._segment_chinese
    by_token = segmenter(whole)
    if segment_mkdocs_entries:
        for entry in data["docs"]:
            entry["title"], entry["text"] = whole(entry["title"]), whole(entry["text"])
    for entry in entries:
        entry["title"], entry["text"] = by_token(entry["title"]), by_token(entry["text"])
    data["docs"].extend(entries)
    path.unlink()  # never write through a hard link into a cached copy
    path.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")


def add_entries(path: Path, entries: list[dict]) -> None:
    """Without the worker (plain `mkdocs build`, whose search plugin segmented its own entries):
    add the entity pages' entries to the index at path, segmented as segment_index() does."""
    segment_index(path, entries, segment_mkdocs_entries=False)


def _run(conn) -> None:
    die_with_parent()
    try:
        import jieba

        jieba.initialize()  # the slow part, while the main process renders
        job = conn.recv()
        if job is not None:
            segment_index(Path(job[0]), job[1])
        conn.send((None, peak_mib()))
    except EOFError:  # the build ended without a job (it failed, or had no search index)
        pass
    except Exception as exc:  # reported by the main process
        conn.send((f"{type(exc).__name__}: {exc}", peak_mib()))
    finally:
        conn.close()


class SearchWorker:
    """start() early; segment(index_path, entries) once mkdocs has written the index (see
    segment_index); stop() however the build ends."""

    def __init__(self):
        self.peak_mib = 0.0
        self._process = None
        self._conn = None

    def start(self) -> "SearchWorker":
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(target=_run, args=(child_end,), daemon=True)
        self._process.start()
        child_end.close()
        return self

    def segment(self, index_path: Path, entries: list[dict]) -> str | None:
        """Have the worker segment the index and add entries to it; None when done, else what went wrong."""
        try:
            self._conn.send((str(index_path), entries))
        except OSError:
            pass  # it ended already; its reason may still wait in the pipe
        try:
            message, self.peak_mib = self._conn.recv()
        except (EOFError, OSError):
            message = "the search worker ended without a report"
        self._process.join()
        if message is None and self._process.exitcode != 0:
            message = f"the search worker exited with code {self._process.exitcode}"
        return message

    def stop(self) -> None:
        """End the worker however the build went (closing the pipe tells it there is no job)."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.is_alive():
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()


@contextmanager
def deferred_segmentation():
    """While mkdocs builds: the theme's search plugin leaves Chinese unsegmented (and jieba
    unloaded in this process); segment_index() does it afterwards with the same function."""
    from material.plugins.search.plugin import SearchIndex

    original = SearchIndex._segment_chinese
    SearchIndex._segment_chinese = lambda self, data: data
    try:
        yield
    finally:
        SearchIndex._segment_chinese = original
