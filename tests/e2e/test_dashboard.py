"""The province dashboard in Debian's chromium: every chart is drawn by the vendored ECharts without a console
error or a request outside the portal, and a click on a city of the map opens that city's page."""

from urllib.parse import urlsplit

import pytest

from ..conftest import CHANGCHUN, SHUANGYANG
from ..dashboard.data import small_program
from .conftest import log_in

pytestmark = pytest.mark.e2e

# 长春市's label point in static/maps/jilin.json (its `cp`): inside its outline.
CHANGCHUN_POINT = [125.3245, 43.886841]


@pytest.fixture
def program(live_server, make_user):
    """Set up before the browser starts: Playwright's greenlet would give ORM calls a connection of their own."""
    small_program()
    make_user("province_viewer", username="viewer")
    make_user("city_official", CHANGCHUN, username="changchun")
    make_user("county_official", SHUANGYANG, username="shuangyang")


def watched_page(browser, live_server, username="viewer"):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.errors, page.hosts = [], set()
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("request", lambda request: page.hosts.add(urlsplit(request.url).netloc))
    log_in(page, live_server.url, username)
    return page


def wait_for_charts(page):
    """Every chart of the page drawn: as many canvases marked data-chart-ready as charts handed a spec."""
    expected = page.locator("[data-chart-spec]").count()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart-ready=\"1\"]').length === n", arg=expected, timeout=15000
    )
    return expected


def test_the_province_dashboard_draws_every_chart(live_server, program, browser):
    page = watched_page(browser, live_server)
    page.goto(f"{live_server.url}/")
    drawn = wait_for_charts(page)
    assert drawn == page.locator("script[id^=spec-]").count() == 12
    assert page.locator("#figure-map canvas").count() >= 1
    page.wait_for_load_state("networkidle")
    assert page.errors == []
    assert page.hosts == {urlsplit(live_server.url).netloc}

    # the data table is one click away, and the measure chooser reloads the map with another measure
    page.click("#figure-gaps button[data-bs-toggle=collapse]")
    page.wait_for_selector("#table-gaps", state="visible")
    assert "长春市" in page.inner_text("#table-gaps")
    page.click("#map-measures a[data-measure=investment]")
    page.wait_for_load_state()
    assert "measure=investment" in page.url
    wait_for_charts(page)
    assert "项目总投资" in page.inner_text("#figure-map")
    assert page.errors == []
    page.close()


@pytest.mark.parametrize(("username", "charts"), [("changchun", 8), ("shuangyang", 6)])
def test_the_city_and_county_dashboards_draw_every_chart(live_server, program, browser, username, charts):
    page = watched_page(browser, live_server, username)
    page.goto(f"{live_server.url}/")
    assert wait_for_charts(page) == page.locator("script[id^=spec-]").count() == charts
    assert page.locator("#figure-map").count() == 0  # the map is the province's
    page.wait_for_load_state("networkidle")
    assert page.errors == []
    assert page.hosts == {urlsplit(live_server.url).netloc}
    page.close()


def test_a_click_on_a_city_of_the_map_opens_its_page(live_server, program, browser):
    page = watched_page(browser, live_server)
    page.goto(f"{live_server.url}/")
    wait_for_charts(page)
    canvas = page.locator("#figure-map .chart-canvas")
    canvas.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([point]) => {
            const chart = echarts.getInstanceByDom(document.querySelector('#figure-map .chart-canvas'));
            return chart.convertToPixel({seriesIndex: 0}, point);
        }""",
        [CHANGCHUN_POINT],
    )
    box = canvas.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert urlsplit(page.url).path == f"/regions/{CHANGCHUN}/"
    assert "长春市" in page.inner_text("h1")
    drawn = wait_for_charts(page)
    assert drawn == 8 and page.errors == []
    page.close()
