"""The audit trail as people read it (issue 10, point 8): no surrogate ids, hashes or counters, no change that
changes nothing, money and dates as every page writes them; and the audit log and the notifications sort."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from core.audit_display import changes, changes_text
from core.notifications import notify
from projects.models import Project
from selection.models import SelectionRound, SubmissionDocument
from tests.xlsx import workbook_of

from ..conftest import SHUANGYANG, town_in
from ..sorting import assert_sorts

pytestmark = pytest.mark.usefixtures("jilin")


def entry(model, action, recorded):
    return LogEntry(content_type=ContentType.objects.get_for_model(model), action=action, changes=recorded)


def label_of(model, name):
    return str(model._meta.get_field(name).verbose_name)


def test_an_update_shows_what_changed_for_a_reader_and_nothing_else():
    recorded = {
        "investment": ["66610.00", "66610"],  # the same number written twice: no change
        "annual_revenue": ["0.00", "1234.5"],
        "completion_note": ["None", ""],  # empty both times: no change
        "version": ["1", "2"],  # a counter
        "created_by": ["None", "5"],  # a surrogate id
        "town": ["220112102", "220112103"],  # a code people read
        "planning_approval_date": ["None", "2024-03-05"],
        "updated_at": ["2024-03-05 06:05:00", "2024-03-05 06:06:00"],
        "public_welfare": ["False", "True"],
    }
    rows = changes(entry(Project, LogEntry.Action.UPDATE, recorded))
    assert rows == [
        (label_of(Project, "annual_revenue"), "0.00", "1,234.50"),
        (label_of(Project, "town"), "220112102", "220112103"),
        (label_of(Project, "planning_approval_date"), "—", "2024年3月5日"),
        (label_of(Project, "public_welfare"), "否", "是"),
    ]
    assert "5" not in [value for row in rows for value in row[1:]]


def test_a_creation_lists_its_filled_fields_and_no_hash():
    recorded = {
        "kind": ["None", "work_plan"],
        "original_name": ["None", "十四五建设工作方案.pdf"],
        "sha256": ["None", "ab" * 32],
        "size": ["None", "1024"],
        "uploaded_by": ["None", "7"],
        "submission": ["None", "12"],
        "file_type": ["None", ""],
    }
    text = changes_text(entry(SubmissionDocument, LogEntry.Action.CREATE, recorded))
    assert text == (
        f"{label_of(SubmissionDocument, 'kind')}：“十四五”建设工作方案；"
        f"{label_of(SubmissionDocument, 'original_name')}：十四五建设工作方案.pdf；"
        f"{label_of(SubmissionDocument, 'size')}：1024"
    )


def test_a_rounds_tiers_read_as_labels():
    recorded = {"tiers": ['["city"]', '["provincial", "city"]']}
    assert changes(entry(SelectionRound, LogEntry.Action.UPDATE, recorded)) == [
        ("评选层级", "市级", "省级、市级")
    ]


def test_history_tables_show_no_object_ids(client, county_official, make_project):
    project = make_project()
    client.force_login(county_official)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    history = page[page.index("history-table") :]
    assert f"#{project.pk}" not in history and "版本" not in history


def test_the_audit_log_sorts_by_its_columns_and_the_export_follows(client, auditor):
    from towns.models import Designation
    from towns.services import designate

    designate(town_in(SHUANGYANG, 0), "county", 2022)
    designate(town_in(SHUANGYANG, 1), "city", 2023)
    client.force_login(auditor)
    params = {"model": str(ContentType.objects.get_for_model(Designation).pk)}

    def entries(response):
        assert response.status_code == 200
        return [entry.pk for entry in response.context["page"].object_list]

    logged = list(LogEntry.objects.filter(content_type_id=params["model"]))
    assert len(logged) == 2
    assert (
        entries(client.get("/audit/", params)) == sorted(entry.pk for entry in logged)[::-1]
    )  # newest first
    assert_sorts(client, "/audit/", entries, "time", sorted(entry.pk for entry in logged), params=params)
    by_object = [entry.pk for entry in sorted(logged, key=lambda entry: entry.object_repr)]
    assert_sorts(client, "/audit/", entries, "object", by_object, params=params)
    response = client.get("/audit/export.xlsx", {**params, "sort": "-object"})
    sheet = workbook_of(response).active
    assert "排序：对象（降序）" in sheet["A2"].value  # the note names the sort that produced the sheet
    assert re.search(r"导出时间：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$", sheet["A2"].value)
    exported = [row[5].value for row in sheet.iter_rows(min_row=4) if row[0].value]
    assert (
        exported == [entry.object_repr for entry in sorted(logged, key=lambda entry: entry.object_repr)][::-1]
    )


def test_the_notifications_sort_unread_first_or_by_time(client, county_official):
    first, second, third = (
        notify([county_official], kind="progress_reminder", title=f"提醒{index}")[0] for index in range(3)
    )
    client.force_login(county_official)
    client.get(f"/notices/{second.pk}/")  # read

    def notices(response):
        return [int(pk) for pk in row_keys_of_notices(response)]

    assert notices(client.get("/notices/")) == [third.pk, second.pk, first.pk]
    assert_sorts(client, "/notices/", notices, "time", [first.pk, second.pk, third.pk])
    unread_first = notices(client.get("/notices/", {"sort": "unread"}))
    assert unread_first == [third.pk, first.pk, second.pk]


def row_keys_of_notices(response):
    assert response.status_code == 200
    page = response.content.decode()
    return [chunk.split('"', 1)[0] for chunk in page.split('data-notice="')[1:]]
