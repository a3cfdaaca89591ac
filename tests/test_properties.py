"""Property-based tests: packages valid by construction build; broken ones fail with problem lines.

Packages are the tiny package (tests/tiny_package/) plus generated documents,
projects, allocations, indicators and the totals that reconcile them, with
names drawn from all of Unicode and from hostile snippets. The checks run in
process (validate + render_site) to stay fast; two examples go through a real
`python build.py`. Runs are derandomized so CI is repeatable; set
FUNDSITE_HYPOTHESIS_EXAMPLES=500 to explore with fresh random examples.
"""
from __future__ import annotations

import html
import json
import os
import re
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import functools

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import run_build
from fundsite.site import pages
from fundsite.check.package import check_package
from fundsite.check.rules import CONTROL, FORMULA
from fundsite.site.render import render_site
from package_tools import make_tiny, read_table, write_table

_EXPLORE = os.environ.get("FUNDSITE_HYPOTHESIS_EXAMPLES")
EXAMPLES = int(_EXPLORE or 20)
# No shrinking: a failing example is reported as found (shrinking a package took over five minutes).
SETTINGS = dict(deadline=None, derandomize=not _EXPLORE, suppress_health_check=[HealthCheck.too_slow],
                phases=[Phase.explicit, Phase.reuse, Phase.generate])

TINY_REGIONS = ["guangdong", "guangzhou", "huadu", "heyuan"]
TINY_UNITS = ["gz-finance", "gz-hrss", "huadu-employment-centre", "heyuan-hrss"]
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "[点我](javascript:alert(1))",
           "{{ 7*7 }}", "{% raw %}", "**粗体** _斜体_ `代码`", "# 标题", "&amp; &lt;", "' OR 1=1 --", "\u200b零宽"]
PROBLEM_LINE = re.compile(r"^pkg/[^\n]+:(\d+|-):[^\n]*: [a-z-]+: [^\n]+$")

# Free text: any character a spreadsheet cell can hold on one line, less the controls the
# rules refuse (C0, C1, bidi overrides; formula-leading text: see mutations for those).
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=24),
).filter(lambda s: s.strip() and not CONTROL.search(s) and not FORMULA.match(s))
slug = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


@pytest.fixture(autouse=True, scope="module")
def one_template_environment():
    """Compile the templates once for all examples, not once per render (0.5 s each)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "_environment", functools.lru_cache(maxsize=1)(pages._environment))
        yield


def _raw_amount(yuan: int, unit: str, commas: bool) -> str:
    """The printed amount: 万元 with two decimals, or whole 元."""
    if unit == "万元":
        text = f"{yuan / 10000:,.2f}" if commas else f"{yuan / 10000:.2f}"
    else:
        text = f"{yuan:,}" if commas else str(yuan)
    return text


@st.composite
def indicator(draw, doc_id, project_id, key, seq):
    operator = draw(st.sampled_from(["≥", "≤", "=", ">", "<", "≈", "range", "text"]))
    name = draw(text)
    value = draw(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
    row = dict(indicator_id=key, document_id=doc_id, project_id=project_id, seq=str(seq), part="1",
               level1="产出指标", level1_raw="产出指标", name=name, name_raw=name, operator=operator,
               period=draw(st.sampled_from(["年度", "实施周期", "未注明"])), value_raw=draw(text), raw_text=draw(text),
               source_lines="1", locator="表")
    if operator == "text":
        row["value_text"] = draw(text)
    else:
        row["value"] = str(value)
        # The printed value says what the fields say (raw_agreement.py); "=" is not printed (sources
        # write "100%", and a cell "=100%" is a formula to a spreadsheet: rules.check_formula_cells).
        row["value_raw"] = f"{'' if operator == '=' else operator}{value}"
    if operator == "range":
        row["value_max"] = str(value + draw(st.integers(min_value=0, max_value=100)))
        row["value_raw"] = f'{value}-{row["value_max"]}'
    return row


@st.composite
def generated(draw):
    """Rows to add to the tiny package, valid and reconciling by construction."""
    ids = iter(draw(st.lists(slug, min_size=40, max_size=40, unique=True)))
    tables = {name: [] for name in ("documents", "projects", "allocations", "indicators", "stated_totals", "funds")}
    for d in range(draw(st.integers(min_value=1, max_value=3))):
        doc_id = f"gen-{next(ids)}"
        unit = draw(st.sampled_from(["元", "万元"]))
        title = draw(text)
        doc = dict(document_id=doc_id, kind="attachment", parent_document_id="tiny-notice", title=title, title_raw=title,
                   short_title=draw(text), issuer=draw(text), doc_number_source="none", issue_date_kind="none",
                   region_id=draw(st.sampled_from(TINY_REGIONS)), source_file="000_0123abcd.txt", money_unit_raw=unit,
                   states_amounts="false", description=draw(text), source_lines=str(d + 1), locator="附件")
        tables["documents"].append(doc)
        rows_sum, count = 0, 0
        for p in range(draw(st.integers(min_value=1, max_value=3))):
            project_id = f"{doc_id}-{next(ids)}"[:60]
            name = draw(text)
            tables["projects"].append(dict(project_id=project_id, document_id=doc_id, level="project", seq=str(p + 1),
                                           name=name, name_raw=name, region_id=draw(st.sampled_from([""] + TINY_REGIONS)),
                                           goal_text=draw(text), source_lines="1", locator="表"))
            for a in range(draw(st.integers(min_value=0, max_value=3))):
                yuan = draw(st.integers(min_value=0, max_value=10**7)) * (100 if unit == "万元" else 1)
                tables["allocations"].append(dict(
                    allocation_id=f"{project_id}-a{a}", document_id=doc_id, project_id=project_id,
                    recipient_unit_id=draw(st.sampled_from(TINY_UNITS)), region_id=draw(st.sampled_from(TINY_REGIONS)),
                    amount_yuan=str(yuan), amount_raw=_raw_amount(yuan, unit, draw(st.booleans())), amount_unit_raw=unit,
                    content_text=draw(text), source_lines="1", locator="表"))
                rows_sum, count = rows_sum + yuan, count + 1
            for i in range(draw(st.integers(min_value=0, max_value=2))):
                tables["indicators"].append(draw(indicator(doc_id, project_id, f"{project_id}-i{i}", i + 1)))
        if count:
            doc["states_amounts"] = "true"
            tables["stated_totals"].append(dict(
                total_id=f"{doc_id}-total", document_id=doc_id, rows_document_id=doc_id, label_raw=draw(text),
                amount_yuan=str(rows_sum), amount_raw=_raw_amount(rows_sum, unit, True), amount_unit_raw=unit,
                source_lines="1", locator="合计行"))
            # New money is a fund of its own, counted by its document (see money.py).
            # Fund names are unique (rules.check_name_uniqueness): the document's id makes them so.
            fund_name = f"{doc['title']} {doc_id}"
            tables["funds"].append(dict(fund_id=f"{doc_id}-fund", name=fund_name, name_raw=fund_name, kind="transfer",
                                        year="2024", document_id=doc_id, counted_document_id=doc_id,
                                        total_id=f"{doc_id}-total", source_lines="1"))
    return tables


def write_package(dest: Path, tables: dict[str, list[dict]]) -> Path:
    pkg = make_tiny(dest)
    for name, rows in tables.items():
        path = pkg / "data" / f"{name}.csv"
        header, existing = read_table(path)
        write_table(path, header, existing + rows)
    return pkg


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(generated())
def test_valid_packages_validate_and_render(tables):
    with tempfile.TemporaryDirectory() as tmp:
        pkg = write_package(Path(tmp), tables)
        model, problems = check_package(pkg, "pkg")
        assert [p.line() for p in problems] == []
        output = render_site(model)
    pages = {page.url: page.content for page in output.direct}
    for project in tables["projects"]:
        content = pages[f"projects/{project['project_id']}/"]
        assert " ".join(project["name"].split()) in visible_text(content)
        assert "<script>alert" not in content and "<img src=x" not in content and 'href="javascript:' not in content
    for doc in tables["documents"]:
        assert f"documents/{doc['document_id']}/" in pages
    # Whatever text the rules accept, the feed and the catalogue stay well-formed for their readers.
    feed = ElementTree.fromstring(output.files["feed.xml"])
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    json.loads(output.files["data.json"])


def visible_text(content: str) -> str:
    """What a reader sees: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


@settings(max_examples=max(2, EXAMPLES // 20), **SETTINGS)
@given(generated())
def test_valid_packages_really_build(tables):
    with tempfile.TemporaryDirectory() as tmp:
        write_package(Path(tmp), tables)
        result = run_build("--package", "pkg", "--out", str(Path(tmp) / "site"), cwd=Path(tmp))
        assert result.returncode == 0, result.stdout + result.stderr
        for project in tables["projects"]:
            assert (Path(tmp) / "site" / "projects" / project["project_id"] / "index.html").is_file()


# -- mutations --------------------------------------------------------------------------
AWKWARD = ["", " ", "-1", "+7", "1_000", "１２", "12,500", "1e3", "NaN", "95%", "yes", "2024-02-30", "2024-6-1",
           "../x", "Huadu", "a b", "index", "<script>", "\u200b", "x" * 10_001]


@st.composite
def mutation(draw):
    """(table, line, column, value): one cell of the tiny package set to something odd."""
    table = draw(st.sampled_from(["regions", "units", "documents", "projects", "allocations", "indicators",
                                  "stated_totals", "plan_indicators", "plan_task_units", "quality_notes"]))
    return table, draw(st.integers(min_value=0, max_value=2)), draw(st.integers(min_value=0, max_value=30)), draw(
        st.one_of(st.sampled_from(AWKWARD), st.text(max_size=12)))


@settings(max_examples=EXAMPLES * 3, **SETTINGS)
@given(st.lists(mutation(), min_size=1, max_size=3))
def test_mutated_packages_fail_with_problem_lines_never_an_exception(mutations):
    with tempfile.TemporaryDirectory() as tmp:
        pkg = make_tiny(Path(tmp))
        final = {}  # (table, row, column) -> value: a later change of the same cell wins
        for table, index, column, value in mutations:
            path = pkg / "data" / f"{table}.csv"
            header, rows = read_table(path)
            row, name = rows[index % len(rows)], header[column % len(header)]
            row[name] = value
            write_table(path, header, rows)
            final[(table, index % len(rows), name)] = value
        typed_changes = [(table, name, value) for (table, _row, name), value in final.items()]
        schemas = {t: {f["name"]: f for f in json.loads((pkg / "schemas" / f"{t}.json").read_text(encoding="utf-8"))["fields"]}
                   for t, _n, _v in typed_changes}
        model, problems = check_package(pkg, "pkg")
        for problem in problems:
            assert PROBLEM_LINE.match(problem.line()), problem.line()
        if model is not None:
            render_site(model)  # whatever validation lets through renders without an exception
    assert (model is None) == bool(problems)
    for table, name, value in typed_changes:
        if must_fail(schemas[table][name], value):
            assert any(p.path == f"pkg/data/{table}.csv" for p in problems), (table, name, value)


def must_fail(field: dict, value: str) -> bool:
    """A value the field can never hold: too long, not a plain number or date, not an id."""
    if len(value) > 10_000 or "\n" in value or "\r" in value or "\x00" in value:
        return True
    if value == "":
        return bool(field.get("constraints", {}).get("required"))
    plain = {"integer": r"-?[0-9]+", "number": r"-?[0-9]+(\.[0-9]+)?", "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}"}
    if field.get("type") in plain and not re.fullmatch(plain[field["type"]], value):
        return True
    pattern = field.get("constraints", {}).get("pattern")
    return pattern == "^[a-z0-9]+(?:-[a-z0-9]+)*$" and not re.fullmatch(pattern, value)


# -- descriptor and schema shapes ---------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["javascript:alert(1)", "http://example.org/", "../x", "0001-01-01T00:00:00Z", "1.0.0"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8)
DESCRIPTOR_PATHS = ["name", "title", "description", "version", "created", "homepage", "keywords", "licenses",
                    "licenses.0", "licenses.0.path", "contributors", "contributors.0", "contributors.0.roles",
                    "sources", "sources.0", "sources.0.path", "resources", "resources.0", "resources.0.name",
                    "resources.0.path", "resources.0.schema"]
SCHEMA_PATHS = ["fields", "fields.0", "fields.0.name", "fields.0.type", "fields.0.constraints",
                "fields.0.constraints.pattern", "fields.0.constraints.enum", "primaryKey", "foreignKeys",
                "missingValues"]


def _set_path(data, dotted: str, value) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data[int(part)] if isinstance(data, list) else data[part]
    last = parts[-1]
    data[int(last) if isinstance(data, list) else last] = value


@settings(max_examples=EXAMPLES * 3, **SETTINGS)
@given(st.sampled_from(["datapackage.json", "schemas/regions.json", "schemas/allocations.json"]),
       st.data(), json_values)
def test_descriptor_and_schema_shapes_fail_with_problem_lines(file, data, value):
    """Any JSON value at any key the site or the profiles read: problem lines or a valid build, never an exception."""
    path = data.draw(st.sampled_from(DESCRIPTOR_PATHS if file == "datapackage.json" else SCHEMA_PATHS))
    with tempfile.TemporaryDirectory() as tmp:
        pkg = make_tiny(Path(tmp))
        descriptor = json.loads((pkg / file).read_text(encoding="utf-8"))
        _set_path(descriptor, path, value)
        (pkg / file).write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
        model, problems = check_package(pkg, "pkg")
        for problem in problems:
            assert PROBLEM_LINE.match(problem.line()), problem.line()
        if model is not None:
            render_site(model)
    assert (model is None) == bool(problems)


@settings(max_examples=EXAMPLES * 2, **SETTINGS)
@given(st.sampled_from([("regions", "sort_order"), ("allocations", "amount_yuan"), ("documents", "year"),
                        ("plans", "period_end"), ("plan_indicators", "target_year")]),
       st.one_of(st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
                 st.sampled_from([2**53, 2**53 + 1, -(2**53) - 1, 2**63, 10**19, 0, -1, 1949, 2100, 2101])))
def test_integers_pass_only_where_every_reader_holds_them(cell, number):
    """An integer cell either fails with a problem line or builds, and what builds is exact in JSON and XLSX."""
    table, column = cell
    with tempfile.TemporaryDirectory() as tmp:
        pkg = make_tiny(Path(tmp))
        header, rows = read_table(pkg / "data" / f"{table}.csv")
        rows[0][column] = str(number)
        write_table(pkg / "data" / f"{table}.csv", header, rows)
        model, problems = check_package(pkg, "pkg")
    for problem in problems:
        assert PROBLEM_LINE.match(problem.line()), problem.line()
    if model is not None:
        assert abs(number) <= 2**53 - 1
