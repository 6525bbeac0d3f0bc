"""Shared fixtures: the real Jilin geography is loaded once per test database; users per role."""

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role, User
from towns.loaders import load_divisions
from towns.models import Town

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"

# Real codes used across the tests.
CHANGCHUN = "2201"
JILIN_CITY = "2202"
SHUANGYANG = "220112"  # 双阳区, 长春市
NONGAN = "220122"  # 农安县, 长春市
JIAOHE = "220281"  # 蛟河市, 吉林市


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_divisions()


@pytest.fixture
def jilin(db):
    """The Jilin geography, reloaded if a transactional test flushed it."""
    if not Town.objects.exists():
        load_divisions()


@pytest.fixture
def make_user(jilin):
    def make(role, region=None, username=None, password="Portal-test-2024"):
        username = username or f"{role}_{region or 'all'}_{User.objects.count()}"
        user = User(username=username, role=role, region_id=region)
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def province_admin(make_user):
    return make_user(Role.PROVINCE_ADMIN, username="admin")


@pytest.fixture
def province_viewer(make_user):
    return make_user(Role.PROVINCE_VIEWER, username="viewer")


@pytest.fixture
def city_official(make_user):
    return make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun")


@pytest.fixture
def county_official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang")


@pytest.fixture
def other_county_official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, JIAOHE, username="jiaohe")


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, username="auditor")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as(api_client):
    def as_user(user):
        api_client.force_authenticate(user=user)
        return api_client

    return as_user


def town_in(county_code, index=0):
    """The index-th 镇 (by code) of a county-level unit."""
    return Town.objects.filter(county_id=county_code, kind="town").order_by("code")[index]


@pytest.fixture
def require_services(db):
    """PostgreSQL in use and Redis reachable; skip on a bare machine, fail under CI."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append(f"database is {connection.vendor}, not PostgreSQL (set DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {redis_url} does not answer: {exc}")
    if problems:
        message = "; ".join(problems)
        if REQUIRE_SERVICES:
            pytest.fail(f"service test cannot run under CI: {message}")
        pytest.skip(message)
