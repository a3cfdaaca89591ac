"""Command line: validate the data package and build the static site."""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from fundsite.check.package import check_package
from fundsite.package_profile import WEB_ADDRESS
from fundsite.paths import DATAPACKAGE, SITE, site_address
from fundsite.problems import Problem, summary
from fundsite.publish.fingerprint import fingerprints, is_current
from fundsite.check.gc_pause import bulk_reading, keep_for_the_build
from fundsite.timing import Phases, emit


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Validate the data package and build the static site.")
    parser.add_argument("--package", default=None, help="data package folder (default: datapackage/)")
    parser.add_argument("--out", default=None, help="folder to publish the site into (default: site/)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="validate only; build nothing")
    mode.add_argument("--serve", action="store_true", help="build, then preview on http://127.0.0.1:PORT/")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    parser.add_argument("--report", default=None, help="where to write the HTML validation report "
                                                       "(default: build-report.html next to the package folder)")
    parser.add_argument("--force", action="store_true", help="rebuild even if no input changed since the last build")
    parser.add_argument("--timings", action="store_true", help="print per-phase times and peak memory as one JSON line")
    parser.add_argument("--site-url", default=None, metavar="URL",
                        help="the address the site is published at (https://…/): canonical links, the sitemap, "
                             "citations, data.json and the feed use it (default: mkdocs.yml's site_url)")
    return parser


def _report(problems: list[Problem], report: Path, package_dir: Path, display: str) -> None:
    for problem in sorted(set(problems)):
        print(problem.line())
    print(summary(sorted(set(problems))))
    from fundsite.report import write_report  # the same problems on one HTML page, grouped by file, with hints
    write_report(report, problems, package_dir, display)


def _report_clean(report: Path, package_dir: Path, display: str) -> None:
    from fundsite.report import write_report
    write_report(report, [], package_dir, display)


def _usage_error(args, package_dir: Path, out_dir: Path) -> str | None:
    """What is wrong with the command line, before anything is touched (exit 2)."""
    from fundsite.publish.publish import refuse_out_dir
    from fundsite.publish.search_index import BUNDLE_RECORDS_VARIABLE, bundle_records

    if not args.check:
        refusal = refuse_out_dir(out_dir, package_dir)
        if refusal:
            return f"--out {out_dir}: refused, nothing was changed: {refusal}."
    if args.site_url is not None and not WEB_ADDRESS.match(args.site_url):
        return f"--site-url {args.site_url!r}: the site's address must start with http:// or https://."
    if not 1 <= args.port <= 65535:
        return f"--port {args.port}: a port is a number from 1 to 65535."
    if _lock_timeout() is None:
        return f"FUNDSITE_LOCK_TIMEOUT={os.environ['FUNDSITE_LOCK_TIMEOUT']!r} is not a number of seconds."
    if bundle_records() is None:
        return (f"{BUNDLE_RECORDS_VARIABLE}={os.environ[BUNDLE_RECORDS_VARIABLE]!r} is not a whole number "
                "of records (1 or more).")
    return None


def _lock_timeout() -> float | None:
    try:
        timeout = float(os.environ.get("FUNDSITE_LOCK_TIMEOUT", "600"))
    except ValueError:
        return None
    return timeout if 0 <= timeout < float("inf") else None


# A program whose reader stopped reading ends with this code: 128 + SIGPIPE, as the shell reports one
# the signal killed.
BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    """build.py: the exit code (0 built or valid, 1 problems in the data, 2 usage, 3 locked, 4 a bug,
    141 the reader of the output went away)."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # a pipe's reader that went away shows here, not at the interpreter's exit
    except BrokenPipeError:  # `build.py | head -1`: the reader stopped reading; nothing more to say
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is still buffered goes nowhere
        except (OSError, ValueError):  # stdout is not a file (a test's StringIO)
            pass
        return BROKEN_PIPE
    return code


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        os.getcwd()  # relative paths, the report and the lock are found from here
    except OSError:
        print("build.py: error: the current folder no longer exists or cannot be read; cd into a folder and run again",
              file=sys.stderr)
        return 2
    package_dir = Path(args.package) if args.package else DATAPACKAGE
    display = args.package.rstrip("/") if args.package else "datapackage"
    out_dir = Path(args.out) if args.out else SITE
    report = Path(args.report) if args.report else package_dir.resolve().parent / "build-report.html"

    error = _usage_error(args, package_dir, out_dir)
    if error:
        print(f"build.py: error: {error}", file=sys.stderr)
        return 2

    from filelock import Timeout

    from fundsite.publish.publish import build_lock

    timeout = _lock_timeout()
    lock = build_lock(out_dir, timeout)
    try:
        held = lock.acquire()
    except Timeout:
        print(f"Build aborted: another build into {out_dir} held the lock for {timeout:g} seconds. Nothing was changed.",
              file=sys.stderr)
        return 3
    with held:  # releases the lock however the build ends
        try:
            code = _build(args, package_dir, display, out_dir, report)
        except BrokenPipeError:  # our reader went away (see main), not a bug
            raise
        except Exception as exc:  # a bug of ours: one line, not a traceback; the published site is untouched
            problem = Problem(display, 0, "-", "internal-error", f"{type(exc).__name__}: {exc}, please report")
            print(problem.line())
            print(summary([problem]))
            try:
                from fundsite.report import write_report
                write_report(report, [problem], package_dir, display)
            except Exception:  # the report is a courtesy: the line above already says it all
                pass
            return 4
    return _serve(out_dir, args.port) if args.serve and code == 0 else code


def _build(args, package_dir: Path, display: str, out_dir: Path, report: Path) -> int:
    """The build under its lock: load, check and model the package (check_package), then render
    the site and publish it (_render_and_publish). Serving is the caller's, after the lock."""
    from fundsite.site.downloads import pin_build_date

    phases = Phases()
    prints = None
    if not args.check:  # --check only validates: no site to compare with
        with phases.phase("fingerprint"):
            prints = fingerprints(package_dir, _site_url(args))
    if prints and not args.force and is_current(out_dir, prints.input):
        print(f"Up to date: no input changed since the site in {out_dir} was built (--force rebuilds).")
        if args.timings:
            emit(phases, pages=0, files=0)
        return 0
    if args.check:
        with bulk_reading():
            model, problems = check_package(package_dir, display, phases)
        if problems:
            _report(problems, report, package_dir, display)
            return 1
        print(f"Valid: {sum(len(rows) for rows in model.tables.values())} rows in {len(model.tables)} tables.")
        _report_clean(report, package_dir, display)
        return 0

    from fundsite.publish.early_downloads import EarlyDownloads, looks_large
    from fundsite.publish.publish import clear_leftovers, spool_folder, working_path
    from fundsite.publish.worker_pool import WorkerPool

    clear_leftovers(out_dir)  # of builds into out_dir that were killed
    # A large package's rendered pages wait on disk (the spool), and its whole-package downloads
    # start in the workers while the package is checked (early_downloads.py).
    spool = spool_folder(out_dir) if looks_large(package_dir) else None
    try:
        with WorkerPool() as pool:  # whatever happens, no worker outlives the build
            early = (EarlyDownloads(pool, package_dir, spool / "downloads", out_dir, prints.package, prints.code)
                     if spool and pool.processes else None)
            with bulk_reading():
                model, problems = check_package(package_dir, display, phases)
            keep_for_the_build()
            if problems:
                pool.close(failed=True)  # the early downloads are of no use
                _report(problems, report, package_dir, display)
                return 1
            pin_build_date(model)
            site_url = _site_url(args)
            output, published, workers = _render_and_publish(model, out_dir, phases, prints, site_url, pool, spool,
                                                             early)
    finally:  # nor any half-made folder, once no worker can write into it any more
        if spool:
            shutil.rmtree(spool, ignore_errors=True)
        shutil.rmtree(working_path(out_dir, "files"), ignore_errors=True)
    if published.problems:
        _report(published.problems, report, package_dir, display)
        return 1
    pages = len(output.pages) + len(output.direct)
    files = len(output.files) + output.csv_count + len(output.twins)
    print(f"Built {pages} pages and {files} data files into {out_dir} "
          f"(XLSX twins: {published.twins_written} written, {published.twins_carried_over} unchanged and carried over; "
          f"unchanged and linked from the previous site: {published.pages_linked} pages, {published.csvs_linked} CSVs).")
    rendered = reused = removed = 0
    if output.memo is not None:
        memo = output.memo
        rendered, reused = memo.rendered, memo.reused
        removed = len(set(memo.previous) - {page.url for page in output.direct})
        print(f"Entity pages: {rendered} rendered, {reused} not rendered because their inputs did not change, "
              f"{removed} removed.")
    if workers["downloads_reused"]:
        print("Whole-package downloads: the package, the code and the date are those of the published site; "
              "its files are kept.")
    if not site_url:
        print("Note: the site's address is not set (site_url in mkdocs.yml, or --site-url): canonical links, "
              "the sitemap, data.json and the feed stay relative, which harvesters and search engines do not "
              "accept. Set it before publishing.")
    if args.timings:
        emit(phases, pages=pages, files=files, twins_written=published.twins_written,
             twins_carried_over=published.twins_carried_over, pages_linked=published.pages_linked,
             pages_rendered=rendered, pages_reused=reused, pages_removed=removed,
             csvs_linked=published.csvs_linked, **workers)
    _report_clean(report, package_dir, display)
    return 0


def _site_url(args) -> str:
    """--site-url, else mkdocs.yml's site_url; '' when neither says (links stay relative)."""
    from fundsite.paths import configured_site_url

    return site_address(args.site_url) if args.site_url is not None else configured_site_url()


def _render_and_publish(model, out_dir: Path, phases: Phases, prints, site_url: str, pool, spool: Path | None,
                        early=None):
    """Render, then publish, with the build's one worker pool; (output, published, worker figures).
    prints: the inputs' fingerprints (fingerprint.Fingerprints); spool: the folder a large package's
    pages wait in (None: in memory); early: its whole-package downloads, started while it was
    checked (early_downloads.py)."""
    from fundsite.publish.downloads_worker import PackageDownloads, downloads_key, published_downloads
    from fundsite.site.render import render_site
    from fundsite.publish.publish import publish, twin_writer
    from fundsite.site.page_memo import StaleShell

    large = spool is not None  # the build judged the package large before checking it (early_downloads.looks_large)
    unreleased = bool(model.releases[1])
    downloads = downloads_key(prints.package, prints.code, unreleased) if model.root else None
    published_files = published_downloads(out_dir, downloads) if downloads else None
    package_files = None
    if model.root and early is not None:
        package_files = early.downloads_for(sorted(model.source_texts), unreleased)
    elif model.root and (large or published_files):
        # Small packages make their downloads in the main process (faster than a worker's start),
        # unless the published ones can be kept.
        package_files = PackageDownloads(pool, model.root, spool / "downloads" if spool else None,
                                         sorted(model.source_texts), unreleased, published_files)

    def render_and_publish(memo):
        # The per-entity CSVs and XLSX twins go to the writer as they are made, so the workers write
        # them while the pages render (at 21,000 projects, ~19 CPU-s in what was an idle core).
        # If this fails, _build ends the workers, then removes the writer's folder.
        twins = twin_writer(model, out_dir)
        twins.start(pool)
        with phases.phase("render"):
            output = render_site(model, spool, phases, package_files, site_url, memo, twins)
        return output, publish(output, out_dir, twins, phases, stamp=prints.input, site_url=site_url,
                               downloads=downloads)
    try:
        output, published = render_and_publish(page_memo(out_dir, prints.site))
    except StaleShell:  # the published pages' shell is not this build's: render them all
        output, published = render_and_publish(page_memo(None, prints.site))
    workers = {"workers": pool.processes, "worker_peak_mib": round(pool.peak_mib, 1),
               "search_peak_mib": round(published.search_peak_mib, 1),
               "search_cpu_s": round(published.search_cpu_s, 2),
               "downloads_reused": bool(package_files and package_files.reused)}
    return output, published, workers


def page_memo(out_dir: Path | None, site_inputs: str):
    """What decides which entity pages to render (site/page_memo.py): with out_dir, the pages whose
    inputs did not change since the site published there are linked from it; without, all render.
    site_inputs: the fingerprint of everything but the data (fingerprint.Fingerprints.site)."""
    from fundsite.publish import site_state
    from fundsite.site.page_memo import memo_maker

    record = site_state.read(out_dir, "pages") if out_dir is not None and Path(out_dir).is_dir() else None
    return memo_maker(site_inputs, record, Path(out_dir).resolve() if record else None)


def site_handler(out_dir: Path):
    """A request handler for the built site as a static host serves it: files and index.html
    pages only, never a folder listing, never a dotfile (the build's bookkeeping)."""
    import functools
    import http.server
    import urllib.parse

    class SiteHandler(http.server.SimpleHTTPRequestHandler):
        def list_directory(self, path):
            self.send_error(404, "Not found")
            return None

        def send_head(self):
            # Decoded as the file is looked up: "/%2esecret" is "/.secret".
            parts = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0]).split("/")
            if any(part.startswith(".") for part in parts):
                self.send_error(404, "Not found")
                return None
            return super().send_head()

        def log_message(self, format, *args):  # quiet: the build's own output is what matters
            pass

    return functools.partial(SiteHandler, directory=str(out_dir))


def _serve(out_dir: Path, port: int) -> int:
    import http.server

    with http.server.ThreadingHTTPServer(("127.0.0.1", port), site_handler(out_dir)) as server:
        print(f"Serving {out_dir} at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
