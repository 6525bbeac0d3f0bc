"""County officials work on phones (issue 10, point 9): at 390 px wide, as at 1440 px, the county's pages have
no horizontal scroll, no console error and no text laid out one character per line.

Playwright drives Debian's chromium (tests/e2e/conftest.py); skipped where either is missing, failing under CI.
"""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from projects.rules import period_of

from ..conftest import SHUANGYANG, town_in
from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}

# Every element whose own text (two or more CJK characters) is laid out in as many lines as it has characters,
# or nearly: the sign of a column squeezed to one character's width. Each character's box is measured with a
# Range; characters on the same line share their top.
ONE_CHARACTER_PER_LINE = """
() => {
  const cjk = /[\\u3400-\\u9fff\\uff00-\\uffef]/g;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    const characters = (text.match(cjk) || []).length;
    if (characters < 2) continue;
    const element = node.parentElement;
    if (!element || !element.offsetParent && getComputedStyle(element).position !== "fixed") continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || element.closest(".visually-hidden, .collapse:not(.show), .dropdown-menu:not(.show)")) continue;
    const tops = new Set();
    const range = document.createRange();
    for (let index = 0; index < text.length; index++) {
      if (!/\\S/.test(text[index])) continue;
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const box = range.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      tops.add(Math.round(box.top));
    }
    const lines = tops.size;
    const visible = text.replace(/\\s/g, "").length;
    if (lines >= 2 && visible / lines <= 1.5) {
      found.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}: ${text.trim().slice(0, 30)}`);
    }
  }
  return found;
}
"""

# The elements wider than the viewport, for the failure message when the page scrolls sideways.
TOO_WIDE = """
() => {
  const limit = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.right > limit + 1 && !element.closest(".table-responsive, .overflow-auto")) {
      found.push(`${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}.${element.className}`.slice(0, 80));
    }
  }
  return found.slice(0, 10);
}
"""


@pytest.fixture
def county_work(live_server, county_official, make_draft, make_project):
    """What a county official has on his desk, set up before the browser starts (see test_browser): a draft
    candidate with its documents, an approved project with a progress report, an unread notification."""
    from core.notifications import notify
    from projects.services import change_status, submit_report

    draft = make_draft(town=town_in(SHUANGYANG, 1))
    project = make_project(name="鹿乡镇镇区污水管网及配套设施提质改造工程", investment="88000.00")
    project = change_status(county_official, project=project, status="approved")
    today = timezone.localdate()
    last_month = period_of(today.replace(day=1) - datetime.timedelta(days=1), settings.PROGRESS_PERIOD)
    submit_report(
        county_official,
        project=project,
        period_type=last_month.kind,
        year=last_month.year,
        number=last_month.number,
        cumulative_investment="66610.00",
        percent_complete="25",
        narrative="管网主体完成四分之一，泵站基础施工中。",
    )
    notify(
        [county_official],
        kind="progress_reminder",
        title="请报送本期项目进度",
        body="您的县（市、区）有项目尚未报送本期进度。",
        link=f"/projects/{project.pk}/",
    )
    return draft, project


def _pages(draft, project):
    return {
        "home": "/",
        "inbox": "/towns/inbox/",
        "notifications": "/notices/",
        "submission": f"/towns/submissions/{draft.pk}/",
        "submission form": f"/towns/submissions/{draft.pk}/edit/",
        "project": f"/projects/{project.pk}/",
        "project list": "/projects/",
        "progress report form": f"/projects/{project.pk}/#report-form",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1440x900"])
def test_county_pages_fit_the_screen(live_server, county_work, browser, viewport):
    draft, project = county_work
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} {message.location['url']}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "shuangyang")

    problems = {}
    for name, path in _pages(draft, project).items():
        response = page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert response.status == 200, f"{name}: {response.status}"
        found = []
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            found.append(f"scrolls sideways ({scroll_width} > {inner_width}): {page.evaluate(TOO_WIDE)}")
        squeezed = page.evaluate(ONE_CHARACTER_PER_LINE)
        if squeezed:
            found.append(f"one character per line: {squeezed}")
        if found:
            problems[name] = found
        if name == "progress report form":
            assert page.locator("#report-form").is_visible()
    if viewport == PHONE:
        # The navbar collapses behind its toggler, and opened it still fits the screen.
        page.goto(f"{live_server.url}/")
        assert not page.locator("#portal-nav").is_visible()
        page.click(".navbar-toggler")
        page.wait_for_selector("#portal-nav.show")
        page.wait_for_timeout(400)  # the collapse transition
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            problems["navbar opened"] = [f"scrolls sideways: {page.evaluate(TOO_WIDE)}"]
    assert problems == {}
    assert errors == []
    context.close()


def test_the_checks_see_what_they_look_for(browser):
    """The two layout checks above fail on the faults they name (so that their passing means something)."""
    page = browser.new_context(viewport=PHONE).new_page()
    page.set_content(
        """<html><body style="margin:0">
        <table style="width:100%"><tr><td style="width:1px">齐家镇</td><td>一段足够长的说明文字，占去表格的其余宽度。</td></tr></table>
        <p style="width:15em">一行放得下的文字</p>
        </body></html>"""
    )
    assert page.evaluate(ONE_CHARACTER_PER_LINE) == ["td: 齐家镇"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_content('<html><body><div id="wide" style="width:600px">宽</div></body></html>')
    assert page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert page.evaluate(TOO_WIDE) == ["div#wide."]
