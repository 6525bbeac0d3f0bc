"""Shared set-ups of the projects and funding API tests (plain functions; fixtures are in tests/conftest.py)."""

import json

from projects.models import Project
from projects.services import change_status, create_project
from towns.services import designate

from ...conftest import JIAOHE, PROJECT_DATA, town_in


def as_json(data):
    """What a client reads of serializer data (Decimals and dates as strings, as the renderer writes them)."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def jiaohe_project(official, **overrides):
    """A project of a provincial demonstration town of 蛟河市 (吉林市), filed by that county's official."""
    town = town_in(JIAOHE)
    if not town.designations.filter(to_year__isnull=True).exists():
        designate(town, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    return create_project(official, town=town, data={**PROJECT_DATA, "name": "蛟河镇区道路改造", **overrides})


def approve(official, project):
    return change_status(official, project=project, status="approved")


def bulk_projects(town, created_by, count):
    """count projects of the town in one INSERT (no audit), over every bond-type branch, for query counts."""
    shapes = [
        {"public_welfare": True, "special_bond_field": False, "annual_revenue": 0, "annual_debt_service": 0},
        {"public_welfare": True, "special_bond_field": True, "annual_revenue": 80, "annual_debt_service": 80},
        {
            "public_welfare": False,
            "special_bond_field": False,
            "annual_revenue": 50,
            "annual_debt_service": 10,
        },
    ]
    return Project.objects.bulk_create(
        Project(
            town=town,
            task_area_id=f"T{index % 15 + 1:02d}",
            name=f"项目{index:03d}",
            investment=400 + index * 10,
            start_year=2025,
            end_year=2027,
            created_by=created_by,
            **shapes[index % 3],
        )
        for index in range(count)
    )
