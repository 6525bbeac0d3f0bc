"""API v1 task areas (R4): the 15 areas in 5 groups, read-only, looked up by code."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/task-areas/"


def test_list_gives_the_15_areas_in_the_paginated_shape(jilin, api_as, county_official):
    body = api_as(county_official).get(URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert (body["count"], body["next"], body["previous"]) == (15, None, None)
    assert [item["code"] for item in body["results"]] == [f"T{n:02d}" for n in range(1, 16)]
    assert body["results"][0] == {"code": "T01", "name": "园区基础设施", "group": 1, "group_name": "产业项目"}
    groups = {}
    for item in body["results"]:
        groups.setdefault(item["group_name"], []).append(item["code"])
    assert {name: len(codes) for name, codes in groups.items()} == {
        "产业项目": 2,
        "市政设施": 3,
        "公共事业": 2,
        "人居环境": 4,
        "体制机制": 4,
    }


def test_detail_by_code(jilin, api_as, province_viewer):
    client = api_as(province_viewer)
    assert client.get(f"{URL}T03/").json() == {
        "code": "T03",
        "name": "生活服务设施",
        "group": 2,
        "group_name": "市政设施",
    }
    missing = client.get(f"{URL}T16/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "未找到。"})


def test_read_only_and_authenticated(jilin, api_client, api_as, province_admin):
    assert api_client.get(URL).status_code == 401
    client = api_as(province_admin)
    assert client.post(URL, {"code": "T16", "name": "新领域", "group": 5}, format="json").status_code == 405
    assert client.patch(f"{URL}T03/", {"name": "改名"}, format="json").status_code == 405
    assert client.delete(f"{URL}T03/").status_code == 405
