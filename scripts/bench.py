"""Benchmark the build at Guangdong scale and print the figures the goals are judged on.

    python scripts/bench.py            # full run: about 20,000 projects and 200,000 indicators
    python scripts/bench.py --quick    # small run for CI: same steps, figures printed, nothing asserted

Steps, each a fresh `build.py` process so that peak memory is its own:
  1. the bundled real data, full build;
  2. a synthetic package at the chosen scale (scripts/synthetic.py), full build, per phase, the
     memory all its processes held at once (sampled) and each one's own peak,
     and what search costs a reader of it (Chromium: bytes per page view and per query);
  3. the same at a tenth of the scale, for the scaling ratio;
  4. a rebuild with no data change;
  5. 1,000 pages built our way, and the same entities built the naive way
     (default mkdocs-material: automatic navigation, Markdown tables), per page,
     the best of three runs each;
  6. cell validation throughput on the synthetic package (fast engine; frictionless for reference).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from synthetic import Scale, generate  # noqa: E402

EPOCH = "1718064000"


def build(package: Path | None, out: Path, *extra: str, env: dict | None = None) -> dict:
    """Run build.py in its own process; return its TIMINGS line plus wall time and the peak of the
    memory its processes held at once (together_mib, see TreeMemory)."""
    args = [sys.executable, str(ROOT / "build.py"), "--out", str(out), "--timings", *extra]
    if package:
        args += ["--package", str(package)]
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **(env or {})))
    with TreeMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"build failed:\n{stdout[-3000:]}\n{stderr[-3000:]}")
    line = next(l for l in stdout.splitlines() if l.startswith("TIMINGS "))
    data = json.loads(line[len("TIMINGS "):])
    data["wall"] = wall
    data["together_mib"] = memory.peak_mib
    data["pagefind_sampled_mib"] = memory.pagefind_mib
    return data


class TreeMemory(threading.Thread):
    """The largest memory a process and its descendants held at one time, sampled every 0.2 s as
    the sum of their proportional set sizes (PSS: a page shared by a forked worker and the main
    process counts once, split between them). A sum of each process's own peak is an upper
    bound; this is what the machine needed, give or take a sample."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_mib, self._done = pid, 0.0, threading.Event()
        # The largest Pagefind run, sampled the same way: its own ru_maxrss counts the build's
        # memory at the fork that started it (a forked child's pages are resident until exec).
        self.pagefind_mib = 0.0

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self.join()

    def run(self):
        while not self._done.wait(0.2):
            sizes = {pid: _pss_kib(pid) for pid in _tree(self.pid)}
            self.peak_mib = max(self.peak_mib, sum(sizes.values()) / 1024)
            for pid, kib in sizes.items():
                if _command(pid).startswith("pagefind"):
                    self.pagefind_mib = max(self.pagefind_mib, kib / 1024)


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _tree(root: int) -> list[int]:
    """root and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def naive_build(package: Path, work: Path, limit: int, runs: int = 1) -> tuple[float, int]:
    """The same entity pages the naive way: Markdown tables, default mkdocs-material, automatic nav.
    The best of `runs` builds (the machine is shared)."""
    from fundsite.load import load_package
    from fundsite.model import build_model

    pkg, problems = load_package(package, "bench")
    assert not problems
    model = build_model(pkg)
    docs = work / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    indicators = {}
    for row in model.rows("indicators"):
        indicators.setdefault(row["project_id"], []).append(row)
    allocations = {}
    for row in model.rows("allocations"):
        allocations.setdefault(row["project_id"], []).append(row)
    pages = 0
    for project in model.rows("projects")[:limit]:
        lines = [f"# {project['name']}", "", f"文件：{project['document_id']}", "", "## 资金分配", "",
                 "| 接收单位 | 地区 | 金额（万元） |", "|---|---|---:|"]
        lines += [f"| {a['recipient_unit_id']} | {a['region_id']} | {a['amount_raw']} |" for a in allocations.get(project["project_id"], [])]
        lines += ["", "## 绩效指标", "", "| # | 一级指标 | 二级指标 | 三级指标 | 目标值 | 单位 | 期间 |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {i['seq']} | {i['level1']} | {i['level2'] or ''} | {i['name']} | {i['operator']} {i['value'] or i['value_text'] or ''} | {i['unit'] or ''} | {i['period']} |"
                  for i in indicators.get(project["project_id"], [])]
        folder = docs / "projects"
        folder.mkdir(exist_ok=True)
        (folder / f"{project['project_id']}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pages += 1
    (work / "mkdocs.yml").write_text("site_name: naive\ntheme:\n  name: material\n  language: zh\n  font: false\n"
                                    "plugins:\n  - search\n", encoding="utf-8")
    best = float("inf")
    for _ in range(runs):
        shutil.rmtree(work / "site", ignore_errors=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml"), "-d", str(work / "site")],
                       check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best, pages + 1


QUERY_TIMEOUT = 120  # seconds a query may take in the benchmark's Chromium


def search_figures(site: Path, package: Path) -> dict | None:
    """What search costs a reader of the built site, in Chromium: bytes transferred on another
    page and on opening the search page (none expected), for the first query (Pagefind's runtime
    and metadata included) and per later query (the facets, fetched when opened, not included). The queries are names from the package: a 文号, a
    project, a district, a unit, a word. None when Playwright or Chromium is missing."""
    import csv
    import functools
    import http.server
    import threading

    try:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return None

    def first(table, field):
        with open(package / "data" / f"{table}.csv", encoding="utf-8") as fh:
            return next(row[field] for row in csv.DictReader(fh) if row.get(field))

    queries = [first("documents", "doc_number"), first("projects", "name"), first("regions", "name"),
               first("units", "name"), "就业", "培训补贴"]

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    sizes: list[int] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("requestfinished", lambda request: sizes.append(
                request.sizes()["responseBodySize"] if ("pagefind" in request.url or "/search/exact/" in request.url
                                                     or request.url.endswith("/search/bundles.json")) else 0))
            page.goto(base + "/")
            on_home = sum(sizes)
            sizes.clear()
            page.goto(base + "/search/")
            page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === ''")
            opened = sum(sizes)
            per_query, seconds = [], []
            for query in queries:
                sizes.clear()
                page.fill("#fs-q", query)
                started = time.perf_counter()
                page.press("#fs-q", "Enter")
                try:
                    page.wait_for_function("q => document.getElementById('fs-results').dataset.doneFor === q",
                                           arg=query, timeout=QUERY_TIMEOUT * 1000)
                except PlaywrightTimeout:  # a figure too: the query is reported as unfinished
                    per_query.append(None)
                    seconds.append(None)
                    page.goto(base + "/search/")  # the next query starts on a fresh page
                    page.wait_for_function("() => document.getElementById('fs-results').dataset.doneFor === ''")
                    continue
                seconds.append(time.perf_counter() - started)
                per_query.append(sum(sizes))
            browser.close()
    finally:
        httpd.shutdown()
    bundles = list(site.glob("pagefind*"))
    index = [p for folder in [*bundles, site / "search"] for p in folder.rglob("*") if p.is_file()]
    on_disk, files = sum(p.stat().st_size for p in index), len(index)
    return {"on_home": on_home, "opened": opened, "first": per_query[0], "later": per_query[1:], "queries": queries,
            "seconds": seconds, "on_disk": on_disk, "files": files, "bundles": len(bundles)}


def validation_rate(package: Path) -> tuple[float, float, int]:
    """Rows per second of the schema checks (headers, types, constraints, keys), alone and with loading."""
    from fundsite.check.gc_pause import bulk_reading
    from fundsite.load import load_package
    from fundsite.check.schema_check import check_schemas

    with bulk_reading():  # as build.py reads and checks a package
        start = time.perf_counter()
        pkg, _ = load_package(package, "bench")
        loading = time.perf_counter() - start
    rows = sum(len(t.records) for t in pkg.tables.values())
    best = float("inf")
    for _ in range(3):  # the best of three: the machine is shared
        for table in pkg.tables.values():
            table._columns = None  # each run transposes the tables again
        with bulk_reading():
            start = time.perf_counter()
            problems = check_schemas(pkg, "fast")
            best = min(best, time.perf_counter() - start)
    assert not problems
    return rows / best, rows / (best + loading), rows


def frictionless_rate(package: Path) -> float:
    """frictionless on the projects and allocations tables only (it is slow), rows per second."""
    from frictionless import Resource, Schema

    total, seconds = 0, 0.0
    for name in ("projects", "allocations"):
        schema = json.loads((package / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        schema.pop("foreignKeys", None)
        resource = Resource(path=f"data/{name}.csv", basepath=str(package), schema=Schema.from_descriptor(schema))
        start = time.perf_counter()
        report = resource.validate()
        seconds += time.perf_counter() - start
        total += report.tasks[0].stats["rows"]
    return total / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small scale for CI")
    parser.add_argument("--cities", type=int, default=21)
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--projects-per-unit", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--naive-pages", type=int, default=1000)
    args = parser.parse_args()
    scale = Scale(args.cities, args.districts, args.years, args.projects_per_unit, args.indicators)
    if args.quick:
        scale = Scale(2, 5, 4, 5, 10)  # 200 projects
        args.naive_pages = 200
    tenth = Scale(scale.cities, scale.districts, max(1, scale.years // 10) if scale.years >= 10 else scale.years,
                  scale.projects_per_unit if scale.years >= 10 else max(1, scale.projects_per_unit // 10), scale.indicators_per_project)
    work = Path(tempfile.mkdtemp(prefix="fundsite-bench-"))
    figures = []

    def report(name, value, goal="", ok=None):
        mark = "" if ok is None else ("  ok" if ok else "  MISSED")
        figures.append((name, value, goal, mark))
        print(f"{name:<46} {value:>16}  {goal}{mark}", flush=True)

    try:
        real = build(None, work / "real-site", "--force")
        report("bundled data: full build", f"{real['wall']:.2f} s", "goal <= 3 s", real["wall"] <= 3)
        big_pkg, small_pkg = work / "big", work / "small"
        counts = generate(big_pkg, scale)
        generate(small_pkg, tenth)
        print(f"synthetic package: {counts['projects']:,} projects, {counts['indicators']:,} indicators, "
              f"{sum(counts.values()):,} rows; tenth: {tenth.projects:,} projects", flush=True)
        big = build(big_pkg, work / "big-site", "--force")
        for phase, seconds in sorted(big["phases"].items(), key=lambda kv: -kv[1]):
            print(f"    phase {phase:<12} {seconds:8.2f} s")
        print(f"    {big['pages']:,} pages, {big['files']:,} data files; whole-package downloads and XLSX twins written by a pool of {big['workers']} worker "
              f"processes beside the main process (phase times are the main process's)")
        report("synthetic: full build", f"{big['wall']:.1f} s", "goal <= 60 s", big["wall"] <= 60)
        cpu = big["cpu_s"] + big["workers_cpu_s"]
        print(f"    CPU time {cpu:.0f} s on {os.cpu_count()} cores: main process {big['cpu_s']:.0f} s, "
              f"worker processes {big['workers_cpu_s']:.0f} s (XLSX twins, whole-package downloads, search index)")
        report("synthetic: pages per second", f"{big['pages'] / big['wall']:.0f}")
        together = big["together_mib"]
        report("synthetic: peak memory, all processes at once", f"{together:.0f} MiB", "goal <= 1536 MiB", together <= 1536)
        bound = big["peak_mib"] + big["workers"] * big["worker_peak_mib"] + big["pagefind_sampled_mib"]
        print(f"    sampled every 0.2 s (PSS of the build and every process it started); each process's own peak: "
              f"main {big['peak_mib']:.0f} MiB + {big['workers']} pool workers x {big['worker_peak_mib']:.0f} MiB "
              f"(the largest worker's) + Pagefind {big['pagefind_sampled_mib']:.0f} MiB (its largest run, sampled; "
              f"{len(list((work / 'big-site').glob('pagefind*')))} runs, one after another) = {bound:.0f} MiB (an upper bound: the peaks need not coincide)")
        files = [f for f in (work / "big-site").rglob("*") if f.is_file()]
        size = sum(f.stat().st_size for f in files)
        report("synthetic: site on disk", f"{size / 2**30:.2f} GiB", f"({len(files):,} files; goal <= 1 GiB)", size <= 2**30)
        # CPU time: Pagefind runs while the entity pages are written, so no phase is its own.
        search_cpu = big.get("search_cpu_s", 0.0)
        report("synthetic: search index build (Pagefind), CPU", f"{search_cpu:.1f} s", "goal <= 15 s", search_cpu <= 15)
        try:
            weight = search_figures(work / "big-site", big_pkg)
            skipped = "no Playwright or Chromium"
        except Exception as error:  # noqa: BLE001 - a page that does not load is a figure, not the end of the run
            weight, skipped = None, f"{type(error).__name__}: {str(error).splitlines()[0]}"
        if weight is None:
            print(f"    search transfer: skipped ({skipped})")
        else:
            report("synthetic: search files on disk", f"{weight['on_disk'] / 2**20:.1f} MiB", f"({weight['files']:,} files, {weight['bundles']} Pagefind bundles)")
            report("synthetic: search bytes on a page view", f"{weight['on_home'] / 1024:.0f} KB", "goal 0 KB",
                   weight["on_home"] == 0)
            report("synthetic: opening the search page", f"{weight['opened'] / 1024:.0f} KB",
                   "(nothing before a query)")
            def kb(n):
                return "unfinished" if n is None else f"{n / 1024:.0f} KB"

            first = weight["first"]
            report("synthetic: first query (runtime included)", kb(first), "goal <= 300 KB",
                   first is not None and first <= 300 * 1024)
            finished = [b for b in weight["later"] if b is not None]
            later = max(finished) if finished else None
            report("synthetic: later queries, the largest", kb(later), "goal <= 300 KB",
                   later is not None and len(finished) == len(weight["later"]) and later <= 300 * 1024)
            print(f"    queries: {', '.join(weight['queries'])}; later: {', '.join(kb(b) for b in weight['later'])}")
            # Time is measured, not a goal of the issue: Pagefind reads every page's entry for each
            # word of a query, so a query whose words are on most pages takes long (README).
            slowest = max(weight["seconds"], key=lambda t: float("inf") if t is None else t)
            report("synthetic: search time, the slowest query", "unfinished" if slowest is None else f"{slowest:.1f} s",
                   f"(in Chromium, each query at most {QUERY_TIMEOUT} s)")
            print(f"    times: {', '.join('over %d s' % QUERY_TIMEOUT if t is None else f'{t:.1f} s' for t in weight['seconds'])}")
        small = build(small_pkg, work / "small-site", "--force")
        ratio = big["wall"] / small["wall"]
        data_ratio = scale.projects / tenth.projects
        report(f"scaling: {data_ratio:.0f}x the data costs", f"{ratio:.1f}x the time", f"goal <= {1.2 * data_ratio:.0f}x",
               ratio <= 1.2 * data_ratio)
        again = build(big_pkg, work / "big-site")
        report("rebuild with no data change", f"{again['wall']:.2f} s", f"{100 * again['wall'] / big['wall']:.1f}% of full, goal <= 20%",
               again["wall"] <= 0.2 * big["wall"])
        added = generate(big_pkg, scale, new_notice=True)
        one = build(big_pkg, work / "big-site")
        report("rebuild after one new notice", f"{one['wall']:.1f} s", f"{100 * one['wall'] / big['wall']:.0f}% of full, goal <= 15%",
               one["wall"] <= 0.15 * big["wall"])
        print(f"    entity pages: {one['pages_rendered']:,} rendered, {one['pages_reused']:,} not rendered (inputs unchanged), "
              f"{one['pages_removed']:,} removed; whole-package downloads "
              f"{'kept' if one.get('downloads_reused') else 'written again'}; phases: "
              + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(one["phases"].items(), key=lambda kv: -kv[1])[:6]))
        report("rebuild after one new notice: CPU", f"{one['cpu_s'] + one['workers_cpu_s']:.0f} s",
               f"main {one['cpu_s']:.0f} s, workers {one['workers_cpu_s']:.0f} s")
        print(f"    +{added['projects'] - counts['projects']} projects; XLSX twins: {one['twins_written']:,} written, "
              f"{one['twins_carried_over']:,} carried over unchanged; unchanged pages linked: {one['pages_linked']:,} "
              f"of {one['pages']:,}, unchanged CSVs linked: {one['csvs_linked']:,}")
        # Per page at about 1,000 pages: ours against the naive build of the same entities.
        per = Scale(1, 10, 10, max(1, args.naive_pages // 100), scale.indicators_per_project) if not args.quick else Scale(1, 5, 4, 10, 10)
        thousand = work / "thousand"
        generate(thousand, per)
        # Each side is built three times and its best run counted: one run on a shared machine
        # can be 50% slower than the next.
        runs = 1 if args.quick else 3
        # Every run builds into a new folder: a build beside a previous site links unchanged files.
        ours = min((build(thousand, work / f"thousand-site-{i}", "--force") for i in range(runs)), key=lambda b: b["wall"])
        naive_seconds, naive_pages = naive_build(thousand, work / "naive", per.projects, runs)
        ours_pp, naive_pp = ours["wall"] / ours["pages"], naive_seconds / naive_pages
        report(f"per page at {naive_pages} pages: naive mkdocs", f"{1000 * naive_pp:.1f} ms", "(pages only, no data files)")
        report(f"per page at {ours['pages']} pages: ours, whole build", f"{1000 * ours_pp:.1f} ms",
               f"(also {ours['files']:,} data files)")
        report("naive / ours, whole build", f"{naive_pp / ours_pp:.1f}x")
        # The same pages without the data files the naive build does not make: no twin workers
        # (FUNDSITE_WORKERS=0: the main process writes the data files) and the time it spends on
        # them left out: rendering them (render.files), writing the CSVs and XLSX twins (write,
        # which also holds the swap into place, a few milliseconds) and waiting for the
        # downloads (mkdocs.downloads). Pagefind still indexes the pages' records, as in every build.
        def data_file_work(b):
            return sum(b["phases"].get(name, 0.0) for name in ("render.files", "write", "mkdocs.downloads"))

        def page_work(b):
            return b["wall"] - data_file_work(b)
        alone = min((build(thousand, work / f"thousand-alone-{i}", "--force", env={"FUNDSITE_WORKERS": "0"}) for i in range(runs)),
                    key=page_work)
        pages_pp = page_work(alone) / alone["pages"]
        report(f"per page at {alone['pages']} pages: ours, page work", f"{1000 * pages_pp:.1f} ms",
               f"(whole build {alone['wall']:.1f} s minus {data_file_work(alone):.1f} s of data files)")
        report("naive / ours, page work", f"{naive_pp / pages_pp:.1f}x", "goal >= 9x", naive_pp / pages_pp >= 9)
        rate, load_rate, rows = validation_rate(big_pkg)
        report(f"validation of {rows:,} rows (fast engine)", f"{rate:,.0f} rows/s", "goal >= 200,000 rows/s", rate >= 200_000)
        report("    the same, counting the CSV reading", f"{load_rate:,.0f} rows/s")
        report("frictionless on projects + allocations", f"{frictionless_rate(big_pkg):,.0f} rows/s", "(reference)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    missed = [f for f in figures if f[3].strip() == "MISSED"]
    print(f"\n{len(figures)} figures, {len(missed)} goals missed (figures are printed, not asserted).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
