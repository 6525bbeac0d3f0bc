"""The selection pages (R3): rounds, a county's submission with its documents, the workflow buttons, the inbox."""

import datetime
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import timezone

from core.formats import chinese_date
from selection.models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent
from selection.services import transition
from towns.models import Designation, Town
from towns.services import designate

from ..conftest import (
    COMPLETE_INFORMATION,
    JIAOHE,
    PDF_BYTES,
    SHUANGYANG,
    office_bytes,
    town_in,
    upload,
)

pytestmark = pytest.mark.usefixtures("jilin")


def html_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def form_data(information=None, **extra):
    """POST data of the submission form: booleans as checked boxes, everything else as text."""
    data = {}
    for name, value in (COMPLETE_INFORMATION if information is None else information).items():
        if value is True:
            data[name] = "on"
        elif value not in (False, None):
            data[name] = str(value)
    data.update(extra)
    return data


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


def action_buttons(html):
    return re.findall(r'data-action="(\w+)"', html)


def stored_files():
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- rounds ------------------------------------------------------------------------------------------


def test_province_admin_creates_and_edits_a_round_through_the_page(as_user, province_admin):
    client = as_user(province_admin)
    assert 'href="/towns/rounds/new/"' in html_of(client.get("/towns/rounds/"))
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    response = client.post(
        "/towns/rounds/new/",
        {"name": "第二批示范镇评选", "tiers": ["city", "provincial"], "deadline": f"{deadline:%Y-%m-%d}"},
    )
    created = SelectionRound.objects.get(name="第二批示范镇评选")
    assert response.status_code == 302 and response["Location"] == f"/towns/rounds/{created.pk}/"
    assert (created.tiers, created.deadline, created.year) == (
        ["provincial", "city"],
        deadline,
        deadline.year,
    )

    listing = html_of(client.get("/towns/rounds/"))
    row = listing.split(f'data-round="{created.pk}"')[1].split("</tr>")[0]
    assert "第二批示范镇评选" in row and "省级、市级" in row and chinese_date(deadline) in row
    assert "申报中" in row

    edit = html_of(client.get(f"/towns/rounds/{created.pk}/edit/"))
    assert 'value="第二批示范镇评选"' in edit and f'value="{deadline:%Y-%m-%d}"' in edit
    client.post(
        f"/towns/rounds/{created.pk}/edit/",
        {
            "name": "第一批示范镇评选",
            "tiers": ["provincial", "city"],
            "deadline": "2022-04-30",
            "year": "2022",
        },
    )
    created.refresh_from_db()
    assert (created.name, created.deadline, created.year) == (
        "第一批示范镇评选",
        datetime.date(2022, 4, 30),
        2022,
    )
    row = html_of(client.get("/towns/rounds/")).split(f'data-round="{created.pk}"')[1].split("</tr>")[0]
    assert "已截止" in row and "申报中" not in row


def test_round_form_shows_what_is_wrong_and_saves_nothing(as_user, province_admin, open_round):
    client = as_user(province_admin)
    response = client.post("/towns/rounds/new/", {"name": "无层级批次", "deadline": "2026-12-31"})
    assert "请选择评选层级" in html_of(response)
    response = client.post(
        "/towns/rounds/new/", {"name": open_round.name, "tiers": ["county"], "deadline": "2026-12-31"}
    )
    assert "填写的内容有误" in html_of(response) and "名称" in html_of(response)
    assert SelectionRound.objects.count() == 1


@pytest.mark.parametrize("role", ["county_official", "city_official", "province_viewer", "auditor"])
def test_only_the_province_admin_may_set_up_rounds(as_user, request, open_round, role):
    client = as_user(request.getfixturevalue(role))
    assert "新建评选批次" not in html_of(client.get("/towns/rounds/"))
    assert client.get("/towns/rounds/new/").status_code == 403
    payload = {"name": "越权批次", "tiers": ["county"], "deadline": "2026-12-31"}
    assert client.post("/towns/rounds/new/", payload).status_code == 403
    assert client.get(f"/towns/rounds/{open_round.pk}/edit/").status_code == 403
    assert client.post(f"/towns/rounds/{open_round.pk}/edit/", payload).status_code == 403
    open_round.refresh_from_db()
    assert open_round.name == "2026年示范镇评选"
    assert not SelectionRound.objects.filter(name="越权批次").exists()


def test_closed_round_says_so_and_offers_no_new_candidate(as_user, county_official, closed_round, open_round):
    client = as_user(county_official)
    html = html_of(client.get(f"/towns/rounds/{closed_round.pk}/"))
    assert "本批次申报已于 2022-04-30 截止，县（市、区）不能再上报" in html
    assert "新增候选镇" not in html
    response = client.get(f"/towns/rounds/{closed_round.pk}/submissions/new/", follow=True)
    assert any("2022-04-30 截止" in message for message in page_messages(response))

    html = html_of(client.get(f"/towns/rounds/{open_round.pk}/"))
    assert "新增候选镇" in html and "不能再上报" not in html


def test_round_list_counts_submissions_within_the_users_scope(
    as_user, make_draft, county_official, other_county_official, city_official, province_admin, open_round
):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    make_draft(town=town_in(SHUANGYANG, 1))
    make_draft(town=town_in(JIAOHE), user=other_county_official)

    def counts(user):
        row = html_of(as_user(user).get("/towns/rounds/")).split(f'data-round="{open_round.pk}"')[1]
        row = row.split("</tr>")[0]
        return dict(re.findall(r'data-status="(\w+)">(\d+)<', row))

    assert counts(county_official) == {
        "draft": "1",
        "submitted": "1",
        "recommended": "0",
        "selected": "0",
        "rejected": "0",
    }
    assert counts(city_official)["draft"] == "1"  # the Jiaohe draft is in another city
    assert counts(province_admin)["draft"] == "2"


# --- a county's submission ------------------------------------------------------------------------------


def test_county_official_creates_a_submission_and_uploads_both_documents(
    as_user, county_official, open_round
):
    client = as_user(county_official)
    town = town_in(SHUANGYANG)
    response = client.post(
        f"/towns/rounds/{open_round.pk}/submissions/new/", form_data(town=town.code, tier="county")
    )
    submission = Submission.objects.get(round=open_round, town=town)
    assert response.status_code == 302 and response["Location"] == f"/towns/submissions/{submission.pk}/"
    assert (submission.status, submission.tier, submission.gdp) == ("draft", "county", 356000)
    assert submission.in_changchun_metro and not submission.border_area

    html = html_of(client.get(response["Location"]))
    assert f'<a href="/towns/{town.code}/">{town.name}</a>' in html
    assert "356,000.00" in html and "12,800.50" in html and "32,000" in html and "186.40" in html
    factors = html.split('id="submission-factors"')[1].split("</div>\n    </div>")[0]
    assert re.search(r"长春都市圈</span>\s*<span class=\"badge text-bg-success\">是", factors)
    assert re.search(r"边境地区</span>\s*<span class=\"badge[^\"]*\">否", factors)
    assert html.count("未上传") == 2
    assert 'data-action="submit"' not in html  # nothing to submit without the documents

    response = client.post(
        f"/towns/submissions/{submission.pk}/documents/",
        {
            "work_plan": upload("十四五建设工作方案.pdf", PDF_BYTES),
            "implementation_plan": upload("实施方案.docx", office_bytes("docx")),
        },
        follow=True,
    )
    html = html_of(response)
    assert "已上传：“十四五”建设工作方案、实施方案。" in page_messages(response)
    documents = html.split('id="submission-documents"')[1].split("</table>")[0]
    assert f'href="/towns/submissions/{submission.pk}/documents/work_plan/"' in documents
    assert f'href="/towns/submissions/{submission.pk}/documents/implementation_plan/"' in documents
    assert "十四五建设工作方案.pdf" in documents and "实施方案.docx" in documents
    assert "未上传" not in documents
    assert sorted(submission.documents.values_list("file_type", flat=True)) == ["docx", "pdf"]
    assert action_buttons(html) == ["submit"]


def test_the_town_select_offers_only_the_countys_eligible_towns(as_user, county_official, open_round):
    designate(town_in(SHUANGYANG, 2), "provincial", 2022)  # nothing higher to apply for
    client = as_user(county_official)
    form = client.get(f"/towns/rounds/{open_round.pk}/submissions/new/").context["form"]
    offered = {town.code for town in form.fields["town"].queryset}
    assert offered == {town_in(SHUANGYANG, 0).code, town_in(SHUANGYANG, 1).code}
    assert [value for value, _label in form.fields["tier"].choices] == ["provincial", "city", "county"]

    foreign = town_in(JIAOHE)
    response = client.post(
        f"/towns/rounds/{open_round.pk}/submissions/new/", form_data(town=foreign.code, tier="county")
    )
    assert "选择一个有效的选项" in html_of(response)
    subdistrict = Town.objects.get(code="220112001")  # 云山街道
    response = client.post(
        f"/towns/rounds/{open_round.pk}/submissions/new/", form_data(town=subdistrict.code, tier="county")
    )
    assert "选择一个有效的选项" in html_of(response)
    assert not Submission.objects.exists()


def test_a_refused_candidate_shows_the_reason_on_the_form_and_saves_nothing(
    as_user, county_official, open_round
):
    town = town_in(SHUANGYANG)
    designate(town, "city", 2022)
    client = as_user(county_official)
    response = client.post(
        f"/towns/rounds/{open_round.pk}/submissions/new/", form_data(town=town.code, tier="county")
    )
    assert f"{town.name}已有同级或更高层级的有效认定，不能再作为候选镇。" in html_of(response)
    response = client.post(
        f"/towns/rounds/{open_round.pk}/submissions/new/",
        form_data({**COMPLETE_INFORMATION, "gdp": "12.345"}, town=town.code, tier="provincial"),
    )
    gdp_field = html_of(response).split('name="gdp"')[1].split("</div>\n</div>")[0]
    assert "确认小数不超过 2 位" in gdp_field
    assert not Submission.objects.exists()


def test_only_county_officials_open_the_submission_form(as_user, city_official, province_admin, open_round):
    for user in (city_official, province_admin):
        assert as_user(user).get(f"/towns/rounds/{open_round.pk}/submissions/new/").status_code == 403


def test_county_edits_its_draft_and_no_longer_after_submitting(as_user, county_official, make_draft):
    draft = make_draft()
    client = as_user(county_official)
    response = client.post(
        f"/towns/submissions/{draft.pk}/edit/",
        form_data({**COMPLETE_INFORMATION, "gdp": "400123.5", "border_area": True}),
        follow=True,
    )
    assert "400,123.50" in html_of(response)
    draft.refresh_from_db()
    assert draft.gdp == 400123.5 and draft.border_area

    transition(county_official, submission_id=draft.pk, action="submit")
    response = client.get(f"/towns/submissions/{draft.pk}/edit/", follow=True)
    assert "当前状态为“已上报”，不能修改。" in page_messages(response)
    assert "修改基本信息" not in html_of(response)
    response = client.post(f"/towns/submissions/{draft.pk}/edit/", form_data({"gdp": "1.00"}), follow=True)
    draft.refresh_from_db()
    assert draft.gdp == 400123.5


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "plan.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
            "文件内容是可执行程序，不能作为申报材料上传。",
        ),
        (
            "plan.pdf",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
            "文件内容不是有效的 PDF 文件（按内容检查，而非文件名）。",
        ),
        ("plan.pdf", b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024 - 8), "超过 20 MB 的上限"),
    ],
    ids=["renamed-executable", "png-named-pdf", "over-20-mb"],
)
def test_a_bad_upload_is_refused_with_the_reason_and_nothing_is_stored(
    as_user, county_official, make_draft, name, data, message
):
    draft = make_draft(documents=False)
    client = as_user(county_official)
    response = client.post(f"/towns/submissions/{draft.pk}/documents/", {"work_plan": upload(name, data)})
    html = html_of(response)
    assert message in html.split('id="upload-form"')[1]
    assert not SubmissionDocument.objects.exists()
    assert stored_files() == []


def test_a_stored_document_has_no_public_url(as_user, county_official, make_draft):
    draft = make_draft()
    document = draft.documents.get(kind="work_plan")
    # A random name under MEDIA_ROOT (outside the static files), nothing of the town in it.
    path = Path(document.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and path.read_bytes() == PDF_BYTES
    assert draft.town.code not in document.file.name and "十四五" not in document.file.name
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    client = as_user(county_official)
    for url in (f"/{document.file.name}", f"/media/{document.file.name}", f"/static/{document.file.name}"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "role", ["county_official", "city_official", "province_admin", "province_viewer", "auditor"]
)
def test_document_download_for_users_whose_scope_covers_the_town(as_user, request, make_draft, role):
    draft = make_draft()
    client = as_user(request.getfixturevalue(role))
    response = client.get(f"/towns/submissions/{draft.pk}/documents/work_plan/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("十四五建设工作方案.pdf") in disposition
    response = client.get(f"/towns/submissions/{draft.pk}/documents/implementation_plan/")
    assert b"".join(response.streaming_content) == office_bytes()


def test_document_of_another_county_is_not_found(as_user, make_draft, other_county_official, make_user):
    draft = make_draft()
    for outsider in (other_county_official, make_user("city_official", region=JIAOHE[:4])):
        client = as_user(outsider)
        response = client.get(f"/towns/submissions/{draft.pk}/documents/work_plan/")
        assert response.status_code == 404
        assert PDF_BYTES not in response.content
        assert client.get(f"/towns/submissions/{draft.pk}/").status_code == 404
        assert client.get(f"/towns/submissions/{draft.pk}/edit/").status_code == 404
        assert client.post(f"/towns/submissions/{draft.pk}/submit/").status_code == 404
    assert (
        as_user(other_county_official).get(f"/towns/submissions/{draft.pk}/documents/other/").status_code
        == 404
    )
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- workflow ------------------------------------------------------------------------------------------


def test_each_role_sees_the_buttons_of_its_own_step(
    as_user, make_draft, county_official, city_official, province_admin, province_viewer
):
    draft = make_draft()
    detail = f"/towns/submissions/{draft.pk}/"
    assert action_buttons(html_of(as_user(county_official).get(detail))) == ["submit"]
    assert action_buttons(html_of(as_user(city_official).get(detail))) == []
    assert 'id="upload-form"' not in html_of(as_user(city_official).get(detail))

    transition(county_official, submission_id=draft.pk, action="submit")
    assert action_buttons(html_of(as_user(county_official).get(detail))) == []
    html = html_of(as_user(city_official).get(detail))
    assert action_buttons(html) == ["recommend", "return"]
    assert ">推荐</button>" in html and ">退回修改</button>" in html
    assert 'name="doc_no"' not in html
    assert action_buttons(html_of(as_user(province_admin).get(detail))) == []

    transition(city_official, submission_id=draft.pk, action="recommend")
    html = html_of(as_user(province_admin).get(detail))
    assert action_buttons(html) == ["select", "reject"]
    assert 'name="doc_no"' in html and 'name="comment"' in html
    assert action_buttons(html_of(as_user(province_viewer).get(detail))) == []


def test_a_forbidden_action_shows_the_refusal_and_changes_nothing(
    as_user, make_draft, county_official, province_admin
):
    draft = make_draft()
    transition(county_official, submission_id=draft.pk, action="submit")
    client = as_user(county_official)
    response = client.post(f"/towns/submissions/{draft.pk}/recommend/", {"comment": "我推荐"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/towns/submissions/{draft.pk}/"
    assert "只有市（州）工作人员可以推荐。" in page_messages(response)
    draft.refresh_from_db()
    assert draft.status == "submitted"
    refused = SubmissionEvent.objects.get(submission=draft, accepted=False)
    assert (refused.actor, refused.action) == (county_official, "recommend")
    # The county does not see refused attempts; the province_admin does, with the reason.
    history = html_of(client.get(f"/towns/submissions/{draft.pk}/")).split('id="workflow-history"')[1]
    assert "只有市（州）工作人员可以推荐" not in history.split("</table>")[0]
    history = html_of(as_user(province_admin).get(f"/towns/submissions/{draft.pk}/"))
    history = history.split('id="workflow-history"')[1].split("</table>")[0]
    assert "被拒绝：只有市（州）工作人员可以推荐。" in history


def test_full_flow_through_the_pages(as_user, make_draft, county_official, city_official, province_admin):
    draft = make_draft(tier="city")
    detail = f"/towns/submissions/{draft.pk}/"
    county = as_user(county_official)
    response = county.post(f"{detail}submit/", {"comment": "请市里审核"}, follow=True)
    assert "已上报。" in page_messages(response)

    city = as_user(city_official)
    response = city.post(f"{detail}return/", {"comment": ""}, follow=True)
    assert "退回修改须填写意见。" in page_messages(response)
    city.post(f"{detail}return/", {"comment": "请补充产业园区的规划面积"})
    draft.refresh_from_db()
    assert draft.status == "draft"

    county = as_user(county_official)
    html = html_of(county.get(detail))
    returned = html.split('id="returned-comment"')[1].split("</div>")[0]
    assert "市（州）退回修改意见" in returned and "请补充产业园区的规划面积" in returned
    assert action_buttons(html) == ["submit"]
    county.post(f"{detail}submit/", {"comment": "已补充"})
    assert 'id="returned-comment"' not in html_of(county.get(detail))

    as_user(city_official).post(f"{detail}recommend/", {"comment": "同意推荐"})
    admin = as_user(province_admin)
    response = admin.post(f"{detail}select/", {"comment": "", "doc_no": ""}, follow=True)
    assert "审定入选须填写决定文号。" in page_messages(response)
    response = admin.post(f"{detail}select/", {"doc_no": "吉示范镇办〔2026〕7号"}, follow=True)
    assert "已审定入选。" in page_messages(response)
    html = html_of(response)
    history = html.split('id="workflow-history"')[1].split("</table>")[0]
    for text in ("上报", "退回修改", "请补充产业园区的规划面积", "推荐", "审定入选", "吉示范镇办〔2026〕7号"):
        assert text in history
    # header + five accepted steps; the province_admin also sees the two refused attempts
    assert history.count("<tr>") == 6 and history.count('class="table-danger refused-event"') == 2

    town_page = html_of(admin.get(f"/towns/{draft.town_id}/"))
    active = (
        town_page.split('id="designation-history"')[1].split('class="table-success"')[1].split("</tr>")[0]
    )
    assert "市级" in active and "吉示范镇办〔2026〕7号" in active and "评选认定" in active
    assert Designation.objects.active().get(town=draft.town).doc_no == "吉示范镇办〔2026〕7号"


# --- inbox and home ------------------------------------------------------------------------------------


@pytest.fixture
def three_steps(make_draft, county_official, city_official, other_county_official):
    """A 双阳 draft, a 双阳 submission waiting for 长春, one waiting for the province; a 蛟河 one for 吉林市."""
    draft = make_draft(town=town_in(SHUANGYANG, 0))
    submitted = make_draft(town=town_in(SHUANGYANG, 1))
    transition(county_official, submission_id=submitted.pk, action="submit")
    recommended = make_draft(town=town_in(SHUANGYANG, 2))
    transition(county_official, submission_id=recommended.pk, action="submit")
    transition(city_official, submission_id=recommended.pk, action="recommend")
    foreign = make_draft(town=town_in(JIAOHE), user=other_county_official)
    transition(other_county_official, submission_id=foreign.pk, action="submit")
    return draft, submitted, recommended, foreign


def listed_submissions(html, table_id):
    table = html.split(f'id="{table_id}"')[1].split("</table>")[0]
    return {int(pk) for pk in re.findall(r'data-submission="(\d+)"', table)}


def test_inbox_and_home_list_what_awaits_each_role(
    as_user, three_steps, county_official, city_official, province_admin, province_viewer
):
    draft, submitted, recommended, foreign = three_steps
    expected = {
        county_official: {draft.pk},
        city_official: {submitted.pk},
        province_admin: {recommended.pk},
    }
    for user, pks in expected.items():
        client = as_user(user)
        assert listed_submissions(html_of(client.get("/towns/inbox/")), "inbox-table") == pks
        home = html_of(client.get("/"))
        assert "待办事项" in home
        assert listed_submissions(home, "home-inbox-table") == pks
    html = html_of(as_user(province_viewer).get("/towns/inbox/"))
    assert listed_submissions(html, "inbox-table") == set() and "暂无待办事项" in html
    assert foreign.pk not in listed_submissions(
        html_of(as_user(city_official).get("/towns/inbox/")), "inbox-table"
    )


def test_navigation_links_to_selection_and_inbox(as_user, county_official):
    html = html_of(as_user(county_official).get("/"))
    nav = html.split('id="portal-nav"')[1].split("</ul>")[0]
    assert 'href="/towns/rounds/">候选镇评选</a>' in nav and 'href="/towns/inbox/">待办</a>' in nav


def test_county_deletes_a_mistaken_draft_but_not_a_submitted_one(
    as_user, county_official, city_official, make_draft, django_capture_on_commit_callbacks
):
    mistaken = make_draft(town=town_in(SHUANGYANG, 0))
    files = stored_files()
    assert len(files) == 2
    assert 'id="submission-delete-form"' not in html_of(
        as_user(city_official).get(f"/towns/submissions/{mistaken.pk}/")
    )
    response = as_user(city_official).post(f"/towns/submissions/{mistaken.pk}/delete/", follow=True)
    assert "只有所属县（市、区）可以删除该申报。" in page_messages(response)
    assert Submission.objects.filter(pk=mistaken.pk).exists()

    client = as_user(county_official)
    assert 'id="submission-delete-form"' in html_of(client.get(f"/towns/submissions/{mistaken.pk}/"))
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the deletion is committed
        response = client.post(f"/towns/submissions/{mistaken.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"/towns/rounds/{mistaken.round_id}/"
    assert f"已删除{mistaken.town.name}的申报草稿。" in page_messages(response)
    assert not Submission.objects.filter(pk=mistaken.pk).exists()
    assert not SubmissionDocument.objects.exists() and stored_files() == []

    returned = make_draft(town=town_in(SHUANGYANG, 1))
    transition(county_official, submission_id=returned.pk, action="submit")
    transition(city_official, submission_id=returned.pk, action="return", comment="请修改")
    assert 'id="submission-delete-form"' not in html_of(client.get(f"/towns/submissions/{returned.pk}/"))
    response = client.post(f"/towns/submissions/{returned.pk}/delete/", follow=True)
    assert "该申报已上报过，流转记录需保留，不能删除；可修改后重新上报。" in page_messages(response)
    assert Submission.objects.filter(pk=returned.pk).exists()
