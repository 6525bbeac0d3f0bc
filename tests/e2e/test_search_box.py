"""The header's search box in Debian's chromium: it answers as one types (the API with the session), arrow
keys and Enter open a row, a click opens it, Enter alone opens /search/?q=; a town's page draws its charts."""

import pytest

from assessment.services import publish
from towns.services import designate

from ..assessment.page_helpers import compute, score
from ..conftest import JIAOHE, SHUANGYANG, town_in
from .conftest import log_in

pytestmark = pytest.mark.e2e

LUXIANG = "220112102"  # 鹿乡镇, 双阳区


@pytest.fixture
def towns(live_server, make_user):
    """Set up before the browser starts (see test_browser.two_counties)."""
    admin = make_user("province_admin", username="office")
    own = town_in(SHUANGYANG)
    designate(own, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    foreign = town_in(JIAOHE)
    designate(foreign, "provincial", 2022)
    score(admin, 2024, {own: "88", foreign: "91"})
    compute(2024)
    publish(admin, year=2024, doc_prefix="吉示范镇办")
    make_user("county_official", SHUANGYANG, username="shuangyang")
    return own, foreign


def results(page):
    page.wait_for_selector("#global-search-results.show [role=option]")
    return page.locator("#global-search-results [role=option]")


def test_typing_in_the_header_box_finds_and_opens_a_town(live_server, towns, browser):
    own, foreign = towns
    page = browser.new_page()
    log_in(page, live_server.url, "shuangyang")

    box = page.locator("#global-search")
    box.click()
    box.press_sequentially("lxz", delay=50)  # 鹿乡镇 by its pinyin initials
    options = results(page)
    assert "鹿乡镇" in options.first.inner_text()
    assert page.locator("#global-search-results .dropdown-header").first.inner_text() == "乡镇"
    options.first.click()
    page.wait_for_url(f"**/towns/{LUXIANG}/")
    assert "认定历史" in page.content() and "建设项目" in page.content()

    # Arrow down to the first row, Enter opens it.
    box = page.locator("#global-search")
    box.fill("")
    box.press_sequentially(own.code, delay=30)
    results(page)
    box.press("ArrowDown")
    assert page.locator("#global-search-results [role=option].active").count() == 1
    box.press("Enter")
    page.wait_for_url(f"**/towns/{own.code}/")
    # The town page draws its score chart with the vendored ECharts.
    page.wait_for_selector("#figure-town-scores [data-chart-ready='1']")

    # Enter without a chosen row: the results page. Another county's town is not found.
    box = page.locator("#global-search")
    box.fill("")
    box.press_sequentially(foreign.name, delay=30)
    page.wait_for_selector("#global-search-results.show")
    assert foreign.name not in page.locator("#global-search-results").inner_text().replace(
        f"“{foreign.name}”", ""
    )
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "共找到 0 条" in page.locator("#search-summary").inner_text()
