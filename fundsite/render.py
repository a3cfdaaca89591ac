"""Render the whole site from the model: every page kind, its figures and its downloads."""
from __future__ import annotations

from pathlib import Path

from . import compare, figures, package_pages, page_builders
from .model import Model
from .pages import Output, SiteRenderer
from .timing import Phases


def render_site(model: Model, twins=None, spool: Path | None = None, phases: Phases | None = None,
                package_job=None) -> Output:
    """Every page and file of the site; see SiteRenderer for what twins, spool and package_job change."""
    r = SiteRenderer(model, twins, spool, phases, package_job)
    try:
        figures.install(r)  # charts the templates draw
        compare.install(r)  # links from indicator pages to their comparison pages
        page_builders.build_regions(r)
        page_builders.build_units(r)
        page_builders.build_projects(r)
        page_builders.build_documents(r)
        page_builders.build_plans(r)
        page_builders.build_data_quality(r)
        page_builders.build_home(r)
        compare.build_compare(r)
        package_pages.build_all(r)  # downloads, data dictionary, releases, data.json, feed.xml
    finally:
        r.close()
    return r.out
