"""Fixtures for browser tests: the built site on a local HTTP server, and Debian's headless Chromium.

Import the fixtures into a test module (`from browser_support import browser, server`).
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder):
    """A local HTTP server for folder, in a thread; yields its address."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def server(built_site):
    with serving(built_site) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def search(page, base: str, query: str, timeout: float = 60000, **facets: str) -> list[str]:
    """Open the search page for a query (and facets: kind=, region=, doc=, year=), as a shared
    link would; the result links, best first, once the page says it is done."""
    from urllib.parse import urlencode

    page.goto(base + "/search/?" + urlencode({"q": query, **facets}))
    page.wait_for_function("q => document.getElementById('fs-results').dataset.doneFor === q", arg=query,
                           timeout=timeout)
    hrefs = page.locator("#fs-results a.fs-result__title").evaluate_all("links => links.map(a => a.href)")
    return [h.split("?", 1)[0].split("#", 1)[0].replace(base, "", 1) for h in hrefs]
