"""Lighthouse scores for the main page kinds of the built site, as a Markdown table.

    .venv/bin/python scripts/lighthouse.py [--site site] [--reports DIR] [--preset desktop]

Serves the built site on a local port (text files gzip-compressed, as static hosts serve
them; --no-gzip serves them raw), runs Lighthouse (npm, version pinned
below, fetched by npx on first use) in Debian's Chromium against home, a
district, a project, a plan and the search results, and prints one row per
page. The README's table comes from this script. Lighthouse needs network
access once, to install; the pages themselves load nothing from outside.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

LIGHTHOUSE = "lighthouse@13.5.0"
CHROME = shutil.which("chromium") or "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "首页 home": "/",
    "地区 district (花都区)": "/districts/huadu/",
    "项目 project": "/projects/huadu-ec-p01/",
    "规划 plan": "/plans/gz-hrss-14fyp/",
    # The search page shows the results for ?q=.
    "搜索结果 search (花都)": "/search/?q=" + quote("花都"),
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv")


class _Gzip(_Quiet):
    """Text files gzip-compressed when the browser accepts it, as every static host serves them
    (GitHub Pages, Netlify, nginx with gzip on): what a reader's phone really downloads."""

    def send_head(self):
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in COMPRESSED or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        import gzip
        import io

        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def run_lighthouse(url: str, report: Path, preset: str | None) -> dict[str, int]:
    command = ["npx", "--yes", LIGHTHOUSE, url, "--output=json", f"--output-path={report}", "--quiet",
               "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run"]
    if preset:
        command.append(f"--preset={preset}")
    subprocess.run(command, check=True, env=dict(os.environ, CHROME_PATH=CHROME))
    result = json.loads(report.read_text(encoding="utf-8"))
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--site", default="site", help="built site folder (default: site)")
    parser.add_argument("--reports", default=None, help="keep the JSON reports in this folder")
    parser.add_argument("--preset", choices=["desktop"], default=None, help="Lighthouse preset (default: mobile)")
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed (default: gzip, as hosts do)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(f"{site}/index.html not found: build the site first (python build.py)", file=sys.stderr)
        return 2
    reports = Path(args.reports) if args.reports else Path(tempfile.mkdtemp(prefix="lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    handler = _Quiet if args.no_gzip else _Gzip
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        rows = []
        for index, (name, path) in enumerate(PAGES.items()):
            scores = run_lighthouse(base + path, reports / f"page-{index}.json", args.preset)
            rows.append((name, path, scores))
    finally:
        httpd.shutdown()
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, {args.preset or 'mobile'} preset, Chromium {CHROME}, "
          f"{'uncompressed' if args.no_gzip else 'gzip'}")
    print()
    print("| page | path | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---:|" * len(CATEGORIES))
    for name, path, scores in rows:
        print(f"| {name} | `{path}` | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
