"""load_divisions: the real Jilin counts, idempotency, other provinces from --source, bad arguments."""

import csv
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command

from towns.models import Region, Town


def test_jilin_counts(jilin):
    assert Region.objects.filter(level="province").count() == 1
    assert Region.objects.filter(level="city", parent_id="22").count() == 9
    assert Region.objects.filter(level="county", code__startswith="22").count() == 69
    assert Town.objects.filter(province_id="22").count() == 1075
    assert Town.objects.filter(province_id="22", kind="town").count() == 433
    assert Town.objects.filter(kind="town").values("county_id").distinct().count() == 62
    town = Town.objects.get(code="220112102")
    assert (town.county_id, town.city_id, town.province_id) == ("220112", "2201", "22")


def test_second_run_changes_nothing_and_says_so(jilin):
    entries = LogEntry.objects.count()
    out = StringIO()
    call_command("load_divisions", stdout=out)
    text = out.getvalue()
    assert "市（州）9 个，县级单位 69 个，乡级单位 1075 个，其中镇 433 个" in text
    assert "未做任何更改" in text
    assert LogEntry.objects.count() == entries


def test_renamed_town_is_updated_and_audited(jilin):
    Town.objects.filter(code="220112102").update(name="旧名镇")
    out = StringIO()
    call_command("load_divisions", stdout=out)
    assert "更新 1 条" in out.getvalue()
    assert Town.objects.get(code="220112102").name != "旧名镇"
    entry = LogEntry.objects.filter(object_pk="220112102").latest("timestamp")
    assert entry.changes["name"][0] == "旧名镇"
    assert entry.additional_data == {"via": "command"}


def write_source(directory, province="99", name="测试省"):
    rows = {
        "provinces.csv": [["code", "name"], [province, name], ["98", "另一省"]],
        "cities.csv": [
            ["code", "name", "provinceCode"],
            [f"{province}01", "甲市", province],
            ["9801", "乙市", "98"],
        ],
        "areas.csv": [
            ["code", "name", "cityCode", "provinceCode"],
            [f"{province}0101", "甲县", f"{province}01", province],
            ["980101", "乙县", "9801", "98"],
        ],
        "streets.csv": [
            ["code", "name", "areaCode", "provinceCode", "cityCode"],
            [f"{province}0101100", "甲镇", f"{province}0101", province, f"{province}01"],
            [f"{province}0101200", "甲乡", f"{province}0101", province, f"{province}01"],
            ["980101001", "乙街道", "980101", "98", "9801"],
        ],
    }
    for file_name, content in rows.items():
        with (directory / file_name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(content)
    return directory


def test_other_province_from_source(jilin, tmp_path):
    source = write_source(tmp_path)
    out = StringIO()
    call_command("load_divisions", "--province", "99", "--source", str(source), stdout=out)
    assert "测试省（99）：市（州）1 个，县级单位 1 个，乡级单位 2 个，其中镇 1 个" in out.getvalue()
    assert not Region.objects.filter(code="98").exists()
    assert Town.objects.get(code="990101100").kind == "town"


def test_all_provinces_from_source(jilin, tmp_path):
    call_command("load_divisions", "--all", "--source", str(write_source(tmp_path)), stdout=StringIO())
    assert Town.objects.get(code="980101001").kind == "subdistrict"
    assert Town.objects.filter(province_id="22").count() == 1075


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "11"], "只自带吉林省"),
        (["--province", "2x"], "两位数字"),
        (["--all", "--province", "22"], "不能同时使用"),
        (["--province", "77", "--source", "SOURCE"], "没有省级区划代码 77"),
        (["--all", "--source", "/nonexistent"], "缺少文件"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(jilin, tmp_path, args, message):
    args = [str(write_source(tmp_path)) if a == "SOURCE" else a for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("load_divisions", *args, stdout=StringIO())
