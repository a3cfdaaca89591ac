"""The site inside mkdocs: the generated pages and files enter mkdocs's own build through its hooks.

mkdocs.yml names fundsite/publish/mkdocs_hooks.py, which hands over to the hooks here, so
`mkdocs build` and `mkdocs serve` on the repository build the same site as build.py:

  on_config      plain mkdocs loads, checks and renders the bundled package here (invalid data
                 stops it with the problem lines); build.py has done that before it runs mkdocs,
                 so bad data never reaches mkdocs, and hands over what it rendered (handed_over)
  on_files       the rendered Markdown pages and data files join the hand-written pages of
                 site_src/ as generated files: nothing is written into the checkout
  on_env         the theme's compiled templates are kept between builds
  on_post_page   every page mkdocs rendered has a search record (a guard: see start_search)
  on_post_build  the entity pages are written into the theme's page shell (page_shell.py),
                 the sitemap gets them (sitemap.py), the XLSX twin writers and Pagefind finish;
                 files/ and the search index move in

Pagefind (search_index.py) starts before mkdocs does, on every page's search record
(start_search): the renderer's, and those of the pages mkdocs renders from Markdown, made
from their Markdown. It indexes while the data files, mkdocs's pages and the entity pages
are written.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fundsite.publish.icon_sprite import SPRITE, sprite
from fundsite.publish.page_shell import write_direct_pages
from fundsite.publish.unchanged_files import link_or_copy
from fundsite.site.rendered import SHELL_MARKDOWN, SHELL_SOURCE, SHELL_URL, spooled_bytes
from fundsite.site.pages import Output
from fundsite.paths import site_address
from fundsite.problems import Problem
from fundsite.publish.search_index import SearchIndexer
from fundsite.site.search_records import SearchRecord, record_from_markdown
from fundsite.publish.sitemap import complete_sitemap
from fundsite.timing import Phases
from fundsite.publish.worker_pool import WorkerPool
from fundsite.publish.xlsx_twins import TwinWriter

# Per-entity downloads are linked only from entity pages' HTML, so mkdocs never
# needs to see them: they are assembled beside the site and moved in at the end.
DIRECT_FILES = "files/"
SEARCH_PAGE = "search/"
SEARCH_OUT = "search-index"  # plain mkdocs's: where Pagefind writes the index, beside files/


@dataclass
class SiteBuild:
    """What one mkdocs build adds to the hand-written pages: the rendered output and the writer
    of its XLSX twins."""

    output: Output
    twins: TwinWriter
    phases: Phases = field(default_factory=Phases)
    problems: list[Problem] = field(default_factory=list)
    pages_linked: int = 0  # entity pages unchanged since the published site, hard-linked
    search_peak_mib: float = 0.0  # Pagefind's peak memory
    search_cpu_s: float = 0.0  # and its CPU time
    pool: WorkerPool | None = None  # plain mkdocs's own worker pool (build.py's outlives the mkdocs run)
    indexer: SearchIndexer | None = None  # Pagefind, from start_search() on
    recorded: set[str] = field(default_factory=set)  # the URLs of the pages with a search record

    def start_search(self, config, out: Path) -> None:
        """Start Pagefind on every page's search record, before mkdocs runs (config: its loaded
        configuration); the index is made in folder out and moves into the site at the end."""
        records = self.output.search + markdown_records(self.output, config)
        self.recorded = {record.url for record in records}
        self.indexer = SearchIndexer().start(records, out)

    def stop_search(self) -> None:
        if self.indexer is not None:
            self.indexer.stop()


_handed: SiteBuild | None = None  # build.py's, while it runs mkdocs
_own: SiteBuild | None = None  # made by on_config when mkdocs runs on its own


@contextmanager
def handed_over(build: SiteBuild):
    """Run mkdocs inside this to build `build` instead of rendering the bundled package."""
    global _handed
    _handed = build
    try:
        yield build
    finally:
        _handed = None


def _current() -> SiteBuild:
    return _handed or _own


def write_direct_files(output: Output, root: Path) -> None:
    for rel, data in sorted(output.files.items()):
        if rel.startswith(DIRECT_FILES):
            _put(root / rel, data)


def write_entity_files(output: Output, twins: TwinWriter) -> None:
    """The per-entity CSVs and XLSX twins the renderer kept (render_site without `files`: a build
    without worker processes, whose main process writes them once Pagefind runs) to the started
    twin writer: each twin right after its CSVs (its job writes them), the other CSVs in batches;
    the other direct files beside them. Where the renderer handed them over as it went, only the
    direct files are left."""
    in_twins = set()
    for url, csvs in output.twins.items():
        in_twins.update(csv_path for csv_path, _table in csvs)
        if not twins.has_twin(url):
            for csv_path, _table in csvs:
                _hand(twins, csv_path, output.entity_csvs[csv_path])
            twins.add_twin(url, csvs)
    for url, data in output.entity_csvs.items():
        if url not in in_twins:
            _hand(twins, url, data)
            twins.page_done()
    write_direct_files(output, twins.root)


def _hand(twins: TwinWriter, url: str, data) -> None:
    if isinstance(data, Path):  # the published CSV, made from the same rows (page_memo.py)
        twins.add_published(url, data)
    else:
        twins.add(url, data if isinstance(data, bytes) else spooled_bytes(data))


def _put(path: Path, data: bytes | Path) -> None:
    """Write bytes, or link (else copy) a file the build already wrote."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        link_or_copy(data, path)
    else:
        path.write_bytes(data)


_H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)


def markdown_records(output: Output, config) -> list[SearchRecord]:
    """The search records of the pages mkdocs renders from Markdown, which the renderer gave
    none: site_src/'s hand-written pages and the renderer's Markdown pages (home, downloads,
    comparisons, ...). Each holds its title as mkdocs gives it (the navigation's, else the
    front matter's, else the first heading) and the text of its Markdown as HTML."""
    from mkdocs.structure.files import File
    from mkdocs.utils.meta import get_data

    docs = Path(config.docs_dir)
    sources: dict[str, str | Path] = {path.relative_to(docs).as_posix(): path for path in sorted(docs.rglob("*.md"))}
    sources.update((rel, data) for rel, data in output.pages.items() if rel.endswith(".md"))
    sources.pop(SHELL_SOURCE, None)
    titles = dict(_nav_titles(config.nav or []))
    recorded = {record.url for record in output.search}
    records = []
    for rel, data in sorted(sources.items()):
        url = File(rel, str(docs), config.site_dir, config.use_directory_urls).url
        url = "" if url in (".", "./") else url  # the home page's, as mkdocs's Page.url gives it
        if url in recorded or url == SEARCH_PAGE:
            continue
        body, meta = get_data(data.read_text(encoding="utf-8") if isinstance(data, Path) else data)
        heading = _H1.search(body)
        title = (titles.get(rel) or html.unescape(str(meta.get("title") or ""))
                 or (heading.group(1) if heading else config.site_name))
        kind = "对比" if url.startswith("compare/") else "说明"
        records.append(record_from_markdown(url, title, body, kind, config.markdown_extensions, config.mdx_configs))
    return records


def _nav_titles(nav):
    """(Markdown file, title) of every page the navigation names with a title."""
    for item in nav:
        if isinstance(item, dict):
            for title, target in item.items():
                if isinstance(target, list):
                    yield from _nav_titles(target)
                elif isinstance(target, str):
                    yield target, title


# -- the hooks ---------------------------------------------------------------------------

def on_config(config):
    global _own
    if _handed is None:
        _own = _render_bundled(config)
    return config


def _render_bundled(config) -> SiteBuild:
    """Plain `mkdocs build`/`serve`: what build.py would render from the bundled package."""
    from mkdocs.exceptions import PluginError

    from fundsite.check.package import check_package
    from fundsite.site.downloads import pin_build_date
    from fundsite.site.render import render_site
    from fundsite.paths import DATAPACKAGE

    model, problems = check_package(DATAPACKAGE, "datapackage")
    if problems:
        lines = "\n".join(p.line() for p in sorted(set(problems)))
        raise PluginError(f"the data package is not valid (python build.py --check says the same):\n{lines}")
    pin_build_date(model)
    pool = WorkerPool().start()
    twins = TwinWriter(model.schemas, model.descriptor, Path(tempfile.mkdtemp(prefix="fundsite-files-")), None)
    try:
        twins.start(pool)
        output = render_site(model, site_url=site_address(config.site_url or ""), files=twins)
    except BaseException:
        _stop(SiteBuild(Output(), twins, pool=pool), failed=True)
        raise
    build = SiteBuild(output, twins, pool=pool)
    try:
        build.start_search(config, twins.root / SEARCH_OUT)
        write_entity_files(output, twins)
    except BaseException:
        _stop(build, failed=True)
        raise
    return build


def _walk_order(file) -> list[tuple]:
    """Where mkdocs would have found the file walking site_src/: a folder's files before its
    subfolders, index first; so the site (its search index too) does not depend on which
    pages were generated."""
    *folders, name = file.src_uri.split("/")
    stem = name.rsplit(".", 1)[0]
    return [(1, folder) for folder in folders] + [(0, stem not in ("index", "README"), name)]


def on_files(files, config):
    from mkdocs.structure.files import File, Files, InclusionLevel

    build = _current()
    generated = dict(build.output.pages)
    generated[SPRITE] = sprite(config.theme)  # the icons every page points to (icon_sprite.py)
    if build.output.direct or build.output.nav_fills:
        generated[SHELL_SOURCE] = SHELL_MARKDOWN
    generated.update((rel, data) for rel, data in build.output.files.items() if not rel.startswith(DIRECT_FILES))
    for rel, data in sorted(generated.items()):
        stale = files.get_file_from_path(rel)
        if stale is not None:  # left in site_src/ by a build of an older version of this tool
            files.remove(stale)
        inclusion = (InclusionLevel.NOT_IN_NAV if config.not_in_nav and config.not_in_nav.match_file(rel)
                     else InclusionLevel.UNDEFINED)
        if isinstance(data, Path):
            files.append(File.generated(config, rel, abs_src_path=str(data), inclusion=inclusion))
        else:
            files.append(File.generated(config, rel, content=data, inclusion=inclusion))
    return Files(sorted(files, key=_walk_order))


def on_env(env, config, files):
    """The theme's compiled templates are kept between builds, as the renderer's are."""
    from fundsite.site.pages import template_cache

    env.bytecode_cache = template_cache()
    return env


def on_post_page(output, page, config):
    """Every page mkdocs renders was given a search record before it ran (markdown_records), but
    the theme's page shell and the search page (its examples, 随军家属 and 27号, would find it)."""
    build = _current()
    url = page.url
    if not (url.startswith("_shell/") or url == SEARCH_PAGE or url in build.recorded):
        build.problems.append(Problem(page.file.src_uri, 0, "-", "search-error",
                                      "the page has no search record: it was not in the site's sources when the build started"))
    return output


THEME_SEARCH_FILES = ("assets/javascripts/lunr", "assets/javascripts/workers")


def on_post_build(config):
    build = _current()
    site_dir = Path(config.site_dir)
    output, phases = build.output, build.phases
    indexer = build.indexer
    try:
        try:
            if output.direct or output.nav_fills:
                with phases.phase("mkdocs.pages"):
                    build.pages_linked = write_direct_pages(site_dir, output.direct, build.twins.previous,
                                                            output.nav_fills, output.memo)
                    complete_sitemap(site_dir, site_address(config.site_url or ""),
                                     [page.url for page in output.direct], SHELL_URL)
        except BaseException:  # the build failed or starts again (StaleShell): no index is wanted
            indexer.stop()
            raise
        finally:  # the twin writers are joined and their problems collected however this part ends
            with phases.phase("mkdocs.downloads"):
                build.problems += build.twins.wait()
        with phases.phase("mkdocs.search"):
            failed = indexer.wait()
            build.search_peak_mib, build.search_cpu_s = indexer.peak_mib, indexer.cpu_s
        if failed:
            build.problems.append(Problem("pagefind", 0, "-", "search-error", failed))
        else:
            indexer.move_into(site_dir)
    finally:  # Pagefind does not outlive the build, nor its scratch folders
        indexer.stop()
    if (build.twins.root / DIRECT_FILES).is_dir():
        os.replace(build.twins.root / DIRECT_FILES, site_dir / DIRECT_FILES)
    # The theme's source maps (1.3 MB) describe its own unminified code: nothing a reader needs,
    # and the rule is that the site holds only what it publishes for readers.
    for source_map in sorted((site_dir / "assets").rglob("*.map")):
        source_map.unlink()
    # Nor the theme search's worker and its language files (1 MB): the site searches with
    # Pagefind, and no page names the worker (overrides/base.html leaves it out of the config).
    for unused in THEME_SEARCH_FILES:
        shutil.rmtree(site_dir / unused, ignore_errors=True)
    if build is _own:
        _finish_own(report=True)


def on_build_error(error):
    if _handed is None and _own is not None:
        _finish_own(report=False)  # mkdocs reports the error itself


def on_serve(server, config, builder):
    """`mkdocs serve` rebuilds when the data or the templates change, not only site_src/."""
    from fundsite.paths import DATAPACKAGE, TEMPLATES

    server.watch(str(DATAPACKAGE))
    server.watch(str(TEMPLATES))
    return server


def _finish_own(report: bool) -> None:
    global _own
    build, _own = _own, None
    _stop(build, failed=not report)
    if report and build.problems:
        from mkdocs.exceptions import PluginError

        raise PluginError("\n".join(p.line() for p in build.problems))


def _stop(build: SiteBuild, failed: bool) -> None:
    build.stop_search()
    if build.pool is not None:
        build.pool.close(failed)
    shutil.rmtree(build.twins.root, ignore_errors=True)
