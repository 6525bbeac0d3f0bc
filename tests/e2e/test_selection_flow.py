"""R3 end to end in the browser: a county files a candidate with its two plans, the city recommends it,
the province selects it, and the town page shows the new designation."""

import pytest

from ..conftest import NONGAN, PDF_BYTES, office_bytes, town_in
from .conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(live_server, make_user, open_round):
    """Set up before the browser starts (see test_browser.two_counties)."""
    make_user("county_official", NONGAN, username="nongan")
    make_user("city_official", "2201", username="changchun")
    make_user("province_admin", username="office")
    return open_round, town_in(NONGAN)


def test_candidate_from_county_draft_to_provincial_decision(live_server, people, browser, tmp_path):
    selection_round, town = people
    plan = tmp_path / "十四五建设工作方案.pdf"
    plan.write_bytes(PDF_BYTES)
    implementation = tmp_path / "实施方案.docx"
    implementation.write_bytes(office_bytes("docx"))
    base = live_server.url
    asked = []  # the steps that cannot be undone ask first (data-confirm) and say what will change

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    county = browser.new_context().new_page()
    county.on("dialog", accept)
    log_in(county, base, "nongan")
    county.goto(f"{base}/towns/rounds/{selection_round.pk}/submissions/new/")
    county.select_option("select[name=town]", town.code)
    county.select_option("select[name=tier]", "city")
    for name, value in {
        "registered_population": "30000",
        "resident_population": "27000",
        "area_km2": "160.5",
        "gdp": "280000",
        "fiscal_revenue": "9800.5",
        "characteristic_industry": "玉米深加工",
        "distance_to_county_km": "22",
        "distance_to_city_km": "68",
    }.items():
        county.fill(f"[name={name}]", value)
    county.check("[name=in_changchun_metro]")
    county.click("button:has-text('保存草稿')")
    county.wait_for_load_state()
    assert "候选镇申报" in county.content()

    county.set_input_files("input[name=work_plan]", str(plan))
    county.set_input_files("input[name=implementation_plan]", str(implementation))
    county.click("#upload-form button[type=submit]")
    county.wait_for_load_state()
    assert "十四五建设工作方案.pdf" in county.content() and "实施方案.docx" in county.content()
    submission_url = county.url
    county.click("button[data-action=submit]")
    county.wait_for_load_state()
    assert "已上报" in county.content()
    assert asked == [f"上报后县级不能再修改，将提交长春市审核。确定上报{town.name}吗？"]

    city = browser.new_context().new_page()
    city.on("dialog", accept)
    log_in(city, base, "changchun")
    city.goto(submission_url)
    city.fill("#id_comment", "产业基础扎实，同意推荐。")
    city.click("button[data-action=recommend]")
    city.wait_for_load_state()
    assert "市级已推荐" in city.content()

    office = browser.new_context().new_page()
    office.on("dialog", accept)
    log_in(office, base, "office")
    office.goto(submission_url)
    office.click("button[data-action=select]")  # no document number yet: refused, nothing changes
    office.wait_for_load_state()
    assert "审定入选须填写决定文号" in office.content()
    office.fill("#id_doc_no", "吉示范镇办〔2026〕8号")
    office.click("button[data-action=select]")
    office.wait_for_load_state()
    assert "已入选" in office.content()
    assert asked[-1] == (
        f"审定入选后，{town.name}自 {selection_round.year} 年起认定为市级示范镇，记入认定历史，不能撤回。确定审定入选吗？"
    )

    office.goto(f"{base}/towns/{town.code}/")
    history = office.locator("main").locator("text=认定历史").locator("xpath=../..").inner_text()
    assert "市级" in history and "吉示范镇办〔2026〕8号" in history
