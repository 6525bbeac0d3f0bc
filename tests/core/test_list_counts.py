"""A paginated list's count (core.counting): the filtered rows only, exact up to a threshold, the planner's
estimate above it (said as such), cached per scope and filter for a short time."""

import re

import pytest
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import counting
from tests.conftest import CHANGCHUN, SHUANGYANG, town_in
from towns.models import Designation, Town
from towns.services import designate

pytestmark = pytest.mark.django_db

TOWNS = "/api/v1/towns/"
DESIGNATIONS = "/api/v1/designations/"


@pytest.fixture(autouse=True)
def empty_count_cache():
    cache.clear()
    yield
    cache.clear()


def count_statement(queries):
    """The one statement of a request that counts the list's rows."""
    statements = [query["sql"] for query in queries if query["sql"].startswith("SELECT COUNT(*)")]
    assert len(statements) == 1, statements
    return statements[0]


def joined_tables(sql):
    return set(re.findall(r'JOIN "(\w+)"', sql))


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE towns_town")


def test_the_towns_count_joins_no_display_table(jilin, api_as, province_viewer):
    with CaptureQueriesContext(connection) as queries:
        body = api_as(province_viewer).get(TOWNS, {"page_size": 10}).json()
    assert body["count"] == Town.objects.filter(kind="town").count()
    assert body["results"][0]["county_name"]  # the page itself still joins the county for its name
    counted = count_statement(queries.captured_queries)
    assert joined_tables(counted) == set(), counted
    assert "ORDER BY" not in counted


def test_a_filter_on_the_active_tier_keeps_the_join_it_needs(jilin, api_as, province_viewer):
    towns = [town_in(SHUANGYANG, 0), town_in(SHUANGYANG, 1)]
    for town in towns:
        designate(town=town, tier="city", from_year=2023, doc_no="吉政〔2023〕1号")
    with CaptureQueriesContext(connection) as queries:
        body = api_as(province_viewer).get(TOWNS, {"tier": "city"}).json()
    assert body["count"] == 2
    assert {row["code"] for row in body["results"]} == {town.code for town in towns}
    assert joined_tables(count_statement(queries.captured_queries)) == {"towns_designation"}


def test_the_designations_count_joins_the_town_only_to_filter_by_county(jilin, api_as, province_viewer):
    designate(town=town_in(SHUANGYANG), tier="county", from_year=2023, doc_no="双政〔2023〕1号")
    client = api_as(province_viewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DESIGNATIONS).json()["count"] == 1
    assert joined_tables(count_statement(queries.captured_queries)) == set()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DESIGNATIONS, {"county": SHUANGYANG}).json()["count"] == 1
        assert client.get(DESIGNATIONS, {"county": CHANGCHUN + "02"}).json()["count"] == 0
    statements = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT")
    ]
    assert [joined_tables(sql) for sql in statements] == [{"towns_town"}, {"towns_town"}]


def test_counts_follow_the_scope_and_the_filters(jilin, api_as, county_official, city_official):
    own = Town.objects.filter(county_id=SHUANGYANG, kind="town")
    assert api_as(county_official).get(TOWNS).json()["count"] == own.count()
    assert api_as(county_official).get(TOWNS, {"kind": "all"}).json()["count"] == (
        Town.objects.filter(county_id=SHUANGYANG).count()
    )
    assert api_as(city_official).get(TOWNS).json()["count"] == (
        Town.objects.filter(city_id=CHANGCHUN, kind="town").count()
    )


def test_small_lists_are_counted_exactly_and_say_nothing_more(jilin, api_as, province_viewer):
    body = api_as(province_viewer).get(TOWNS).json()
    assert set(body) == {"count", "next", "previous", "results"}


def test_above_the_threshold_the_count_is_the_planners_estimate_and_says_so(
    jilin, api_as, province_viewer, county_official, settings
):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 20
    analyze()
    body = api_as(province_viewer).get(TOWNS).json()
    assert body["count_estimated"] is True
    exact = Town.objects.filter(kind="town").count()
    assert 20 < body["count"] <= 2 * exact
    # A county's few towns stay under the threshold: counted exactly, no flag.
    own = api_as(county_official).get(TOWNS).json()
    assert own["count"] == Town.objects.filter(county_id=SHUANGYANG, kind="town").count() <= 20
    assert "count_estimated" not in own


def test_the_page_says_about_for_an_estimated_count(jilin, admin_client, settings):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 20
    analyze()
    page = admin_client.get("/towns/").content.decode()
    assert re.search(r'id="town-total">约 \d+</span>', page)
    settings.LIST_COUNT_ESTIMATE_ABOVE = 10_000
    page = admin_client.get("/towns/", {"county": SHUANGYANG}).content.decode()
    exact = Town.objects.filter(county_id=SHUANGYANG, kind="town").count()
    assert f'id="town-total">{exact}</span>' in page


def test_a_cached_count_is_never_served_to_another_scope(
    jilin, api_as, province_viewer, city_official, settings
):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 5
    analyze()
    province = api_as(province_viewer).get(TOWNS).json()
    city = api_as(city_official).get(TOWNS).json()
    assert province["count_estimated"] and city["count_estimated"]
    assert city["count"] < province["count"]
    # The same request again is answered from the cache (no count statement), with the same number.
    with CaptureQueriesContext(connection) as queries:
        again = api_as(city_official).get(TOWNS).json()
    assert again["count"] == city["count"]
    assert not [query for query in queries.captured_queries if "COUNT(*)" in query["sql"]]


def test_a_cached_estimate_expires(jilin, settings, monkeypatch):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 5
    settings.LIST_COUNT_CACHE_SECONDS = 30
    towns = Town.objects.filter(kind="town")
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 400)
    assert counting.list_count(towns) == counting.ListCount(400, estimated=True)
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 500)
    assert counting.list_count(towns).value == 400
    # A filter of its own is a count of its own.
    assert counting.list_count(towns.filter(city_id=CHANGCHUN)).value == 500

    class Later:
        @staticmethod
        def time():
            import time

            return time.time() + 31

    monkeypatch.setattr(locmem, "time", Later)
    assert counting.list_count(towns).value == 500


def test_a_cached_estimate_is_never_served_to_another_database_sharing_the_cache(
    jilin, settings, monkeypatch
):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 5
    settings.LIST_COUNT_CACHE_SECONDS = 30
    towns = Town.objects.filter(kind="town")
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 400)
    assert counting.list_count(towns).value == 400
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 4000)
    monkeypatch.setitem(connection.settings_dict, "NAME", connection.settings_dict["NAME"] + "_other")
    assert counting.list_count(towns).value == 4000  # the other database's own estimate, not the first's


def test_no_cache_when_its_lifetime_is_zero(jilin, settings, monkeypatch):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 5
    settings.LIST_COUNT_CACHE_SECONDS = 0
    towns = Town.objects.filter(kind="town")
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 400)
    assert counting.list_count(towns).value == 400
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 500)
    assert counting.list_count(towns).value == 500


def test_an_estimate_below_the_threshold_is_raised_to_it(jilin, settings, monkeypatch):
    """The bounded count saw more rows than the threshold: the answer never claims fewer."""
    settings.LIST_COUNT_ESTIMATE_ABOVE = 5
    monkeypatch.setattr(counting, "_planner_estimate", lambda counted: 1)
    assert counting.list_count(Town.objects.all()) == counting.ListCount(6, estimated=True)


def test_an_empty_filter_counts_zero_without_a_statement(jilin, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert counting.list_count(Town.objects.filter(pk__in=[])) == counting.ListCount(0)


def test_grouped_or_distinct_lists_are_counted_as_they_are(jilin):
    designate(town=town_in(SHUANGYANG), tier="county", from_year=2023, doc_no="双政〔2023〕1号")
    distinct = Town.objects.filter(designations__tier="county").select_related("county").distinct()
    assert counting.list_count(distinct).value == 1
    counted = Designation.objects.values("tier").order_by("tier").distinct()
    assert counting.list_count(counted).value == 1
