"""Demo projects on the demo's provincial towns and 农安县: every status and reports (quotas and funding:
`funding.demo`).

Deterministic (which projects report follows their order, not their ids); skipped when projects already
exist. Written through the services where a role exists in the demo (农安县's county official, the provincial
office), and row by row (audited) for the other counties.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import audit_context
from towns.models import Designation

from .choices import ProjectStatus
from .models import ProgressReport, Project, TaskArea
from .rules import period
from .services import change_status, create_project, submit_report

TEMPLATES = [
    # name, task area, public welfare, special field, investment, revenue, debt service
    ("镇区污水管网及处理设施改造", "T05", True, False, "1260.00", "0", "0"),
    ("特色产业园区道路与供水工程", "T01", True, True, "2380.00", "260.00", "210.00"),
    ("镇综合文化服务中心", "T07", True, False, "480.00", "0", "0"),
    ("农贸市场升级改造", "T03", False, False, "650.00", "95.00", "40.00"),
    ("镇区主街风貌整治", "T08", True, False, "520.00", "0", "0"),
    ("普惠托育与养老服务中心", "T06", True, True, "890.00", "120.00", "150.00"),
]
STATUS_CYCLE = [
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.APPROVED,
    ProjectStatus.PLANNED,
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.COMPLETED,
    ProjectStatus.PLANNED,
]

STATUS_PATH = {
    ProjectStatus.PLANNED: [],
    ProjectStatus.APPROVED: [ProjectStatus.APPROVED],
    ProjectStatus.UNDER_CONSTRUCTION: [ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION],
    ProjectStatus.COMPLETED: [
        ProjectStatus.APPROVED,
        ProjectStatus.UNDER_CONSTRUCTION,
        ProjectStatus.COMPLETED,
    ],
}


def _approved(project, year):
    project.planning_approval_date = datetime.date(year, 3, 15)
    project.planning_approval_doc_no = f"{project.town.county.name}规批〔{year}〕{project.pk % 40 + 1}号"
    project.design_approval_date = datetime.date(year, 5, 20)
    project.design_approval_doc_no = f"{project.town.county.name}设批〔{year}〕{project.pk % 40 + 1}号"


def load_demo_projects():
    """Returns the number of projects created (0 when the demo already has projects)."""
    if Project.objects.exists() or not Designation.objects.exists():
        return 0
    today = timezone.localdate()
    county_user = User.objects.get(username="demo_county")
    towns = [
        designation.town
        for designation in Designation.objects.active()
        .filter(tier="provincial")
        .select_related("town", "town__county")
        .order_by("town_id")
    ]
    nongan = [
        designation.town
        for designation in Designation.objects.active()
        .filter(town__county_id=county_user.region_id)
        .select_related("town")
    ]
    areas = TaskArea.objects.in_bulk()
    created = 0
    with audit_context(via="command"), transaction.atomic():
        for index, town in enumerate([*nongan, *towns]):
            for offset in range(2):
                name, area, welfare, special, investment, revenue, debt = TEMPLATES[
                    (index + offset * 3) % len(TEMPLATES)
                ]
                status = STATUS_CYCLE[(index + offset) % len(STATUS_CYCLE)]
                ordinal = created + 1  # the project's place in the demo: which ones report, whatever the ids
                data = {
                    "name": f"{town.name}{name}",
                    "task_area": area,
                    "public_welfare": welfare,
                    "special_bond_field": special,
                    "investment": investment,
                    "annual_revenue": revenue,
                    "annual_debt_service": debt,
                    "start_year": today.year - (index % 2),
                    "end_year": today.year + 1,
                }
                if town.county_id == county_user.region_id:
                    project = create_project(county_user, town=town, data=data)
                    if status != ProjectStatus.PLANNED:
                        _approved(project, project.start_year)
                        project.save()
                    steps = STATUS_PATH[status]
                    for step in steps:
                        if step != ProjectStatus.COMPLETED:
                            project = change_status(county_user, project=project, status=step)
                    full = _report(
                        county_user,
                        project,
                        today,
                        completing=status == ProjectStatus.COMPLETED,
                        ordinal=ordinal,
                    )
                    if status == ProjectStatus.COMPLETED:
                        # R5: 已完工 follows a 100% report, or says why it is complete without one.
                        project = change_status(
                            county_user,
                            project=project,
                            status=status,
                            completion_note="" if full else COMPLETION_NOTE,
                        )
                else:
                    project = Project(
                        town=town,
                        task_area=areas[area],
                        name=data["name"],
                        public_welfare=welfare,
                        special_bond_field=special,
                        investment=Decimal(investment),
                        annual_revenue=Decimal(revenue),
                        annual_debt_service=Decimal(debt),
                        start_year=data["start_year"],
                        end_year=data["end_year"],
                        status=status,
                    )
                    project.save()
                    if status != ProjectStatus.PLANNED:
                        _approved(project, project.start_year)
                        project.save()
                    if (
                        not _report_rows(project, today, ordinal=ordinal)
                        and status == ProjectStatus.COMPLETED
                    ):
                        project.completion_note = COMPLETION_NOTE
                        project.save()
                created += 1

    return created


def _months_reported(project, today, completing=False, *, ordinal):
    if project.status not in (ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.COMPLETED) and not completing:
        return []
    last = today.month - 1 if ordinal % 3 else today.month  # some have not reported this month yet
    return list(range(max(1, last - 3), last + 1)) if last >= 1 else []


COMPLETION_NOTE = "主体工程已竣工验收并投入使用，剩余绿化配套工程另行立项。"


def _share(step, count, completing, ordinal):
    """The share of the work done at the step-th of count reports; a completing project's last report is
    100%, except every fourth one, completed with a note instead (R5)."""
    if completing and step == count and ordinal % 4:
        return Decimal(1)
    return Decimal(step) / Decimal(count + 2)


def _report(user, project, today, completing=False, *, ordinal):
    """Monthly reports through the service; True when the last one says 100%."""
    months = _months_reported(project, today, completing, ordinal=ordinal)
    share = Decimal(0)
    for step, month in enumerate(months, start=1):
        share = _share(step, len(months), completing, ordinal)
        submit_report(
            user,
            project=project,
            period_type="month",
            year=today.year,
            number=month,
            cumulative_investment=(project.investment * share).quantize(Decimal("0.01")),
            percent_complete=(Decimal(100) * share).quantize(Decimal("0.01")),
            narrative="按计划推进。",
        )
    return share == 1


def _report_rows(project, today, *, ordinal):
    """The same reports written row by row; True when the last one says 100%."""
    completing = project.status == ProjectStatus.COMPLETED
    months = _months_reported(project, today, completing, ordinal=ordinal)
    share = Decimal(0)
    for step, month in enumerate(months, start=1):
        share = _share(step, len(months), completing, ordinal)
        when = period("month", today.year, month)
        ProgressReport.objects.create(
            project=project,
            period_type="month",
            year=when.year,
            number=when.number,
            period_end=when.end,
            cumulative_investment=(project.investment * share).quantize(Decimal("0.01")),
            percent_complete=(Decimal(100) * share).quantize(Decimal("0.01")),
            narrative="按计划推进。",
        )
        project.completed_investment = (project.investment * share).quantize(Decimal("0.01"))
        project.percent_complete = (Decimal(100) * share).quantize(Decimal("0.01"))
        project.last_reported_period = when.key
    if months:
        project.save()
    return share == 1
