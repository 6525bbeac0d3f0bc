"""The user's notifications export (issue 11, point 3): the page's filters and sort, the user's own only, the
note of what produced the sheet, constant queries; and the tracked jobs' list through the same mechanism."""

import pytest
from django.utils import timezone

from core.models import Notification
from tests.pages import html
from tests.xlsx import assert_constant_queries, exported

pytestmark = pytest.mark.usefixtures("jilin")


def notice(user, title, kind="", read=False):
    return Notification.objects.create(
        user=user, title=title, body=f"{title}的内容", kind=kind, read_at=timezone.now() if read else None
    )


@pytest.fixture
def notices(county_official, other_county_official):
    mine = [
        notice(county_official, "=HYPERLINK 申报被退回", kind="submission_returned"),
        notice(county_official, "进度已逾期", read=True),
    ]
    notice(other_county_official, "别人的通知")
    return mine


def test_the_notifications_export_with_the_pages_filter_and_sort(client, county_official, notices):
    client.force_login(county_official)
    assert 'id="notice-export-link"' in html(client.get("/notices/"))
    sheet, rows = exported(client.get("/notices/export.xlsx", {"sort": "title"}))
    assert sorted(row[2] for row in rows) == sorted(n.title for n in notices)
    assert "别人的通知" not in {row[2] for row in rows}
    assert sheet["A2"].value.startswith("筛选条件：全部；排序：标题（升序）")
    sheet, rows = exported(client.get("/notices/export.xlsx", {"unread": "true"}))
    assert [row[2] for row in rows] == ["=HYPERLINK 申报被退回"] and rows[0][4] == "未读"
    assert sheet.cell(row=4, column=3).data_type == "s"
    assert sheet["A2"].value.startswith("筛选条件：阅读状态：未读；排序：时间（降序）")


def test_the_notifications_export_costs_constant_queries(
    client, county_official, notices, django_assert_num_queries
):
    client.force_login(county_official)

    def grow():
        for index in range(5):
            notice(county_official, f"提醒{index}", kind="submission_returned", read=index % 2 == 0)

    assert_constant_queries(client, "/notices/export.xlsx", grow, django_assert_num_queries)


def test_the_jobs_list_exports_through_the_same_mechanism(client, county_official):
    from core.models import Job

    Job.objects.create(kind="core.export", title="导出名录", started_by=county_official, scope_code="220112")
    client.force_login(county_official)
    sheet, rows = exported(client.get("/jobs/export.xlsx"))
    assert [row[1] for row in rows] == ["导出名录"]
    assert sheet["A2"].value.startswith("筛选条件：范围：本人发起的；排序：提交时间（降序）")
