"""The catalogue site in a real browser: headless Chromium against the site served on localhost.

Screenshots for review go to out/site-index.png and out/J9306.png.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from codefolio.catalog import build_site
from tests.conftest import EXAMPLES, ROOT

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium reaches for the network at start-up,
# which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "out"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    records = tmp_path_factory.mktemp("records")
    for name in ["J9306.yaml", "J9355.yaml"]:
        shutil.copy(EXAMPLES / name, records / name)
    site = tmp_path_factory.mktemp("serve") / "site"
    build_site(records, site)
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageLog:
    """Everything a page reports that would mean it is broken or reaching out."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("requestfailed", lambda request: self.errors.append(f"failed: {request.url}"))
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((base_url, "data:"))
                else self.foreign.append(request.url)
            ),
        )


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_publication_page_loads_cleanly(page: Page, site_url: str) -> None:
    log = PageLog(page, site_url)
    page.goto(f"{site_url}/J9306.html", wait_until="load")
    assert page.title() == "HCPCS Level II J9306: Injection, pertuzumab, 1 mg"
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "en"
    callout = page.locator(".missing[role=note]").first
    assert callout.is_visible()
    assert callout.inner_text() == (
        "Coverage details for Blue Cross Blue Shield: Data not available in the input."
    )
    assert page.locator("table caption").first.is_visible()
    # Each table names its sources in one visible line; markers sit outside the cells.
    mue = page.locator("#sec-benchmarks .table-source").first
    assert mue.is_visible()
    assert mue.inner_text().startswith(
        "Source: CMS Medically Unlikely Edits, April 1, 2026 edition, row J9306."
    )
    assert page.locator(".table-source").count() == page.locator("table").count()
    assert page.locator("td sup").count() == 0
    # A heading's only table does not repeat it as a visible caption.
    box = page.locator("#sec-modifiers caption").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1
    # Field-level sources stay folded until asked for.
    assert not page.locator("#field-sources code").first.is_visible()
    page.locator("#field-sources summary").click()
    assert page.locator("#field-sources code").first.is_visible()
    page.locator("#sec-summary sup.src a").first.click()
    assert page.url.endswith("#ref-1")
    assert page.locator("#ref-1").inner_text() == "Input record: J9306, record format codefolio/1"
    page.get_by_role("link", name="Common Billing Pairings").click()
    assert page.url.endswith("#sec-pairings")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto(f"{site_url}/J9306.html", wait_until="load")
    page.screenshot(path=SCREENSHOTS / "J9306.png", full_page=True)
    assert (log.errors, log.foreign) == ([], [])


def test_index_search_hides_other_codes(page: Page, site_url: str) -> None:
    log = PageLog(page, site_url)
    page.goto(f"{site_url}/index.html", wait_until="load")
    j9306, j9355 = page.locator("#code-J9306"), page.locator("#code-J9355")
    assert j9306.is_visible() and j9355.is_visible()

    page.get_by_label("Search code, descriptor or drug name").press_sequentially("pertuzumab")
    assert j9306.is_visible()
    assert j9355.is_hidden()
    assert page.locator("#search-status").inner_text() == "1 of 2 codes shown"
    page.screenshot(path=SCREENSHOTS / "site-index.png", full_page=True)

    page.get_by_label("Search code, descriptor or drug name").fill("HERCEPTIN")
    assert j9306.is_hidden() and j9355.is_visible()
    page.get_by_label("Search code, descriptor or drug name").fill("")
    assert j9306.is_visible() and j9355.is_visible()
    assert (log.errors, log.foreign) == ([], [])


def test_index_sorts_by_a_column_heading(page: Page, site_url: str) -> None:
    log = PageLog(page, site_url)
    page.goto(f"{site_url}/index.html", wait_until="load")
    codes = page.locator("#codes tbody tr")
    missing_header = page.locator("th", has_text="Missing elements")

    assert [row.get_attribute("id") for row in codes.all()] == ["code-J9306", "code-J9355"]
    missing_header.get_by_role("button").click()
    assert missing_header.get_attribute("aria-sort") == "ascending"
    assert [row.get_attribute("id") for row in codes.all()] == ["code-J9355", "code-J9306"]
    assert page.locator("th", has_text="Code").first.get_attribute("aria-sort") is None
    missing_header.get_by_role("button").click()
    assert missing_header.get_attribute("aria-sort") == "descending"
    assert [row.get_attribute("id") for row in codes.all()] == ["code-J9306", "code-J9355"]

    page.get_by_role("link", name="J9355").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().startswith("HCPCS Level II J9355")
    assert (log.errors, log.foreign) == ([], [])
