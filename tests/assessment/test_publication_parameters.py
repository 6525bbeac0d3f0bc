"""What a publication sets on its notices (R8, GB/T 9704-2012): issuer, 成文日期, 主送, 抄送, 印发机关 and
印发日期, from the publish form on the round page, the API's publish body and publish_assessment's options;
defaults when omitted; stored on the publication (audited), shown by the page, the PDF and the .docx; a bad
value refused in Chinese (a 400 from the API, a form error on the page, a CommandError), publishing nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessment import rules
from assessment.models import AssessmentRound, Notice, Publication

from .notice_helpers import docx_document, docx_texts, pdf_text
from .page_helpers import Scenario, compute, html, page_text, text_of

pytestmark = pytest.mark.usefixtures("jilin")

API = "/api/v1/assessment-rounds/2024/publish/"
ISSUER = "吉林省示范镇建设工作协调机制办公室（试行）"
RECIPIENTS = "长春市、吉林市示范镇建设工作协调机制办公室"
COPIES = "省住房和城乡建设厅，省财政厅"
PRINTER = "吉林省示范镇建设工作协调机制办公室秘书处"


@pytest.fixture
def computed(province_admin):
    scenario = Scenario(province_admin)
    compute(2024)
    return scenario


def dates():
    today = timezone.localdate()
    return today - timedelta(days=3), today - timedelta(days=1)


def chinese(day):
    return f"{day.year}年{day.month}月{day.day}日"


def assert_published_with(signed_on, printed_on, copies=COPIES):
    publication = Publication.objects.get(round__year=2024)
    assert (publication.issuer, publication.recipients, publication.copied_to, publication.printer) == (
        ISSUER,
        RECIPIENTS,
        copies,
        PRINTER,
    )
    assert (publication.signed_on, publication.printed_on) == (signed_on, printed_on)
    notices = Notice.objects.filter(round__year=2024, status="published")
    assert {notice.date for notice in notices} == {signed_on}
    # Numbered in the year of the 成文日期.
    assert all(notice.doc_no.startswith(f"吉示范镇办〔{signed_on.year}〕") for notice in notices)
    return publication


def test_the_round_page_offers_the_defaults(client, province_admin, computed):
    client.force_login(province_admin)
    page = html(client.get("/assessment/2024/"))
    today = timezone.localdate()
    assert 'id="publish-fields"' in page
    assert f'value="{rules.DEFAULT_ISSUER}"' in page
    assert f'value="{today:%Y-%m-%d}"' in page and 'type="date"' in page
    assert rules.DEFAULT_RECIPIENTS in page and rules.DEFAULT_COPIED_TO in page


def test_published_from_the_page_they_show_on_the_notice_its_pdf_and_docx(client, province_admin, computed):
    signed_on, printed_on = dates()
    client.force_login(province_admin)
    response = client.post(
        "/assessment/2024/publish/",
        {
            "doc_prefix": "吉示范镇办",
            "issuer": f"  {ISSUER} ",
            "signed_on": f"{signed_on:%Y-%m-%d}",
            "recipients": RECIPIENTS,
            "copied_to": COPIES + "。",
            "printer": PRINTER,
            "printed_on": f"{printed_on:%Y-%m-%d}",
        },
    )
    assert response.status_code == 302
    publication = assert_published_with(signed_on, printed_on)
    entry = LogEntry.objects.get_for_object(publication).get(action=LogEntry.Action.CREATE)
    assert entry.changes_dict["issuer"][1] == ISSUER and entry.changes_dict["copied_to"][1] == COPIES

    page = client.get("/assessment/2024/notices/praise/")
    assert text_of(page, "notice-issuer") == ISSUER
    assert text_of(page, "notice-recipients") == f"{RECIPIENTS}："
    assert text_of(page, "notice-date") == chinese(signed_on)
    assert text_of(page, "notice-copies") == f"抄送：{COPIES}。"
    assert text_of(page, "notice-printed") == f"{PRINTER}{chinese(printed_on)}印发"
    text = pdf_text(client.get("/assessment/2024/notices/praise.pdf").content)
    for expected in (
        ISSUER,
        RECIPIENTS,
        chinese(signed_on),
        f"抄送：{COPIES}。",
        f"{chinese(printed_on)}印发",
    ):
        assert expected in text
    texts = docx_texts(docx_document(client.get("/assessment/2024/notices/praise.docx").content))
    assert ISSUER in texts and f"{RECIPIENTS}：" in texts and f"{PRINTER}\t{chinese(printed_on)}印发" in texts


def test_the_page_refuses_a_date_in_the_future_and_too_long_a_name(client, province_admin, computed):
    client.force_login(province_admin)
    tomorrow = timezone.localdate() + timedelta(days=1)
    base = {"doc_prefix": "吉示范镇办", "issuer": ISSUER, "recipients": RECIPIENTS, "printer": PRINTER}
    response = client.post(
        "/assessment/2024/publish/", {**base, "signed_on": f"{tomorrow:%Y-%m-%d}"}, follow=True
    )
    assert f"成文日期（{chinese(tomorrow)}）不能晚于今天" in page_text(response)
    response = client.post(
        "/assessment/2024/publish/",
        {**base, "issuer": "长" * 29, "signed_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response.status_code == 200
    assert "发文机关不能超过 28 个字（现有 29 个字）。" in page_text(response)
    response = client.post("/assessment/2024/publish/", {**base, "signed_on": "2025-02-30"})
    assert "成文日期格式不正确，如 2025-01-20。" in page_text(response)
    assert AssessmentRound.objects.get(year=2024).state == "computed"
    assert not Publication.objects.exists()


def test_the_api_body_sets_them_and_omitted_ones_take_their_defaults(api_as, province_admin, computed):
    signed_on, printed_on = dates()
    client = api_as(province_admin)
    body = {
        "doc_prefix": "吉示范镇办",
        "issuer": ISSUER,
        "signed_on": f"{signed_on:%Y-%m-%d}",
        "recipients": RECIPIENTS,
        "copied_to": COPIES,
        "printer": PRINTER,
        "printed_on": f"{printed_on:%Y-%m-%d}",
    }
    response = client.post(API, body, format="json")
    assert response.status_code == 200, response.content
    assert_published_with(signed_on, printed_on)
    shown = response.json()["publications"][0]
    assert {name: shown[name] for name in body if name != "doc_prefix"} == {
        name: value for name, value in body.items() if name != "doc_prefix"
    }


def test_the_api_defaults(api_as, province_admin, computed):
    response = api_as(province_admin).post(API, {"doc_prefix": "吉示范镇办"}, format="json")
    assert response.status_code == 200, response.content
    publication = Publication.objects.get(round__year=2024)
    today = timezone.localdate()
    assert (publication.issuer, publication.printer) == (rules.DEFAULT_ISSUER, rules.DEFAULT_ISSUER)
    assert (publication.recipients, publication.copied_to) == (
        rules.DEFAULT_RECIPIENTS,
        rules.DEFAULT_COPIED_TO,
    )
    assert (publication.signed_on, publication.printed_on) == (today, today)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signed_on": "2025-13-01"}, "成文日期格式不正确，应为 YYYY-MM-DD，如 2025-01-20。"),
        ({"signed_on": "2023-12-31"}, "成文日期（2023年12月31日）不能早于2024年度评价所在的2024年。"),
        (
            {"signed_on": "2024-06-02", "printed_on": "2024-06-01"},
            "印发日期（2024年6月1日）不能早于成文日期（2024年6月2日）。",
        ),
        ({"issuer": " "}, "请填写发文机关。"),
        ({"recipients": "各" * 201}, "主送机关不能超过 200 个字（现有 201 个字）。"),
    ],
)
def test_the_api_refuses_bad_values_in_chinese(api_as, province_admin, computed, changes, message):
    response = api_as(province_admin).post(API, {"doc_prefix": "吉示范镇办", **changes}, format="json")
    assert response.status_code == 400
    assert message in str(response.json())
    assert AssessmentRound.objects.get(year=2024).state == "computed"


def test_the_api_refuses_a_date_in_the_future(api_as, province_admin, computed):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = api_as(province_admin).post(
        API, {"doc_prefix": "吉示范镇办", "printed_on": f"{tomorrow:%Y-%m-%d}"}, format="json"
    )
    assert response.status_code == 400
    assert f"印发日期（{chinese(tomorrow)}）不能晚于今天" in response.json()["detail"]


def test_the_command_takes_them_as_options(computed):
    signed_on, printed_on = dates()
    out = StringIO()
    call_command(
        "publish_assessment",
        "--year=2024",
        "--doc-prefix=吉示范镇办",
        f"--issuer={ISSUER}",
        f"--signed-on={signed_on:%Y-%m-%d}",
        f"--recipients={RECIPIENTS}",
        "--copied-to=",
        f"--printer={PRINTER}",
        f"--printed-on={printed_on:%Y-%m-%d}",
        stdout=out,
    )
    assert "结果已冻结" in out.getvalue()
    assert_published_with(signed_on, printed_on, copies="")  # --copied-to "": no 抄送 line


def test_the_command_refuses_a_bad_date_in_chinese(computed):
    with pytest.raises(CommandError, match="成文日期格式不正确：20250120"):
        call_command("publish_assessment", "--year=2024", "--doc-prefix=吉示范镇办", "--signed-on=20250120")
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(CommandError, match="不能晚于今天"):
        call_command(
            "publish_assessment",
            "--year=2024",
            "--doc-prefix=吉示范镇办",
            f"--signed-on={tomorrow:%Y-%m-%d}",
            stdout=StringIO(),
        )
    assert not Publication.objects.exists()
