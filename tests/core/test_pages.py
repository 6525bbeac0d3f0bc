"""Navigation, error pages and the audit log page (the home page: tests/dashboard/test_home.py)."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import Role
from core.formats import chinese_datetime
from core.views import server_error
from tests.xlsx import workbook_of
from towns.services import import_designations

from ..conftest import CHANGCHUN, SHUANGYANG, town_in

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")


def html_of(response):
    return response.content.decode()


# --- navigation -------------------------------------------------------------------------------------


def test_navigation_depends_on_the_role(client, county_official, auditor, province_admin):
    client.force_login(county_official)
    html = html_of(client.get("/"))
    assert 'href="/towns/"' in html and 'href="/towns/quotas/"' in html and 'href="/api/docs/"' in html
    assert 'href="/audit/"' not in html
    assert 'href="/admin/"' not in html

    client.force_login(auditor)
    html = html_of(client.get("/"))
    assert 'href="/audit/"' in html
    assert 'href="/admin/"' not in html
    assert "内部审计" in html

    client.force_login(province_admin)
    html = html_of(client.get("/"))
    # 三员 (ADR 12): province_admin runs the business and its admin models, the audit log is not theirs.
    assert 'href="/audit/"' not in html and 'href="/admin/"' in html
    assert 'href="/towns/designations/import/"' in html
    assert "吉林省住房和城乡建设厅 示范镇建设工作平台" in html


# --- error pages ------------------------------------------------------------------------------------


def test_unknown_page_is_a_chinese_404(client, county_official):
    client.force_login(county_official)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in html_of(response)


def test_forbidden_page_is_a_chinese_403(client, county_official):
    client.force_login(county_official)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in html_of(response)


def test_server_error_page_is_chinese_and_needs_no_request_context(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统错误" in html_of(response)


# --- audit log --------------------------------------------------------------------------------------


@pytest.fixture
def imported(province_admin):
    town = town_in(SHUANGYANG, 0)
    content = f"town_code,tier,year,doc_no\n{town.code},county,2022,双政发〔2022〕7号\n".encode()
    import_designations(province_admin, file_name="认定.csv", data=content, via="import")
    return town


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICIAL, Role.CITY_OFFICIAL, Role.PROVINCE_VIEWER])
def test_audit_log_is_closed_to_other_roles(client, make_user, role):
    region = {Role.COUNTY_OFFICIAL: SHUANGYANG, Role.CITY_OFFICIAL: CHANGCHUN}.get(role)
    client.force_login(make_user(role, region))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403


def test_auditor_sees_who_imported_a_designation_and_through_what(client, auditor, imported):
    client.force_login(auditor)
    response = client.get("/audit/", {"via": "import"})
    assert response.status_code == 200
    rows = html_of(response).split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1
    assert "admin" in rows  # the actor
    assert "导入" in rows  # via
    assert "新增" in rows  # action
    assert "示范镇认定" in rows and imported.name in rows  # what
    # One entry for the import (its change set, ADR 13), each row's change field by field.
    assert "认定文号：双政发〔2022〕7号" in rows
    assert "县级" in rows  # a choice shown by its label


def test_audit_log_filters(client, auditor, province_admin, imported):
    client.force_login(auditor)

    def count(**params):
        return client.get("/audit/", params).context["page"].paginator.count

    total = count()
    assert total > count(via="import") >= 1
    assert count(via="import", actor="admin") == count(via="import")
    assert count(via="import", actor="someone-else") == 0
    assert count(via="import") == 1  # the import is one entry carrying its change set
    assert count(via="import", action="0") == 0
    today = timezone.localdate()
    assert count(via="import", date_from=today.isoformat()) >= 1
    assert count(via="import", date_to=(today - timedelta(days=1)).isoformat()) == 0
    town_type = LogEntry.objects.filter(object_pk=imported.code).first().content_type_id
    assert count(model=str(town_type)) >= 1
    assert count(model=str(town_type), via="import", action="0") == 0


def test_audit_log_shows_a_chinese_error_for_a_bad_filter(client, auditor):
    client.force_login(auditor)
    response = client.get("/audit/", {"date_from": "not-a-date"})
    assert response.status_code == 200
    html = html_of(response)
    assert "筛选条件有误" in html and "起始日期" in html
    assert response.context["page"].paginator.count == 0


def test_audit_log_is_paginated_by_fifty(client, auditor):
    # Loading the geography already wrote hundreds of entries.
    client.force_login(auditor)
    response = client.get("/audit/")
    page = response.context["page"]
    assert page.paginator.count > 50
    assert len(page.object_list) == 50
    assert "page=2" in html_of(response)
    assert len(client.get("/audit/", {"page": 2}).context["page"].object_list) == min(
        50, page.paginator.count - 50
    )


def test_audit_log_shows_local_time(client, auditor, imported):
    client.force_login(auditor)
    entry = LogEntry.objects.filter(additional_data__via="import").first()
    local = chinese_datetime(entry.timestamp, seconds=True)
    assert str(timezone.get_current_timezone()) == "Asia/Shanghai"
    assert local in html_of(client.get("/audit/", {"via": "import"}))


def test_audit_log_exports_the_filtered_entries(client, auditor, imported):
    client.force_login(auditor)
    response = client.get("/audit/export.xlsx", {"via": "import", "page": "3"})
    assert response.status_code == 200
    sheet = workbook_of(response).active
    assert sheet["A1"].value == "示范镇建设工作平台审计日志"
    assert [cell.value for cell in sheet[3]][:4] == ["时间", "操作人", "渠道", "操作"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert rows
    assert all(row[2] == "导入" for row in rows)
    assert any(row[1] == "admin" and imported.name in row[7] for row in rows)  # in the change set
