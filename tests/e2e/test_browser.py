"""End to end in Debian's chromium (Playwright through its executable path, never `playwright install`).

Skipped where chromium or Playwright is missing; under CI (PORTAL_REQUIRE_SERVICES=1) that is a failure.
"""

import pytest

from towns.services import designate

from ..conftest import JIAOHE, SHUANGYANG, town_in
from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_counties(live_server, make_user):
    """Set up before the browser starts: Playwright's greenlet would give ORM calls a connection of their own."""
    own = town_in(SHUANGYANG)
    designate(own, "county", 2022, doc_no="双政发〔2022〕1号")
    foreign = town_in(JIAOHE)
    designate(foreign, "provincial", 2022)
    make_user("county_official", SHUANGYANG, username="shuangyang")
    make_user("province_viewer", username="viewer")
    return own, foreign


def test_county_official_works_through_directory_detail_and_export(live_server, two_counties, browser):
    own, foreign = two_counties
    page = browser.new_page()
    log_in(page, live_server.url, "shuangyang")
    assert "工作台" in page.content()

    page.goto(f"{live_server.url}/towns/")
    table = page.locator("table").first.inner_text()
    assert own.name in table
    assert foreign.name not in table

    page.select_option("select[name=tier]", "county")
    page.click("button[type=submit]:has-text('筛选')")
    page.wait_for_load_state()
    assert "tier=county" in page.url
    page.click(f"text={own.name}")
    page.wait_for_load_state()
    assert "双政发〔2022〕1号" in page.content()
    assert "认定历史" in page.content()

    page.goto(f"{live_server.url}/towns/")
    with page.expect_download() as download_info:
        page.click("text=导出 Excel")
    assert download_info.value.suggested_filename.endswith(".xlsx")

    response = page.goto(f"{live_server.url}/towns/{foreign.code}/")
    assert response.status == 404
    assert foreign.name not in page.content()


def test_lockout_message_after_five_failures(live_server, two_counties, browser):
    page = browser.new_page()
    for attempt in range(5):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "viewer")
        page.fill("input[name=password]", "wrong-password")
        # From the third failure on the form shows a captcha (test mode: "PASSED" is the answer).
        assert page.locator("input[name=captcha_1]").count() == (1 if attempt >= 3 else 0)
        if attempt >= 3:
            assert page.locator("img.captcha").count() == 1
            page.fill("input[name=captcha_1]", "PASSED")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    log_in(page, live_server.url, "viewer")
    assert "已被锁定 30 分钟" in page.content()
    assert "/login/" in page.url or "工作台" not in page.content()
