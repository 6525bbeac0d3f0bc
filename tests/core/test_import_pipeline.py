"""The two-step import (core.imports, core.import_batches), through the designation importer: nothing is
written before the confirm, the confirm checks again and writes all or nothing, a stale preview is shown
again, a batch is its uploader's alone, large files confirm as a job, old uploads expire."""

import io
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from core.choices import ImportState, JobState
from core.import_batches import purge_expired_imports, stage_import
from core.models import ImportBatch, ImportRow, Job
from towns.models import Designation, Town
from towns.services import designate

from ..conftest import SHUANGYANG, upload

pytestmark = pytest.mark.usefixtures("jilin")

KIND = "towns.designations"


def towns(count=3):
    return list(Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code")[:count])


def without_csrf(content):
    """A page's body with its per-request CSRF token blanked out."""
    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", content)


def csv_of(rows, header="区划代码,示范镇层级,认定起始年度,认定文号,发展类型"):
    lines = [header, *(",".join(map(str, row)) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def stage(user, rows, name="认定.csv"):
    return stage_import(user, kind=KIND, file_name=name, data=csv_of(rows))


def statuses(batch):
    return list(ImportRow.objects.filter(batch=batch).order_by("number").values_list("number", "status"))


@pytest.fixture
def admin_client(client, province_admin):
    client.force_login(province_admin)
    return client


def test_the_preview_writes_nothing_and_the_confirm_writes_everything_audited(admin_client, province_admin):
    first, second, third = towns()
    designate(third, "county", 2022, doc_no="旧文号")
    before = (Designation.objects.count(), LogEntry.objects.count())

    response = admin_client.post(
        "/towns/designations/import/",
        {
            "file": upload(
                "认定.csv",
                csv_of(
                    [
                        (first.code, "省级", 2023, "吉示范镇办〔2023〕1号", "文化旅游型"),
                        (second.code, "city", 2023, "", ""),
                        (third.code, "县级", 2022, "新文号", ""),
                    ]
                ),
            )
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.pk}/"
    assert (Designation.objects.count(), LogEntry.objects.count()) == before  # nothing written
    assert statuses(batch) == [(2, "new"), (3, "new"), (4, "changed")]
    assert (batch.rows_new, batch.rows_changed, batch.rows_unchanged, batch.rows_error) == (2, 1, 0, 0)

    page = admin_client.get(f"/imports/{batch.pk}/").content.decode()
    assert "导入预览" in page and 'id="import-confirm-form"' in page
    row = page.split('data-row="4"')[1].split("</tr>")[0]
    assert "修改" in row and "<del>旧文号</del> → <strong>新文号</strong>" in row
    assert (Designation.objects.count(), LogEntry.objects.count()) == before  # a GET writes nothing either

    response = admin_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    page = response.content.decode()
    assert "导入完成：新增 2 行，修改 1 行，未变 0 行。" in page
    assert Designation.objects.get(town=first, to_year__isnull=True).doc_no == "吉示范镇办〔2023〕1号"
    assert Designation.objects.get(town=second).tier == "city"
    assert Designation.objects.get(town=third).doc_no == "新文号"
    first.refresh_from_db()
    assert first.dev_type == "culture_tourism"
    # One audit entry for the whole import, on the batch, carrying every row's change (ADR 13).
    assert not LogEntry.objects.get_for_object(Designation.objects.get(town=first)).exists()
    entry = LogEntry.objects.get_for_object(batch).get()
    assert entry.actor == province_admin and entry.additional_data["via"] == "import"
    rows = entry.additional_data["change_set"]["rows"]
    created = [row for row in rows if row["model"] == "towns.designation" and row["action"] == 0]
    assert len(created) == 2 and entry.additional_data["change_set"]["count"] == len(rows)
    assert LogEntry.objects.count() == before[1] + 1
    batch.refresh_from_db()
    assert batch.state == ImportState.APPLIED and batch.applied_at is not None

    # Confirmed once: a second confirm writes nothing more.
    response = admin_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "该文件已经导入，不能重复确认" in response.content.decode()
    assert Designation.objects.count() == before[0] + 2


def test_a_file_with_an_error_row_can_not_be_confirmed(admin_client, province_admin):
    first, second, _third = towns()
    batch = stage(province_admin, [(first.code, "省级", 2023, "", ""), (second.code, "国家级", 2023, "", "")])
    assert statuses(batch) == [(2, "new"), (3, "error")]
    page = admin_client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="import-confirm-form"' not in page and "有 1 行错误，不能导入" in page
    assert "层级“国家级”无效" in page.split('data-row="3"')[1].split("</tr>")[0]
    filtered = admin_client.get(f"/imports/{batch.pk}/", {"status": "error"}).content.decode()
    assert 'data-row="3"' in filtered and 'data-row="2"' not in filtered
    response = admin_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "预览中有 1 行错误，不能导入" in response.content.decode()
    assert not Designation.objects.exists()


def test_data_changed_since_the_preview_writes_nothing_and_shows_the_new_preview(
    admin_client, province_admin
):
    first, second, _third = towns()
    batch = stage(province_admin, [(first.code, "省级", 2023, "", ""), (second.code, "市级", 2023, "", "")])
    assert statuses(batch) == [(2, "new"), (3, "new")]
    designate(second, "county", 2022)  # someone designates the second town meanwhile

    response = admin_client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    page = response.content.decode()
    assert "数据在预览之后发生了变化" in page and "本次确认没有写入任何数据" in page
    assert not Designation.objects.filter(town=first).exists()  # the good row was not written either
    batch.refresh_from_db()
    assert batch.state == ImportState.PREVIEWED
    assert statuses(batch) == [(2, "new"), (3, "error")]
    assert "已有2022年起的有效县级认定" in page.split('data-row="3"')[1].split("</tr>")[0]


def test_a_before_value_changed_since_the_preview_is_stale_too(province_admin, admin_client):
    (town,) = towns(1)
    designate(town, "county", 2022, doc_no="甲")
    batch = stage(province_admin, [(town.code, "县级", 2022, "乙", "")])
    Designation.objects.filter(town=town).update(doc_no="丙")  # corrected by someone else meanwhile
    admin_client.post(f"/imports/{batch.pk}/confirm/")
    assert Designation.objects.get(town=town).doc_no == "丙"
    batch.refresh_from_db()
    change = ImportRow.objects.get(batch=batch).changes[0]
    assert (change["before"], change["after"], batch.state) == ("丙", "乙", ImportState.PREVIEWED)
    admin_client.post(f"/imports/{batch.pk}/confirm/")  # confirmed again, as now shown
    assert Designation.objects.get(town=town).doc_no == "乙"


def test_a_batch_is_its_uploaders_alone(client, api_client, province_admin, make_user):
    (town,) = towns(1)
    batch = stage(province_admin, [(town.code, "省级", 2023, "", "")])
    other = make_user("province_admin", username="another-admin")
    client.force_login(other)
    missing = client.get("/imports/999999/")
    hidden = client.get(f"/imports/{batch.pk}/")
    assert hidden.status_code == missing.status_code == 404
    assert without_csrf(hidden.content) == without_csrf(missing.content)
    assert client.post(f"/imports/{batch.pk}/confirm/").status_code == 404
    api_client.force_authenticate(other)
    hidden, missing = (
        api_client.get(f"/api/v1/imports/{batch.pk}/"),
        api_client.get("/api/v1/imports/999999/"),
    )
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    assert api_client.post(f"/api/v1/imports/{batch.pk}/confirm/").status_code == 404
    assert api_client.get("/api/v1/imports/").json()["count"] == 0
    assert not Designation.objects.exists()
    assert ImportBatch.objects.get().state == ImportState.PREVIEWED


@pytest.mark.parametrize("fixture", ["city_official", "county_official", "province_viewer", "auditor"])
def test_only_the_roles_of_the_importer_may_upload(client, api_client, request, fixture):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    (town,) = towns(1)
    assert (
        client.post(
            "/towns/designations/import/",
            {"file": upload("d.csv", csv_of([(town.code, "省级", 2023, "", "")]))},
        ).status_code
        == 403
    )
    assert client.get(f"/imports/templates/{KIND}.xlsx").status_code == 403
    api_client.force_authenticate(user)
    response = api_client.post(
        "/api/v1/imports/",
        {"kind": KIND, "file": upload("d.csv", csv_of([(town.code, "省级", 2023, "", "")]))},
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists() and not Designation.objects.exists()


def test_the_template_downloads_with_an_example_row_and_notes(admin_client):
    for url in (f"/imports/templates/{KIND}.xlsx", "/towns/designations/import/template.xlsx"):
        response = admin_client.get(url)
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.content))
        sheet, notes = workbook.worksheets
        assert [cell.value for cell in sheet[3]] == [
            "区划代码",
            "名称",
            "类别",
            "市（州）",
            "县（市、区）",
            "示范镇层级",
            "认定起始年度",
            "认定文号",
            "发展类型",
        ]
        assert [cell.value for cell in sheet[4]][:6] == [
            "220112102",
            "鹿乡镇",
            "镇",
            "长春市",
            "双阳区",
            "省级",
        ]
        assert sheet.max_row == 4 and notes.title == "填写说明"
        text = "\n".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
        assert "都市卫星型、工业主导型" in text and "仅供核对，导入时不读取" in text and "tier" in text
    assert admin_client.get("/imports/templates/nothing.xlsx").status_code == 404
    page = admin_client.get("/towns/designations/import/").content.decode()
    assert f'href="/imports/templates/{KIND}.xlsx"' in page
    columns = page.split('id="import-columns"')[1].split("</table>")[0]
    assert "示范镇层级" in columns and "town_code" in columns and "省级、市级、县级" in columns


def test_the_template_imports_back_as_its_example(admin_client, province_admin):
    content = admin_client.get(f"/imports/templates/{KIND}.xlsx").content
    batch = stage_import(province_admin, kind=KIND, file_name="模板.xlsx", data=content)
    row = ImportRow.objects.get(batch=batch)
    assert (row.number, row.status, row.subject) == (4, "new", "鹿乡镇（220112102）")


def test_the_preview_page_keeps_its_queries_constant(admin_client, province_admin):
    all_towns = list(Town.objects.filter(kind="town").order_by("code")[:120])
    small = stage(province_admin, [(town.code, "省级", 2023, "", "") for town in all_towns[:3]])
    large = stage(province_admin, [(town.code, "省级", 2023, "", "") for town in all_towns])
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(f"/imports/{batch.pk}/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert 'data-row="101"' in admin_client.get(f"/imports/{large.pk}/").content.decode()  # page 1: 100 rows
    assert 'data-row="121"' in admin_client.get(f"/imports/{large.pk}/", {"page": 2}).content.decode()


def test_a_large_confirm_runs_as_a_job(
    admin_client, province_admin, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    batch = stage(province_admin, [(town.code, "省级", 2023, "", "") for town in towns(3)])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/imports/{batch.pk}/confirm/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.state == JobState.DONE and job.result == {"新增": 3, "修改": 0, "未变": 0}
    assert "导入完成：新增 3 行" in job.message
    assert batch.state == ImportState.APPLIED and batch.job_id == job.pk
    assert Designation.objects.count() == 3


def test_a_large_confirm_whose_data_changed_fails_its_job_and_writes_nothing(
    admin_client, province_admin, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    first, second, third = towns(3)
    batch = stage(province_admin, [(town.code, "省级", 2023, "", "") for town in (first, second, third)])
    designate(third, "city", 2022)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/imports/{batch.pk}/confirm/")
    job = Job.objects.get()
    assert job.state == JobState.FAILED and "数据在预览之后发生了变化" in job.error
    assert Designation.objects.count() == 1
    batch.refresh_from_db()
    assert batch.state == ImportState.PREVIEWED and batch.rows_error == 1


def test_the_api_previews_paginates_and_confirms(api_client, province_admin):
    api_client.force_authenticate(province_admin)
    first, second, third = towns(3)
    response = api_client.post(
        "/api/v1/imports/",
        {
            "kind": KIND,
            "file": upload(
                "认定.csv",
                csv_of(
                    [
                        (first.code, "省级", 2023, "", ""),
                        (second.code, "省级", 2023, "", ""),
                        (third.code, "x", 2023, "", ""),
                    ]
                ),
            ),
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["counts"] == {"new": 2, "changed": 0, "unchanged": 0, "error": 1, "total": 3}
    assert body["state"] == "previewed" and body["may_confirm"] is False
    assert body["rows"]["count"] == 3 and body["rows"]["results"][0]["changes"][0] == {
        "field": "tier",
        "label": "示范镇层级",
        "before": "",
        "after": "省级",
    }
    assert not Designation.objects.exists()
    errors = api_client.get(f"/api/v1/imports/{body['id']}/", {"status": "error", "page_size": 1}).json()
    assert errors["rows"]["count"] == 1 and errors["rows"]["results"][0]["status_label"] == "错误"
    refused = api_client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert refused.status_code == 400 and "预览中有 1 行错误" in refused.json()["detail"]

    good = api_client.post(
        "/api/v1/imports/",
        {"kind": KIND, "file": upload("认定.csv", csv_of([(first.code, "省级", 2023, "", "")]))},
    ).json()
    confirmed = api_client.post(f"/api/v1/imports/{good['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "applied"
    assert confirmed.json()["result"]["new"] == 1
    assert Designation.objects.get().town == first


def test_the_api_answers_202_with_the_job_and_409_when_stale(
    api_client, province_admin, settings, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(province_admin)
    first, second, third = towns(3)
    stale = stage(province_admin, [(first.code, "省级", 2023, "", "")])
    designate(first, "county", 2022)
    response = api_client.post(f"/api/v1/imports/{stale.pk}/confirm/")
    assert response.status_code == 409 and "数据在预览之后发生了变化" in response.json()["detail"]
    assert response.json()["preview"]["counts"]["error"] == 1

    settings.IMPORT_INLINE_MAX_ROWS = 1
    big = stage(province_admin, [(second.code, "省级", 2023, "", ""), (third.code, "省级", 2023, "", "")])
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/imports/{big.pk}/confirm/")
    assert response.status_code == 202
    assert response.json()["kind"] == "core.apply_import" and response.json()["detail_url"].endswith(
        f"/jobs/{response.json()['id']}/"
    )
    assert Designation.objects.filter(town__in=[second, third]).count() == 2


def test_the_api_takes_parameters_as_fields_or_json(api_client, province_admin):
    api_client.force_authenticate(province_admin)
    for params in ({"year": "abc"}, {"params": '{"year": "abc"}'}):
        response = api_client.post(
            "/api/v1/imports/",
            {
                "kind": "assessment.scores",
                "file": upload("s.csv", b"town_code,indicator_code,points\n"),
                **params,
            },
        )
        assert response.status_code == 400 and response.json()["detail"] == "年度“abc”无效。"
    response = api_client.post("/api/v1/imports/", {"kind": "x", "file": upload("s.csv", b"a\n")})
    assert response.status_code == 400 and "未知的导入类型“x”" in response.json()["detail"]
    assert "towns.designations（示范镇认定）" in response.json()["detail"]
    response = api_client.post(
        "/api/v1/imports/", {"kind": KIND, "file": upload("s.csv", b"a\n"), "params": "[1"}
    )
    assert response.status_code == 400 and "不是有效的 JSON 对象" in response.json()["detail"]
    response = api_client.post("/api/v1/imports/", {"kind": KIND})
    assert response.status_code == 400 and response.json()["file"] == ["请选择要导入的文件。"]


def test_old_uploads_expire_and_their_files_go(admin_client, province_admin, settings):
    (town,) = towns(1)
    batch = stage(province_admin, [(town.code, "省级", 2023, "", "")])
    path = settings.IMPORT_DIR / batch.file_path
    assert path.is_file() and path.read_bytes() == csv_of([(town.code, "省级", 2023, "", "")])
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=8))
    # Shown as expired before the purge ran (a read repairs nothing), and refused.
    assert "已超过 7 天的保留期限" in admin_client.get(f"/imports/{batch.pk}/").content.decode()
    admin_client.post(f"/imports/{batch.pk}/confirm/")
    assert not Designation.objects.exists()
    fresh = stage(province_admin, [(town.code, "市级", 2023, "", "")])

    assert purge_expired_imports() == 1
    batch.refresh_from_db()
    assert batch.state == ImportState.EXPIRED and batch.file_path == "" and not path.exists()
    assert not ImportRow.objects.filter(batch=batch).exists() and batch.rows_new == 1  # the counts stay
    assert (settings.IMPORT_DIR / fresh.file_path).is_file()
    assert purge_expired_imports() == 0
