"""R2 import checks as pure functions: every row checked, each reason stated with its row number."""

from core.tabular import SourceRow
from towns.rules import (
    TownFacts,
    check_designation_rows,
    designation_correction_refusal,
    designation_refusal,
    parse_tier,
    town_kind_for_name,
)

TOWNS = {
    "220112100": TownFacts("220112100", "奢岭镇", "town", "镇"),
    "220112101": TownFacts("220112101", "山河镇", "town", "镇", active_tier="city", active_from_year=2022),
    "220112200": TownFacts("220112200", "某乡", "township", "乡"),
    "220112001": TownFacts("220112001", "某街道", "subdistrict", "街道"),
}


def rows(*values):
    return [SourceRow(number=index, values=v) for index, v in enumerate(values, start=2)]


def test_good_rows_are_accepted_with_chinese_or_english_tiers():
    accepted, errors = check_designation_rows(
        rows(
            {"town_code": "220112100", "tier": "省级", "year": "2022", "doc_no": "吉示范镇办〔2022〕1号"},
        ),
        TOWNS,
    )
    assert errors == []
    assert accepted[0].tier == "provincial"
    assert accepted[0].year == 2022


def test_every_bad_row_is_reported_with_its_number():
    accepted, errors = check_designation_rows(
        rows(
            {"town_code": "999999999", "tier": "provincial", "year": "2022"},
            {"town_code": "220112200", "tier": "city", "year": "2022"},
            {"town_code": "220112100", "tier": "national", "year": "22"},
            {"town_code": "220112100", "tier": "county", "year": "2022", "dev_type": "太空型"},
        ),
        TOWNS,
    )
    assert [error.number for error in errors] == [2, 3, 4, 5]
    assert "不存在" in errors[0].message
    assert "只有建制镇" in errors[1].message
    assert "层级" in errors[2].message and "年度" in errors[2].message
    assert "发展类型" in errors[3].message and "重复" in errors[3].message
    assert accepted == []


def test_subdistrict_refused():
    _, errors = check_designation_rows(
        rows({"town_code": "220112001", "tier": "county", "year": "2023"}), TOWNS
    )
    assert "街道" in str(errors[0]) and str(errors[0]).startswith("第 2 行")


def test_reimporting_the_active_designation_is_unchanged_but_another_tier_is_refused():
    accepted, errors = check_designation_rows(
        rows({"town_code": "220112101", "tier": "市级", "year": "2022"}), TOWNS
    )
    assert errors == [] and accepted[0].unchanged
    _, errors = check_designation_rows(
        rows({"town_code": "220112101", "tier": "省级", "year": "2024"}), TOWNS
    )
    assert "已有2022年起的有效市级认定" in errors[0].message


def test_designation_refusal_names_the_reason():
    assert designation_refusal(TOWNS["220112100"]) is None
    assert "只有建制镇" in designation_refusal(TOWNS["220112200"])
    assert "同一时间只能有一个" in designation_refusal(TOWNS["220112101"])


def test_kind_and_tier_parsing():
    assert town_kind_for_name("奢岭镇") == "town"
    assert town_kind_for_name("朝阳满族乡") == "township"
    assert town_kind_for_name("东风街道") == "subdistrict"
    assert town_kind_for_name("创业农场") == "other"
    assert parse_tier("Provincial") == "provincial"
    assert parse_tier("县级") == "county"
    assert parse_tier("国家级") is None


def test_a_directory_row_without_tier_and_year_asks_nothing_of_an_undesignated_town():
    accepted, errors = check_designation_rows(
        rows({"town_code": "220112100", "tier": "", "year": ""}, {"town_code": "220112200", "tier": ""}),
        TOWNS,
    )
    assert errors == []
    assert [(row.blank, row.outcome) for row in accepted] == [(True, "unchanged"), (True, "unchanged")]


def test_an_import_never_ends_an_active_designation():
    accepted, errors = check_designation_rows(rows({"town_code": "220112101", "tier": "", "year": ""}), TOWNS)
    assert accepted == []
    assert "导入不能终止认定" in errors[0].message and "2022年起的有效市级认定" in errors[0].message


def test_another_document_number_or_development_type_corrects_the_active_designation():
    towns = {"220112101": TownFacts("220112101", "山河镇", "town", "镇", "city", 2022, "甲", "industry")}
    accepted, errors = check_designation_rows(
        rows(
            {
                "town_code": "220112101",
                "tier": "市级",
                "year": "2022",
                "doc_no": "乙",
                "dev_type": "商贸流通型",
            },
        ),
        towns,
    )
    assert errors == [] and accepted[0].outcome == "changed"
    assert accepted[0].corrections == (("doc_no", "甲", "乙"), ("dev_type", "industry", "trade"))
    # Empty cells leave both as they are.
    accepted, _ = check_designation_rows(
        rows({"town_code": "220112101", "tier": "city", "year": "2022"}), towns
    )
    assert accepted[0].outcome == "unchanged" and accepted[0].corrections == ()


def test_a_correction_is_refused_without_a_value_or_with_a_bad_one():
    assert designation_correction_refusal(doc_no="乙", dev_type="") is None
    assert "请填写要更正的" in designation_correction_refusal(doc_no="", dev_type="")
    assert "文号超过 100 个字符" in designation_correction_refusal(doc_no="文" * 101, dev_type="")
    assert "发展类型“space”无效" in designation_correction_refusal(doc_no="", dev_type="space")
