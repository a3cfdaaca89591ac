"""Render the whole site from the model: every kind's pages (kinds.py), the pages about the
data as a whole, their figures and their downloads."""
from __future__ import annotations

from pathlib import Path

from fundsite.site import compare
from fundsite.site import figures
from fundsite.site import package_pages
from fundsite.site import page_builders
from fundsite.kinds import GENERIC, KINDS
from fundsite.model import Model
from fundsite.site.pages import Output, SiteRenderer
from fundsite.timing import Phases


def render_site(model: Model, spool: Path | None = None, phases: Phases | None = None,
                package_files=None, site_url: str = "", memo=None, files=None) -> Output:
    """Every page and file of the site, none of it put into the site: publish() does that. A large
    package's pages (and its CSVs, when there is no `files`) wait in a spool file in folder spool;
    package_files() gives the whole-package downloads a worker wrote (see SiteRenderer). site_url:
    the address the site is published at ('' when unknown: links stay relative).
    memo(renderer): the PageMemo that decides which entity pages need rendering (page_memo.py);
    None renders every page. files: the build's started writer of per-entity CSVs and XLSX twins
    (xlsx_twins.TwinWriter), which gets each as soon as it is made when it has workers, so that
    they write them into the build's working folder while the pages render; without workers or
    writer they are kept in the output for publish()."""
    r = SiteRenderer(model, spool, phases, package_files, site_url, memo, files)
    try:
        figures.install(r)  # charts the templates draw
        compare.install(r)  # links from indicator pages to their comparison pages
        for kind in KINDS:
            if kind.builder:
                build = page_builders.site_function(kind.builder)
                build(r, kind) if kind.builder == GENERIC else build(r)
        page_builders.build_sources(r)  # the texts every provenance links into
        page_builders.build_data_quality(r)
        page_builders.build_home(r)
        package_pages.build_all(r)  # downloads, data dictionary, releases, data.json, feed.xml
    finally:
        r.close()
    return r.out
