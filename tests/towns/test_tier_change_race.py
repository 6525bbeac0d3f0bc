"""R2 under real concurrency (PostgreSQL): two tier changes of one town at once cannot both pass the rules on
the same old designation. change_tier locks the town row before it reads the active designation."""

import threading

import pytest

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_two_promotions_of_one_town_at_once_promote_it_once(require_services, jilin):
    from django.db import connection as main_connection

    from accounts.models import User
    from core.errors import DomainError
    from towns.models import Designation
    from towns.services import change_tier, designate

    from ..conftest import SHUANGYANG, town_in

    town = town_in(SHUANGYANG)
    designate(town, "county", 2022, doc_no="双政发〔2022〕1号")
    admins = [User.objects.create(username=f"race_admin_{i}", role="province_admin") for i in (1, 2)]
    main_connection.close()

    barrier = threading.Barrier(2)
    outcomes = []

    def race(admin, doc_no):
        from django.db import connection

        try:
            barrier.wait(timeout=10)
            change_tier(admin, town=town, change="promote", year=2024, doc_no=doc_no, new_tier="provincial")
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=race, args=(admin, f"吉示范镇办〔2024〕{i}号"))
        for i, admin in enumerate(admins, 1)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(["ok", f"{town.name}已是省级示范镇，晋级须选择更高层级。"]), outcomes
    history = list(
        Designation.objects.filter(town=town).order_by("from_year", "id").values_list("tier", "to_year")
    )
    assert history == [("county", 2024), ("provincial", None)]
