"""The two-region dataset of the route matrix (tests/security/test_route_matrix.py), built once per module.

Region A is 双阳区 (长春市), region B is 蛟河市 (吉林市). Each kind of object a route can take exists once in
each region (a town, a project with a progress report and an allocation, a county quota, a submission with
its two documents, scores, a veto with its document, a talk, an exemption, a designation); objects that
belong to a person (jobs, notifications, import batches) exist for every matrix user ("own") and for B's
county official ("other"). Names carry markers (矩阵A / 矩阵B) so that a list can be searched for B's rows.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from core.roles import ROLE_REGION_LEVEL, RegionLevel, Role

from ..conftest import (
    CHANGCHUN,
    COMPLETE_INFORMATION,
    JIAOHE,
    JILIN_CITY,
    PDF_BYTES,
    PROJECT_DATA,
    SHUANGYANG,
    issue_api_token,
    office_bytes,
    town_in,
    upload,
)

YEAR = 2024
MARKER_A = "矩阵A"
MARKER_B = "矩阵B"
PASSWORD = "Portal-test-2024"

# Identifiers that name nothing, per kind (a code of the right shape, an id far above any row's).
NONEXISTENT = {
    "town": "229999999",
    "county": "229999",
    "city": "2299",
    "region": "229999",
    "int": "987654321",
    "year": "1999",  # four digits, as the routes take; before the program, so no round, system or notice
    "task_area": "T99",
}


def region_for(role):
    """The region a matrix user of the role is given: region A at the role's level (partners: 长春市)."""
    level = ROLE_REGION_LEVEL.get(role)
    if level == RegionLevel.CITY or level == "any":
        return CHANGCHUN
    if level == RegionLevel.COUNTY:
        return SHUANGYANG
    return None


@dataclass
class Dataset:
    users: dict = field(default_factory=dict)  # role value → User (region A where the role has a region)
    b_county: User | None = None
    b_city: User | None = None
    partner_token: str = ""
    tokens: dict = field(default_factory=dict)  # role value → an API token of that role's user
    # kind → (A's identifier, B's identifier) as strings
    objects: dict = field(default_factory=dict)
    # kind → {username: own identifier}; "other" is B's county official's
    owned: dict = field(default_factory=dict)
    job_scopes: dict = field(default_factory=dict)  # job id → its scope code (jobs are seen by scope)
    markers_a: tuple = ()
    markers_b: tuple = ()

    def identifier(self, kind, variant, principal_user=None):
        if variant == "nonexistent":
            return NONEXISTENT.get(kind, NONEXISTENT["int"])
        if kind in self.owned:
            owner = principal_user.username if variant == "own" and principal_user else self.b_county.username
            return self.owned[kind].get(owner, NONEXISTENT["int"])
        a, b = self.objects[kind]
        return a if variant == "own" else b


def make_user(role, region, username):
    user = User(username=username, role=role, region_id=region)
    user.set_password(PASSWORD)
    user.save()
    return user


def lift_ids(models, start=700001):
    """Ids of the dataset's rows far from any small number: a page compared with the identifier normalised
    must not find it in a count or a CSS class ("gap-2"). Sequences are not transactional: the lift stays
    after the rollback, which only makes later rows' ids larger."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table, column = model._meta.db_table, model._meta.pk.column
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, (SELECT COALESCE(MAX(id), 0) FROM "
                    + connection.ops.quote_name(table)
                    + ")))",
                    [table, column, start],
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [start, table]
                )
                if cursor.rowcount == 0:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])


def build():
    """Write the dataset (the caller holds the transaction that is rolled back after the module)."""
    from accounts.models import ApiToken
    from accounts.services import issue_token
    from assessment.models import Exemption, Score, TalkFollowUp
    from assessment.services import ensure_round, record_veto, save_scores
    from core.models import ImportBatch, Job, Notification
    from funding.services import allocate, set_quota
    from projects.choices import TASK_AREAS, TASK_GROUPS
    from projects.models import TaskArea
    from projects.services import change_status, create_project, submit_report
    from selection.services import attach_document, create_submission, save_round
    from towns.models import Region
    from towns.services import designate

    from ..assessment.test_three_years import points_for

    if not TaskArea.objects.exists():
        TaskArea.objects.bulk_create(
            TaskArea(code=code, name=name, group=group, group_name=TASK_GROUPS[group])
            for code, group, name in TASK_AREAS
        )
    from assessment.models import Veto
    from funding.models import Allocation, DebtQuota
    from projects.models import ProgressReport, Project
    from selection.models import SelectionRound, Submission
    from towns.models import Designation

    scoped = [
        Project,
        ProgressReport,
        Allocation,
        DebtQuota,
        Submission,
        SelectionRound,
        Designation,
        Score,
        Veto,
    ]
    lift_ids([*scoped, TalkFollowUp, Job, Notification, ImportBatch, ApiToken])
    data = Dataset()
    for role in Role.values:
        data.users[role] = make_user(role, region_for(role), f"matrix_{role}")
    admin = data.users[Role.PROVINCE_ADMIN]
    data.b_county = make_user(Role.COUNTY_OFFICIAL, JIAOHE, "matrix_b_county")
    data.b_city = make_user(Role.CITY_OFFICIAL, JILIN_CITY, "matrix_b_city")
    a_county = data.users[Role.COUNTY_OFFICIAL]
    data.tokens = {role: issue_api_token(user) for role, user in data.users.items()}
    data.partner_token = data.tokens[Role.PARTNER]

    town_a, town_b = town_in(SHUANGYANG), town_in(JIAOHE)
    designation_a = designate(town_a, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    designation_b = designate(town_b, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")

    projects, reports, allocations, quotas = [], [], [], []
    year_quota = 2026
    for official, town, marker, county in (
        (a_county, town_a, MARKER_A, SHUANGYANG),
        (data.b_county, town_b, MARKER_B, JIAOHE),
    ):
        project = create_project(official, town=town, data={**PROJECT_DATA, "name": f"{marker}镇区道路改造"})
        change_status(official, project=project, status="approved")
        projects.append(project)
        reports.append(
            submit_report(
                official,
                project=project,
                period_type="month",
                year=2025,
                number=5,
                cumulative_investment="100.00",
                percent_complete="10",
            )
        )
        quotas.append(
            set_quota(
                admin,
                region=Region.objects.get(code=county),
                year=year_quota,
                general_amount="500",
                special_amount="500",
            )
        )
        allocations.append(
            allocate(
                admin, project=project, source="provincial_general_bond", amount="100.00", year=year_quota
            )
        )

    deadline = timezone.localdate() + datetime.timedelta(days=30)
    selection_round = save_round(
        admin, name=f"{YEAR}年示范镇评选（矩阵）", tiers=["county"], deadline=deadline
    )
    submissions = []
    for official, county in ((a_county, SHUANGYANG), (data.b_county, JIAOHE)):
        submission = create_submission(
            official,
            selection_round=selection_round,
            town=town_in(county, 1),
            tier="county",
            information=dict(COMPLETE_INFORMATION),
        )
        attach_document(
            official, submission=submission, kind="work_plan", upload=upload("工作方案.pdf", PDF_BYTES)
        )
        attach_document(
            official,
            submission=submission,
            kind="implementation_plan",
            upload=upload("实施方案.docx", office_bytes()),
        )
        submissions.append(submission)

    assessment_round = ensure_round(YEAR)
    vetoes, talks = [], []
    for town, marker in ((town_a, MARKER_A), (town_b, MARKER_B)):
        save_scores(admin, year=YEAR, town=town, points_by_code=points_for("80"))
        vetoes.append(
            record_veto(
                admin,
                year=YEAR,
                town=town,
                reason=f"{marker}拆除历史建筑",
                doc_no="吉建罚〔2024〕1号",
                document=ContentFile(PDF_BYTES, name="veto.pdf"),
            )
        )
        talks.append(TalkFollowUp.objects.create(round=assessment_round, town=town))
    for county, marker in ((SHUANGYANG, MARKER_A), (JIAOHE, MARKER_B)):
        exempt_town = town_in(county, 2)
        designate(exempt_town, "county", 2022)
        Exemption.objects.create(
            round=assessment_round, town=exempt_town, reason=f"{marker}免评", doc_no="吉免〔2024〕1号"
        )
    scores = [Score.objects.filter(town=town).order_by("pk").first() for town in (town_a, town_b)]

    data.objects = {
        "town": (town_a.code, town_b.code),
        "county": (SHUANGYANG, JIAOHE),
        "city": (CHANGCHUN, JILIN_CITY),
        "region": (SHUANGYANG, JIAOHE),
        "project": tuple(str(p.pk) for p in projects),
        "report": tuple(str(r.pk) for r in reports),
        "allocation": tuple(str(a.pk) for a in allocations),
        "quota": tuple(str(q.pk) for q in quotas),
        "submission": tuple(str(s.pk) for s in submissions),
        "designation": (str(designation_a.pk), str(designation_b.pk)),
        "score": tuple(str(s.pk) for s in scores),
        "veto": tuple(str(v.pk) for v in vetoes),
        "talk": tuple(str(t.pk) for t in talks),
        # Province-wide objects: the same one for A and B (a round, a year, an indicator system, a task area).
        "selection_round": (str(selection_round.pk), str(selection_round.pk)),
        "year": (str(YEAR), str(YEAR)),
        "task_area": ("T05", "T05"),
        # A notice (通报) exists only once a year is computed: the matrix has none, its detail is always absent.
        "int": (NONEXISTENT["int"], NONEXISTENT["int"]),
    }

    owners = [*data.users.values(), data.b_county]
    data.owned = {"job": {}, "notification": {}, "import": {}, "token": {}}
    for owner in owners:
        job = Job.objects.create(
            kind="towns.export",
            title=f"{owner.username} 的导出",
            started_by=owner,
            scope_code=owner.region_id or "",
            state="done",
            progress=100,
        )
        notification = Notification.objects.create(user=owner, title=f"{owner.username} 的通知")
        batch = ImportBatch.objects.create(
            kind="towns.designations",
            title="认定导入",
            uploaded_by=owner,
            file_name="designations.xlsx",
            sha256="0" * 64,
        )
        data.owned["job"][owner.username] = str(job.pk)
        data.job_scopes[str(job.pk)] = job.scope_code
        data.owned["notification"][owner.username] = str(notification.pk)
        data.owned["import"][owner.username] = str(batch.pk)
        data.owned["token"][owner.username] = str(
            ApiToken.objects.filter(user=owner).order_by("pk").values_list("pk", flat=True).first()
            or issue_token(None, owner, name="矩阵令牌").token.pk
        )

    data.markers_a = (MARKER_A, town_a.code)
    data.markers_b = (MARKER_B, town_b.code)
    return data
