"""The scoping policy, role by role: the same answer for every caller type."""

import pytest

from accounts.models import Role
from core.scoping import can_read_audit_log, can_write, restrict, scope_of
from towns.models import Designation, Region, Town
from towns.services import designate

from ..conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in


@pytest.fixture
def designated(jilin):
    return [designate(town_in(SHUANGYANG), "county", 2022), designate(town_in(JIAOHE), "county", 2022)]


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.AUDITOR, Role.PARTNER])
def test_province_wide_roles_see_everything(make_user, designated, role):
    user = make_user(role)
    assert restrict(Designation.objects.all(), user).count() == 2
    assert restrict(Town.objects.all(), user).count() == Town.objects.count()


def test_city_official_sees_its_city_only(city_official, designated):
    towns = restrict(Town.objects.all(), city_official)
    assert set(towns.values_list("city_id", flat=True)) == {CHANGCHUN}
    assert [d.town.county_id for d in restrict(Designation.objects.all(), city_official)] == [SHUANGYANG]
    regions = set(restrict(Region.objects.all(), city_official).values_list("code", flat=True))
    assert CHANGCHUN in regions and SHUANGYANG in regions and JIAOHE not in regions and "22" not in regions


def test_county_official_sees_its_county_only(county_official, designated):
    assert set(restrict(Town.objects.all(), county_official).values_list("county_id", flat=True)) == {
        SHUANGYANG
    }
    assert list(restrict(Region.objects.all(), county_official).values_list("code", flat=True)) == [
        SHUANGYANG
    ]


def test_partner_granted_a_city_is_limited_to_it(make_user, designated):
    partner = make_user(Role.PARTNER, region=CHANGCHUN)
    assert restrict(Designation.objects.all(), partner).count() == 1
    assert not can_write(partner)


@pytest.mark.parametrize(
    ("role", "region"),
    [
        (Role.CITY_OFFICIAL, None),
        (Role.COUNTY_OFFICIAL, None),
        (Role.COUNTY_OFFICIAL, CHANGCHUN),
        (Role.CITY_OFFICIAL, SHUANGYANG),
    ],
)
def test_misconfigured_regional_user_sees_nothing(make_user, designated, role, region):
    user = make_user(role, region=region)
    assert scope_of(user).is_empty
    assert restrict(Town.objects.all(), user).count() == 0


def test_inactive_and_anonymous_users_see_nothing(county_official, designated):
    from django.contrib.auth.models import AnonymousUser

    county_official.is_active = False
    assert restrict(Town.objects.all(), county_official).count() == 0
    assert restrict(Town.objects.all(), AnonymousUser()).count() == 0


def test_only_writing_roles_write_and_only_admin_and_auditor_read_the_audit_log(make_user, jilin):
    assert can_write(make_user(Role.PROVINCE_ADMIN))
    assert can_write(make_user(Role.COUNTY_OFFICIAL, region=SHUANGYANG))
    assert not can_write(make_user(Role.PROVINCE_VIEWER))
    assert not can_write(make_user(Role.AUDITOR))
    assert can_read_audit_log(make_user(Role.AUDITOR))
    assert not can_read_audit_log(make_user(Role.CITY_OFFICIAL, region=CHANGCHUN))
