"""The demo plan meets every R1 minimum on the real Jilin towns (checked through the quota rules)."""

from collections import Counter

from towns.demo import plan_demo
from towns.models import Town


def test_demo_plan_meets_r1_everywhere(jilin):
    towns = list(Town.objects.filter(kind="town").select_related("county", "city").order_by("code"))
    picks = plan_demo(towns)
    assert len({pick.town.code for pick in picks}) == len(picks), "a town is picked twice"
    tiers = Counter(pick.tier for pick in picks)
    assert tiers["provincial"] >= 30 and tiers["city"] >= 40 and tiers["county"] >= 50
    per_city = Counter((pick.town.city_id, pick.tier) for pick in picks)
    for city in {town.city_id for town in towns}:
        assert per_city[(city, "provincial")] >= 2 and per_city[(city, "city")] >= 2
    counties_with_towns = {town.county_id for town in towns}
    assert {pick.town.county_id for pick in picks if pick.tier == "county"} == counties_with_towns


def test_load_demo_twice_duplicates_nothing_and_prints_logins(jilin):
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User
    from towns.models import Designation

    first = StringIO()
    call_command("load_demo", stdout=first)
    designations, users = Designation.objects.count(), User.objects.count()
    assert designations >= 120 and users == 9  # one per role, the three administrators included
    from selection.models import Submission

    statuses = sorted(Submission.objects.values_list("status", flat=True))
    assert statuses == ["draft", "recommended", "submitted"]
    assert all(s.documents.count() == 2 for s in Submission.objects.all())
    from funding.models import Allocation
    from projects.models import Project

    statuses = set(Project.objects.values_list("status", flat=True))
    assert statuses == {"planned", "approved", "under_construction", "completed"}
    assert Allocation.objects.exists() and Project.objects.filter(reports__isnull=False).exists()
    projects = Project.objects.count()
    from assessment.models import Elimination, Notice

    # Two published years: notices with numbers, and eliminations whose substitutes kept R1 met; 2025 was
    # corrected and published again, its first notices kept as superseded.
    assert set(Notice.objects.values_list("round__year", "status")) == {
        (2024, "published"),
        (2025, "published"),
        (2025, "superseded"),
    }
    from assessment.models import Publication, PublicationChange

    assert Publication.objects.filter(round__year=2025).count() == 2
    assert PublicationChange.objects.filter(cause="elimination_reversed").exists()
    from assessment.models import Exemption

    assert set(Exemption.objects.values_list("round__year", flat=True)) == {2024, 2025}  # the 免评 shown
    assert Elimination.objects.filter(round__year=2025, substitute__isnull=False).exists()
    assert "demo_admin" in first.getvalue() and "未达标的市（州）0 个，县（市、区）0 个" in first.getvalue()
    # The demo's 2FA users are given known backup codes, printed, each accepted once by the second step.
    from django_otp.plugins.otp_static.models import StaticToken

    from demo.management.commands.load_demo import DEMO_BACKUP_CODES

    assert " ".join(DEMO_BACKUP_CODES) in first.getvalue()
    for username in ("demo_admin", "demo_auditor"):
        codes = StaticToken.objects.filter(device__user__username=username).values_list("token", flat=True)
        assert sorted(codes) == DEMO_BACKUP_CODES
    from core.jobs import jobs_of

    # 我的任务 of demo_admin is not empty: the demo's runs (2024, 2025 and its correction), done.
    runs = jobs_of(User.objects.get(username="demo_admin"))
    assert sorted(runs.values_list("title", "state")) == [
        ("2024年度示范镇评价计算", "done"),
        ("2025年度示范镇评价计算", "done"),
        ("2025年度示范镇评价计算", "done"),
    ]
    assert set(runs.values_list("kind", flat=True)) == {"assessment.run"}
    jobs = runs.count()

    second = StringIO()
    call_command("load_demo", stdout=second)
    assert Designation.objects.count() == designations and User.objects.count() == users
    assert Submission.objects.count() == 3
    assert Project.objects.count() == projects
    assert jobs_of(User.objects.get(username="demo_admin")).count() == jobs
    from selection.models import SelectionRound

    assert SelectionRound.objects.get(name="2022年第一批示范镇评选").deadline.isoformat() == "2022-04-30"
    assert "未重复生成" in second.getvalue()
