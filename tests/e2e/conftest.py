"""Browser fixtures: Debian's chromium driven by Playwright through its executable path.

Skipped where chromium or Playwright is missing; under CI (PORTAL_REQUIRE_SERVICES=1) that is a failure.
"""

import os
import shutil

import pytest

from ..conftest import REQUIRE_SERVICES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "Portal-test-2024"


@pytest.fixture
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright is not installed"
    else:
        problem = None if os.path.exists(CHROMIUM) else f"no chromium at {CHROMIUM}"
    if problem:
        if REQUIRE_SERVICES:
            pytest.fail(f"browser tests cannot run under CI: {problem}")
        pytest.skip(problem)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page, base_url, username):
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
