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


# Backup codes every e2e user of a role that needs a second factor holds (each works once).
E2E_BACKUP_CODES = [f"e2ecode{n:04d}" for n in range(1, 11)]


@pytest.fixture
def make_user(make_user):
    """The suite's make_user; a role that needs a second factor is given E2E_BACKUP_CODES, here, before the
    browser starts (an ORM call from Playwright's greenlet would open a connection of its own)."""
    from accounts.second_factor import issue_backup_codes
    from core.roles import TWO_FACTOR_ROLES

    def make(role, *args, **kwargs):
        user = make_user(role, *args, **kwargs)
        if user.role in TWO_FACTOR_ROLES:
            issue_backup_codes(user, codes=E2E_BACKUP_CODES)
        return user

    return make


@pytest.fixture(autouse=True)
def e2e_captcha_test_mode(captcha_test_mode):
    """The live server runs in this process: the captcha's answer "PASSED" is right in the browser too."""


def log_in(page, base_url, username):
    """The login form as a person goes through it: the password (and the captcha, once asked for), then for
    a role that needs a second factor one of the backup codes given to the user beforehand."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    if page.locator("input[name=captcha_1]").count():
        page.fill("input[name=captcha_1]", "PASSED")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for code in E2E_BACKUP_CODES:
        if "/login/second-factor/" not in page.url:
            break
        page.fill("input[name=otp]", code)  # one already used in an earlier login is refused: the next
        page.click("#otp-submit")
        page.wait_for_load_state()
