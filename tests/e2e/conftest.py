"""Browser tests: Playwright for Python driving Debian's Chromium, headless.

Skipped, with a message, where no Chromium is installed. The live server needs a
transactional database, which Django flushes after each test: the demo data is
loaded before and restored after, so that later tests still find it.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(autouse=True)
def _restore_demo_after_flush(restore_demo):
    """Autouse, so set up before the live server's database and torn down after its flush."""


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: browser tests skipped (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    from tests.conftest import load_demo

    load_demo()
    return live_server


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def open_page(browser, base, viewport=DESKTOP):
    """A page in a new context at ``viewport`` (narrower than 800 px: a touch phone),
    recording console errors and failed resources in ``page.console_errors``."""
    touch = viewport["width"] < 800
    context = browser.new_context(locale="vi-VN", viewport=viewport, has_touch=touch,
                                  is_mobile=touch)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    # Name the missing resource: the console only says "404".
    page.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
            and page.console_errors.append(f"{r.status} {r.url}"))
    page.base = base
    return page


@pytest.fixture
def page(browser, live_demo):
    page = open_page(browser, live_demo.url)
    yield page
    page.context.close()


@pytest.fixture
def new_page(browser, live_demo):
    """A factory of pages at a given viewport, closed after the test."""
    pages = []

    def make(viewport=DESKTOP):
        pages.append(open_page(browser, live_demo.url, viewport))
        return pages[-1]

    yield make
    for page in pages:
        page.context.close()


def login(page, username, password="demo-ntm-2021"):
    page.goto(page.base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base + "/")


def submit(page, selector="button[type=submit]"):
    """Click a button that posts a form and wait for the answer's page to load.

    A form whose errors come back on the same address gives no new URL to wait for,
    and reading the page straight after the click may read the old one. Call it once the
    form's page is there (after a click that opened it, wait for its URL or content):
    a navigation still under way would satisfy the wait in place of the answer's.
    """
    with page.expect_navigation():
        page.click(selector)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

