"""Issue 10 in the browser: the city returns a county's candidate with a comment; the county finds it in the
navbar bell as an unread notification with the comment, and on its to-do list (and the home card) marked
已退回 with the comment, each leading to the submission."""

import pytest

from selection.services import transition

from ..conftest import NONGAN, town_in
from .conftest import log_in

pytestmark = pytest.mark.e2e

COMMENT = "请补充实施方案中的投资测算表。"


@pytest.fixture
def submitted(live_server, make_user, make_draft):
    """Set up before the browser starts (see test_browser.two_counties): a 农安 candidate submitted."""
    county = make_user("county_official", NONGAN, username="nongan")
    make_user("city_official", "2201", username="changchun")
    draft = make_draft(town=town_in(NONGAN), user=county)
    transition(county, submission_id=draft.pk, action="submit")
    return draft


def accept_confirmations(page):
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_a_returned_submission_reaches_the_county_as_a_notification_and_a_todo(
    live_server, submitted, browser
):
    base, town = live_server.url, submitted.town
    submission_path = f"/towns/submissions/{submitted.pk}/"

    city = accept_confirmations(browser.new_context().new_page())
    log_in(city, base, "changchun")
    city.goto(f"{base}{submission_path}")
    city.fill("#id_comment", COMMENT)
    city.click("button[data-action=return]")
    city.wait_for_load_state()
    assert "草稿" in city.content()
    # The city heard of the submission; of its own step, nothing.
    assert city.locator("#notice-count").inner_text().startswith("1")

    county = accept_confirmations(browser.new_context().new_page())
    log_in(county, base, "nongan")
    assert county.locator("#notice-count").inner_text().startswith("1")

    # The home card lists the returned draft first thing.
    card = county.locator("#home-inbox-table")
    row = card.locator(f"tr[data-submission='{submitted.pk}']")
    assert "已退回" in row.inner_text() and COMMENT in row.inner_text()

    # The bell: the notification names the town and carries the comment; opening it leads to the submission.
    county.click("#notice-bell")
    county.wait_for_load_state()
    notice = county.locator("#notice-list .notice-unread").first
    assert f"已退回：{town.name}的候选镇申报" in notice.inner_text()
    assert COMMENT in notice.inner_text()
    notice.click()
    county.wait_for_load_state()
    assert county.url == f"{base}{submission_path}"
    assert county.locator("#notice-count").count() == 0  # read once opened

    # The to-do list: the draft marked 已退回 with the comment, its 办理 link to the submission.
    county.click("#portal-nav >> text=待办")
    county.wait_for_load_state()
    assert county.url == f"{base}/towns/inbox/"
    line = county.locator(f"#inbox-table tr[data-submission='{submitted.pk}']")
    text = line.inner_text()
    assert "被退回的候选镇申报" in text and "已退回" in text and f"退回意见：{COMMENT}" in text
    line.locator("text=办理").click()
    county.wait_for_load_state()
    assert county.url == f"{base}{submission_path}"
