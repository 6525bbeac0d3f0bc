"""The fast lists (values_list) give exactly the serializer's items, field for field, in its order."""

import json

from towns.api.serializers import DesignationSerializer, TownSerializer
from towns.models import Designation, Town
from towns.services import designate

from ...conftest import JIAOHE, SHUANGYANG, town_in


def as_json(data):
    return json.loads(json.dumps(data, ensure_ascii=False))


def scenario():
    first = town_in(SHUANGYANG)
    designate(first, "county", 2022, doc_no="双政发〔2022〕1号", dev_type="trade")
    Designation.objects.filter(town=first).update(
        to_year=2023, ended="promoted", end_doc_no="吉示范镇办〔2023〕2号"
    )
    designate(first, "provincial", 2023, doc_no="吉示范镇办〔2023〕2号")
    designate(town_in(JIAOHE), "city", 2022)


def test_town_list_items_equal_the_serializer(api_as, province_viewer):
    scenario()
    body = api_as(province_viewer).get("/api/v1/towns/", {"kind": "all", "page_size": 1000}).json()
    assert body["count"] == Town.objects.count()
    towns = Town.objects.with_active_designation().select_related("county", "city").in_bulk()
    for item in body["results"]:
        assert list(item) == list(TownSerializer().fields)
        assert item == as_json(TownSerializer(towns[item["code"]]).data)
    designated = [item for item in body["results"] if item["tier"]]
    assert {item["tier_label"] for item in designated} == {"省级", "市级"}


def test_designation_list_items_equal_the_serializer(api_as, province_viewer):
    scenario()
    body = api_as(province_viewer).get("/api/v1/designations/", {"page_size": 1000}).json()
    designations = Designation.objects.select_related("town__county", "town__city").in_bulk()
    assert len(body["results"]) == 3
    for item in body["results"]:
        assert list(item) == list(DesignationSerializer().fields)
        assert item == as_json(DesignationSerializer(designations[item["id"]]).data)
    ended = next(item for item in body["results"] if item["ended"])
    assert (ended["active"], ended["ended_label"]) == (False, "晋升更高层级")
