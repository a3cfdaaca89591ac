"""A new notice added end to end, as a maintainer would: draft -> correct the review -> apply -> release -> build.

The notice (tests/fixtures/conghua_notice_2024.txt) is written for this test in the style of
the seeds, not taken from them: a district 人社局 passes 320万元 down to three recipients, one
of them new to the package, with four indicators in the "一级指标：…；二级指标：…" shape.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_package, run_build

NOTICE = Path(__file__).resolve().parent / "fixtures" / "conghua_notice_2024.txt"
DOC = "cz-hrss-2024-18"
ISSUER = "广州市从化区人力资源和社会保障局"


def _unreleased() -> tuple[str | None, list[str]]:
    """Curated work in the bundled package since its latest release (between releases a branch
    holds some): the version step it needs and the documents it belongs to. A release of the new
    notice made on top of it must name that work too (--include) and take that step."""
    from fundsite import releases
    from fundsite.load import load_package

    package = ROOT / "datapackage"
    current, _ = load_package(package, "datapackage")
    old = releases.tables_of(releases.load_snapshot(package, releases.read_log(package)[-1]["version"]))
    new = releases.tables_of(current)
    diffs = releases.diff_tables(old, new)
    return releases.required_bump(diffs), list(releases.changes_by_document(diffs, old, new))


def _next_release() -> tuple[str, str, list[str]]:
    """A new document is a minor release (major if unreleased work changed a table's fields), a day
    after the bundled package's latest one, naming any unreleased work it carries."""
    import datetime as dt

    from fundsite import releases
    from fundsite.load import load_package

    latest = json.loads((ROOT / "datapackage" / "releases.json").read_text(encoding="utf-8"))["releases"][-1]
    major, minor, _ = (int(x) for x in latest["version"].split("."))
    needed, pending = _unreleased()
    version = f"{major + 1}.0.0" if needed == "major" else f"{major}.{minor + 1}.0"
    return version, (dt.date.fromisoformat(latest["date"]) + dt.timedelta(days=1)).isoformat(), pending


NEXT_VERSION, NEXT_DATE, PENDING = _next_release()
RELEASE_INCLUDE = ["--include", ",".join(PENDING)] if PENDING else []  # unreleased curated work, named


def new_notice(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "new_notice.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def read_review(path: Path) -> tuple[list[str], list[dict]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames), list(reader)


def write_review(path: Path, header: list[str], rows: list[dict]) -> None:
    """Saved the way Excel saves "CSV UTF-8": with a BOM and CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8", newline="")


def edit(path: Path, change) -> None:
    header, rows = read_review(path)
    for row in rows:
        change(row)
    write_review(path, header, rows)


UNIT_NAMES = {"广州市从化区劳动就业服务管理中心": ("conghua-employment-centre", "从化区就业中心", "public-institution"),
              "广州市从化区街口街道办事处": ("conghua-jiekou-street", "街口街道办事处", "district-government"),
              "广州市从化区温泉镇人民政府": ("conghua-wenquan-town", "温泉镇人民政府", "district-government")}


def review_as_a_maintainer(review: Path) -> None:
    """The review of the fixture notice: describe it, name the three new units, clear their notes."""
    def fix_document(row):
        row["description"] = "从化区人社局下达2024年从化区就业创业专项资金320万元，分配给区就业中心、街口街道和温泉镇。"
        row["待核问题"] = ""

    def fix_unit(row):
        row["unit_id"], row["short_name"], row["kind"] = UNIT_NAMES[row["name"]]
        row["parent_unit_id"], row["待核问题"] = "", ""
    edit(review / "documents.csv", fix_document)
    edit(review / "units.csv", fix_unit)


def package_bytes(pkg: Path) -> dict[str, bytes]:
    return {str(p.relative_to(pkg)): p.read_bytes() for p in sorted(pkg.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """The notice drafted, corrected and applied to a copy of the bundled package; then released and built."""
    tmp = tmp_path_factory.mktemp("notice")
    pkg = copy_package(tmp)
    review = tmp / "review" / DOC
    steps = {}
    steps["draft"] = new_notice("draft", "--text", str(NOTICE), "--id", DOC, "--issuer", ISSUER,
                                "--url", "https://www.conghua.gov.cn/notices/2024-18.html",
                                "--package", str(pkg), "--review", str(review), cwd=tmp)
    steps["drafted"] = {p.name: read_review(p)[1] for p in sorted(review.glob("*.csv"))}
    before = package_bytes(pkg)
    steps["apply_unreviewed"] = new_notice("apply", str(review), "--package", str(pkg), cwd=tmp)
    steps["unchanged_after_refusal"] = package_bytes(pkg) == before

    review_as_a_maintainer(review)
    # ... and mistypes one amount (a letter O for a zero), as happens.
    edit(review / "allocations.csv", lambda row: row.update(
        待核问题="", amount_raw="15O.00" if row["amount_raw"] == "150.00" else row["amount_raw"]))
    steps["apply_typo"] = new_notice("apply", str(review), "--package", str(pkg), cwd=tmp)
    steps["report_typo"] = (review / "report.html").read_text(encoding="utf-8")
    steps["unchanged_after_typo"] = package_bytes(pkg) == before
    edit(review / "allocations.csv", lambda row: row.update(amount_raw=row["amount_raw"].replace("O", "0")))
    steps["dry_run"] = new_notice("apply", str(review), "--package", str(pkg), "--dry-run", cwd=tmp)
    steps["unchanged_after_dry_run"] = package_bytes(pkg) == before
    steps["dry_run_html"] = (review / "changes.html").read_text(encoding="utf-8")
    steps["apply"] = new_notice("apply", str(review), "--package", str(pkg), cwd=tmp)
    steps["apply_again"] = new_notice("apply", str(review), "--package", str(pkg), cwd=tmp)

    release = subprocess.run([sys.executable, str(ROOT / "scripts" / "release.py"), "--package", str(pkg),
                              "--version", NEXT_VERSION, "--date", NEXT_DATE, "--added-documents", DOC, *RELEASE_INCLUDE,
                              "--summary", "新增从人社〔2024〕18号 / Adds the Conghua 2024 employment fund notice"],
                             cwd=tmp, capture_output=True, text=True, timeout=300)
    steps["release"] = release
    site = tmp / "site"
    steps["build"] = run_build("--package", str(pkg), "--out", str(site), "--report", str(tmp / "report.html"), cwd=tmp)
    steps.update(pkg=pkg, site=site, review=review, tmp=tmp)
    return steps


def test_draft_reads_the_notice(added):
    assert added["draft"].returncode == 0, added["draft"].stdout + added["draft"].stderr
    assert "Drafted 13 rows" in added["draft"].stdout
    drafted = added["drafted"]
    doc = drafted["documents.csv"][0]
    assert (doc["doc_number_raw"], doc["issue_date"], doc["issue_date_raw"], doc["region_id"], doc["issuer_unit_id"]) == \
        ("从人社〔2024〕18号", "2024-07-15", "2024年 7月 15日", "conghua", "conghua-hrss")
    assert doc["title"] == "广州市从化区人力资源和社会保障局关于下达2024年从化区就业创业专项资金的通知"
    assert [(a["amount_raw"], a["amount_yuan"], a["region_id"], a["原文行号"]) for a in drafted["allocations.csv"]] == [
        ("150.00", "1500000", "conghua", "45"), ("90.00", "900000", "conghua", "47"), ("80.00", "800000", "conghua", "49")]
    # every drafted row stands beside its source line(s)
    assert drafted["allocations.csv"][1]["原文"] == "2 广州市从化区街口街道办事处 从化区 90.00 基层公共就业服务平台建设"
    ind = drafted["indicators.csv"]
    assert [(r["level1"], r["level2"], r["name"], r["operator"], r["value"], r["unit"]) for r in ind] == [
        ("产出指标", "数量指标", "举办招聘会场次", "≥", "12", "场"),
        ("产出指标", "数量指标", "帮扶就业困难人员人数", "≥", "300", "人"),
        ("效益指标", "社会效益指标", "零工驿站服务灵活就业人员", "≥", "1500", "人次"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "=", "90", "%")]
    assert ind[1]["原文"] == "（2）一级指标：产出指标；二级指标：数量指标；三级指标：帮扶就业困难 / 人员人数；指标数：≥300人"
    # what it could not decide is marked for the maintainer
    assert all("新单位" in u["待核问题"] for u in drafted["units.csv"])
    assert "description" in doc["待核问题"]
    assert drafted["stated_totals.csv"][0]["amount_raw"] == "320.00"


def test_apply_refuses_unreviewed_rows(added):
    result = added["apply_unreviewed"]
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    review = str(added["review"])
    assert f"{review}/documents.csv:2:待核问题: unresolved-problem: 请填写 description（内容简介：谁向谁下达了多少钱、做什么用，一两句话）" in lines
    assert sum(": unresolved-problem: " in line for line in lines) == 7
    assert lines[-1].startswith("Apply aborted: 7 problems in 3 files. The data package was not changed.")
    assert added["unchanged_after_refusal"]


def test_apply_points_validation_errors_at_the_review_file(added):
    result = added["apply_typo"]
    assert result.returncode == 1
    review = str(added["review"])
    assert result.stdout.splitlines()[0] == (
        f'{review}/allocations.csv:2:amount_raw: amount-error: "15O.00" is not a plain amount in 万元 '
        "(digits, optional thousands commas and decimals)")
    assert added["unchanged_after_typo"]
    report = added["report_typo"]
    assert "金额原文（amount_raw）不是纯数字" in report      # the hint for amount-error
    assert "15O.00" in report and f"{review}/allocations.csv" in report


def test_apply_writes_the_rows(added):
    assert added["apply"].returncode == 0, added["apply"].stdout
    assert added["apply"].stdout.startswith(f"Applied {added['review']}: documents 1, units 3, projects 1, allocations 3, "
                                            "indicators 4, stated_totals 1 rows")
    pkg = added["pkg"]
    with open(pkg / "data" / "allocations.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["document_id"] == DOC]
    # the ids the maintainer chose in units.csv were carried into the allocations
    assert [(r["recipient_unit_id"], r["amount_raw"]) for r in rows] == [
        ("conghua-employment-centre", "150.00"), ("conghua-jiekou-street", "90.00"), ("conghua-wenquan-town", "80.00")]
    source = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["sources"][-1]
    assert source["document_id"] == DOC and source["doc_number"] == "从人社〔2024〕18号"
    stored = pkg / "sources" / source["description"].split("sources/")[1]
    assert stored.read_text(encoding="utf-8") == NOTICE.read_text(encoding="utf-8")


def test_a_dry_run_shows_every_value_and_page_and_writes_nothing(added):
    dry = added["dry_run"]
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert added["unchanged_after_dry_run"]
    lines = dry.stdout.splitlines()
    assert lines[0].startswith(f"Dry run of {added['review']}: the review validates; applying would write documents 1, ")
    first = next(line for line in lines if line.startswith(f"  + allocations {DOC}-a01: "))
    assert "recipient_unit_id='conghua-employment-centre'" in first
    assert "amount_yuan='1500000', amount_raw='150.00', amount_unit_raw='万元'" in first
    assert any(line.startswith("  + units conghua-employment-centre: name='广州市从化区劳动就业服务管理中心'") for line in lines)
    pages = next(line for line in lines if line.startswith("Pages that change: "))
    assert f"documents/{DOC}/" in pages and "documents/" in pages
    # the page lists every value line and every page, escaped
    html = added["dry_run_html"]
    assert html.count("<tr class=") == int(re.search(r"Value changes \((\d+);", dry.stdout).group(1))
    assert "<li><code>districts/conghua/</code></li>" in html


def test_applying_again_replaces_not_duplicates(added):
    assert added["apply_again"].returncode == 0, added["apply_again"].stdout
    assert "Value changes (0; + added, ~ changed: old → new, - removed):" in added["apply_again"].stdout
    with open(added["pkg"] / "data" / "indicators.csv", encoding="utf-8", newline="") as fh:
        assert sum(r["document_id"] == DOC for r in csv.DictReader(fh)) == 4


def test_release_and_build(added):
    assert added["release"].returncode == 0, added["release"].stdout + added["release"].stderr
    log = json.loads((added["pkg"] / "releases.json").read_text(encoding="utf-8"))["releases"]
    assert log[-1]["version"] == NEXT_VERSION and log[-1]["documents_added"] == [DOC]
    build = added["build"]
    assert build.returncode == 0, build.stdout + build.stderr
    assert "✓ 没有发现问题" in (added["tmp"] / "report.html").read_text(encoding="utf-8")


def _page(site: Path, rel: str) -> str:
    path = site / rel / "index.html"
    assert path.is_file(), rel
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))


def test_new_pages_appear(added):
    site = added["site"]
    doc = _page(site, f"documents/{DOC}")
    assert "从人社〔2024〕18号" in doc and "150.00" in doc and "320.00" in doc
    assert "广州市从化区街口街道办事处" in doc or "街口街道办事处" in doc
    project = _page(site, f"projects/{DOC}-p01")
    assert "2024年从化区就业创业专项资金" in project and "举办招聘会场次" in project
    district = _page(site, "districts/conghua")
    assert DOC in district or "从人社〔2024〕18号" in district
    unit = _page(site, "units/conghua-wenquan-town")
    assert "温泉镇人民政府" in unit
    releases = _page(site, "releases")
    assert NEXT_VERSION in releases and (DOC in releases or "从人社〔2024〕18号" in releases)


def test_a_new_unit_may_not_overwrite_an_existing_one(tmp_path):
    pkg = copy_package(tmp_path)
    review = tmp_path / "review"
    assert new_notice("draft", "--text", str(NOTICE), "--id", DOC, "--issuer", ISSUER, "--package", str(pkg),
                      "--review", str(review), cwd=tmp_path).returncode == 0
    edit(review / "documents.csv", lambda row: row.update(description="测试", 待核问题=""))
    edit(review / "allocations.csv", lambda row: row.update(待核问题=""))
    # the maintainer gives the first new unit the id of the district bureau already in the package
    ids = iter(["conghua-hrss", "conghua-jiekou-street", "conghua-wenquan-town"])
    edit(review / "units.csv", lambda row: row.update(unit_id=next(ids), 待核问题=""))
    before = package_bytes(pkg)
    result = new_notice("apply", str(review), "--package", str(pkg), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f'{review}/units.csv:2:unit_id: review-error: unit "conghua-hrss" is already in units.csv as '
        "广州市从化区人力资源和社会保障局: to use that unit, set 操作 to 删除 here and put its id in the rows that use it; "
        "for a new unit choose a new id")
    assert package_bytes(pkg) == before


def _reviewed_draft(tmp_path: Path, pkg: Path, doc_id: str, *extra: str) -> tuple[Path, subprocess.CompletedProcess]:
    """The Conghua notice drafted under doc_id and its rows cleared for apply (units named)."""
    review = tmp_path / "review" / doc_id
    drafted = new_notice("draft", "--text", str(NOTICE), "--id", doc_id, "--issuer", ISSUER, "--package", str(pkg),
                         "--review", str(review), *extra, cwd=tmp_path)
    if drafted.returncode == 0:
        edit(review / "documents.csv", lambda row: row.update(description="测试", 待核问题=""))
        edit(review / "allocations.csv", lambda row: row.update(待核问题=""))
        if (review / "units.csv").exists():  # units the package does not know yet
            ids = iter(["cx-centre", "cx-jiekou", "cx-wenquan"])
            edit(review / "units.csv", lambda row: row.update(unit_id=next(ids), short_name=row["name"][-6:], 待核问题=""))
    return review, drafted


def test_draft_refuses_an_id_the_package_has(tmp_path):
    pkg = copy_package(tmp_path)
    _, drafted = _reviewed_draft(tmp_path, pkg, "huadu-ec-targets")
    assert drafted.returncode == 2
    assert drafted.stdout.strip() == (
        "--id huadu-ec-targets: the package already has this document (项目支出绩效目标表（含转移支付项目）). Give the new notice an id "
        "of its own, or pass --replace to draft a new version of this one (applying it replaces the document's rows).")
    _, drafted = _reviewed_draft(tmp_path, pkg, "no-such-doc", "--replace")
    assert drafted.returncode == 2 and drafted.stdout.strip() == "--replace: the package has no document no-such-doc to replace."


def test_apply_never_replaces_another_notices_rows_by_accident(tmp_path):
    """Two notices drafted under one id: the second apply is refused, naming the rows it would replace."""
    pkg = copy_package(tmp_path)
    first, _ = _reviewed_draft(tmp_path, pkg, DOC)
    assert new_notice("apply", str(first), "--package", str(pkg), cwd=tmp_path).returncode == 0
    # A second maintainer drafts another notice in another folder, before the first one's rows were seen.
    second = tmp_path / "second"
    shutil.copytree(first, second)
    meta = json.loads((second / "meta.json").read_text(encoding="utf-8"))
    del meta["applied_document"], meta["applied_units"]
    (second / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    before = package_bytes(pkg)
    refused = new_notice("apply", str(second), "--package", str(pkg), cwd=tmp_path)
    assert refused.returncode == 1
    first_line = refused.stdout.splitlines()[0]
    assert first_line.startswith(f'{second}/documents.csv:2:document_id: id-taken: the package already has document "{DOC}" (')
    assert first_line.endswith("applying this review would replace them. Give this notice an id of its own, or draft it "
                               "again with --replace if it is meant to replace that document")
    assert package_bytes(pkg) == before
    # The review that applied the document may apply again, and says what it replaced.
    again = new_notice("apply", str(first), "--package", str(pkg), cwd=tmp_path)
    assert again.returncode == 0 and "Replaced " in again.stdout


def test_a_draft_made_with_replace_replaces_the_document(tmp_path):
    pkg = copy_package(tmp_path)
    first, _ = _reviewed_draft(tmp_path, pkg, DOC)
    assert new_notice("apply", str(first), "--package", str(pkg), cwd=tmp_path).returncode == 0
    shutil.rmtree(first)
    review, drafted = _reviewed_draft(tmp_path, pkg, DOC, "--replace")
    assert drafted.returncode == 0
    applied = new_notice("apply", str(review), "--package", str(pkg), cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout
    assert re.search(r"^Replaced \d+ rows this document had before \(", applied.stdout, re.M)


def test_an_unknown_sign_before_a_value_is_flagged_not_read_silently(tmp_path):
    """OCR reads ≥ as 立: "立300人" is drafted as = 300 人 only with a review question beside it."""
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE.read_text(encoding="utf-8").replace("指标数：≥300人", "指标数：立300人"), encoding="utf-8")
    pkg = copy_package(tmp_path)
    drafted = new_notice("draft", "--text", str(notice), "--id", DOC, "--issuer", ISSUER, "--package", str(pkg),
                         "--review", str(tmp_path / "review"), cwd=tmp_path)
    assert drafted.returncode == 0, drafted.stdout + drafted.stderr
    _, rows = read_review(tmp_path / "review" / "indicators.csv")
    row = next(r for r in rows if r["value_raw"] == "立300人")
    assert (row["operator"], row["value"], row["unit"]) == ("=", "300", "人")
    assert "数字前有“立”，不是已知的比较词" in row["待核问题"]
