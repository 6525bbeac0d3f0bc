"""Every page passes the Content-Security-Policy in Debian's chromium (issue 12, point 5): the main pages, the
dashboards with their charts and the map, a town's page, a project, the notice and the API docs load with no
"Refused to …" in the console and no securitypolicyviolation event. A page that put back an inline script
or a style attribute would fail here (test_an_inline_style_attribute_is_caught shows the test sees one)."""

import pytest

from ..dashboard.data import small_program
from .conftest import log_in

pytestmark = pytest.mark.e2e

# The listener is installed before any of the page's scripts run, so a violation during parsing counts too.
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + (event.sample || "") + " " + (event.sourceFile || "") + ":" + event.lineNumber);
});
"""


def refused(text):
    """Chromium's console words for a blocked resource ("Refused to load …") or inline code ("Applying inline
    style violates the following Content Security Policy directive …")."""
    return "Refused to" in text or "Content Security Policy" in text


@pytest.fixture
def program(live_server, make_user):
    program = small_program()
    make_user("province_admin", username="admin")
    return program


def watched(browser, live_server, username="admin"):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.refusals = []
    page.on("console", lambda message: page.refusals.append(message.text) if refused(message.text) else None)
    page.add_init_script(WATCH)
    if username:
        log_in(page, live_server.url, username)
    return page


def violations(page, url, ready=None):
    response = page.goto(url)
    assert response.status == 200, url
    assert "content-security-policy" in response.headers, url
    if ready:
        page.wait_for_selector(ready, timeout=15000)
    page.wait_for_load_state("networkidle")
    return page.refusals + page.evaluate("window.__cspViolations")


def wait_for_charts(page):
    expected = page.locator("[data-chart-spec]").count()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart-ready=\"1\"]').length === n", arg=expected, timeout=15000
    )
    return expected


PAGES = [
    "/towns/",
    "/towns/designations/",
    "/towns/quotas/",
    "/towns/rounds/",
    "/towns/inbox/",
    "/projects/",
    "/projects/reports/",
    "/projects/unreported/",
    "/projects/task-areas/",
    "/funding/",
    "/funding/allocations/",
    "/assessment/",
    "/assessment/2024/",
    "/assessment/2024/vetoes/",
    "/assessment/2024/talks/",
    "/towns/designations/import/",
    "/notices/",
    "/jobs/",
    "/search/?q=镇",
    "/regions/2201/",
    "/admin/",
    "/admin/towns/town/",
    "/api/v1/",  # DRF's browsable API (core.api.renderers.BrowsableAPIRenderer)
    "/api/v1/towns/?tier=provincial",
]


def test_the_main_pages_pass_the_policy(live_server, program, browser):
    anonymous = watched(browser, live_server, username=None)
    assert violations(anonymous, f"{live_server.url}/login/") == []
    anonymous.close()
    page = watched(browser, live_server)
    for path in PAGES:
        assert violations(page, f"{live_server.url}{path}") == [], path
    page.close()


def test_the_dashboard_its_charts_and_the_map_pass_the_policy(live_server, program, browser):
    page = watched(browser, live_server)
    assert violations(page, f"{live_server.url}/") == []
    assert wait_for_charts(page) == 12
    assert page.locator("#figure-map canvas").count() >= 1
    # A chart's canvas gets its height from data-height through the CSSOM (no style attribute).
    assert page.locator("#figure-map .chart-canvas").evaluate("element => element.style.height") != ""
    page.hover("#figure-map canvas")  # ECharts draws its tooltip
    page.mouse.move(700, 400)
    for path in (f"/towns/{program.sy0.code}/", f"/projects/{program.projects['a'].pk}/"):
        assert violations(page, f"{live_server.url}{path}") == [], path
    wait_for_charts(page)
    assert page.refusals + page.evaluate("window.__cspViolations") == []
    page.close()


@pytest.fixture
def computed(live_server, make_user):
    from ..assessment.page_helpers import Scenario, compute

    Scenario(make_user("province_admin", username="admin"))
    compute(2024)


def test_the_notice_page_passes_the_policy(live_server, computed, browser):
    page = watched(browser, live_server)
    assert violations(page, f"{live_server.url}/assessment/2024/notices/praise/", "article") == []
    page.close()


@pytest.mark.parametrize(
    ("path", "drawn"), [("/api/redoc/", ".menu-content"), ("/api/docs/", ".swagger-ui .info")]
)
def test_the_api_docs_pass_the_policy(live_server, program, browser, path, drawn):
    page = watched(browser, live_server)
    assert violations(page, f"{live_server.url}{path}", drawn) == []
    page.close()


def test_an_inline_style_attribute_is_caught(live_server, program, browser):
    page = watched(browser, live_server)
    violations(page, f"{live_server.url}/towns/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in text for text in page.evaluate("window.__cspViolations"))
    page.close()
