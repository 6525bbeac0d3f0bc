"""The API documentation pages load nothing from outside the portal, as the browser sees them."""

from urllib.parse import urlsplit

import pytest

from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("path", "drawn"), [("/api/redoc/", ".menu-content"), ("/api/docs/", ".swagger-ui")])
def test_documentation_pages_send_no_request_outside_the_portal(live_server, make_user, browser, path, drawn):
    """Every request the page would put on the network passes through the route; ReDoc's logo from
    cdn.redoc.ly is pointed at a local image before the browser asks (static/js/redoc-init.js), and the
    page's Content-Security-Policy would stop it anyway. Outside DEBUG the docs are for signed-in users."""
    make_user("province_viewer", username="viewer")
    page = browser.new_page()
    log_in(page, live_server.url, "viewer")
    sent = []

    def record(route):
        sent.append(urlsplit(route.request.url).netloc)
        route.continue_()

    page.route("**/*", record)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector(drawn, timeout=15000)
    page.wait_for_load_state("networkidle")
    portal = urlsplit(live_server.url).netloc
    assert portal in sent
    assert {host for host in sent if host != portal} == set()
    page.close()
