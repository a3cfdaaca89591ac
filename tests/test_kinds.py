"""One registry of entity kinds (fundsite/kinds.py): adding a kind is one entry and one template."""
from __future__ import annotations

import dataclasses

import jinja2
import pytest

from conftest import ROOT
from fundsite import kinds
from fundsite.site import pages
from fundsite import urls
from fundsite.check.package import check_package
from fundsite.site.render import render_site


@pytest.fixture()
def toy_kind(tmp_path, monkeypatch):
    """A kind the project does not have: a page per stated total, from a template of its own."""
    (tmp_path / "total.html.j2").write_text(
        '{% import "_macros.md.j2" as ui with context %}\n{{ ui.crumbs(crumbs) }}\n'
        '<p class="toy">{{ row.label_raw }}：{{ row.amount_raw }} {{ row.amount_unit_raw }}</p>\n', encoding="utf-8")
    kind = kinds.Kind("stated_totals", "total_id", "totals", "合计", kinds.GENERIC, "total.html.j2", "label_raw")
    kinds.KINDS.append(kind)
    kinds.refresh()
    original = pages._environment

    def with_toy_templates():
        env = original()
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.FileSystemLoader(str(tmp_path))])
        return env

    monkeypatch.setattr(pages, "_environment", with_toy_templates)
    yield kind
    kinds.KINDS.remove(kind)
    kinds.refresh()


def test_a_new_kind_is_one_entry_and_one_template(toy_kind):
    model, problems = check_package(ROOT / "datapackage", "datapackage")
    assert problems == []
    output = render_site(model)
    direct = {page.url: page for page in output.direct}
    totals = model.rows("stated_totals")
    for total in totals:
        url = urls.page_url("stated_totals", total["total_id"])
        assert url == f"totals/{total['total_id']}/"
        assert f'<p class="toy">{total["label_raw"]}：{total["amount_raw"]} {total["amount_unit_raw"]}</p>' in direct[url].content
    index = next(page for page in output.nav_fills if page.url == "totals/")
    assert index.content.count('<tr><td><a href="') == len(totals)
    # A quality note about a row of the kind links to its page.
    note = {"table_name": "stated_totals", "row_id": totals[0]["total_id"], "document_id": totals[0]["document_id"]}
    assert pages.SiteRenderer(model).note_url(note) == f"totals/{totals[0]['total_id']}/"


def test_every_kind_names_a_builder_its_table_and_a_unique_section():
    sections = [kind.section for kind in kinds.KINDS]
    assert len(set(sections)) == len(sections)
    model, _ = check_package(ROOT / "datapackage", "datapackage")
    for kind in kinds.KINDS:
        assert kind.table in model.tables, kind
        assert kind.key in {f["name"] for f in model.schemas[kind.table]["fields"]}, kind
        if kind.builder == kinds.GENERIC:
            assert (ROOT / "templates" / kind.template).is_file(), kind
    assert dataclasses.is_dataclass(kinds.Kind)
