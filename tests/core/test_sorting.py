"""core.sorting: the one mechanism every list sorts with (issue 10, point 8)."""

from dataclasses import dataclass

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from core.sorting import Sorts, by
from towns.models import Town


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    tier: str | None
    points: int | None
    note: str = ""


ROWS = [
    Row("03", "丙", "county", 70, "乙"),
    Row("01", "甲", "provincial", None, ""),
    Row("02", "乙", None, 90, "甲"),
    Row("04", "丁", "city", 70, ""),
]
SORTS = Sorts(
    {
        "code": "code",
        "tier": by("tier", ranked=["provincial", "city", "county"]),
        "points": "points",
        "note": by("note", text=True),
        "length": by(value=lambda row: len(row.name + row.note)),
    },
    default="code",
    tiebreak=("code",),
)


def codes(rows):
    return [row.code for row in rows]


def test_a_request_asks_for_a_declared_key_either_way_and_anything_else_is_the_default():
    assert SORTS.parse("points").param == "points" and not SORTS.parse("points").descending
    assert SORTS.parse("-points").descending
    for raw in (None, "", "name", "-", "--points", "points; DROP TABLE", "code__name"):
        assert SORTS.parse(raw) == SORTS.default
    with pytest.raises(ValueError):
        Sorts({"code": "code"}, default="name")


def test_plain_rows_sort_with_empty_values_last_both_ways_and_ties_by_the_tiebreak():
    assert codes(SORTS.sorted_rows(ROWS, SORTS.parse("points"))) == ["03", "04", "02", "01"]
    assert codes(SORTS.sorted_rows(ROWS, SORTS.parse("-points"))) == ["02", "03", "04", "01"]
    # A vocabulary sorts in its display order, not alphabetically; None last.
    assert codes(SORTS.sorted_rows(ROWS, SORTS.parse("tier"))) == ["01", "04", "03", "02"]
    assert codes(SORTS.sorted_rows(ROWS, SORTS.parse("-tier"))) == ["03", "04", "01", "02"]
    # A blank text is an empty value.
    assert codes(SORTS.sorted_rows(ROWS, SORTS.parse("note"))) == ["03", "02", "01", "04"]
    assert codes(SORTS.sorted_rows(ROWS, SORTS.parse("length"))) == ["01", "04", "02", "03"]


def test_header_links_sort_ascending_first_then_flip_keep_the_filters_and_drop_the_page():
    request = RequestFactory().get("/projects/", {"county": "220112", "page": "3", "sort": "-points"})
    sorting = SORTS.sorting(request)
    assert sorting.requested and sorting.param == "-points"
    points, code = sorting.links["points"], sorting.links["code"]
    assert QueryDict(points.href[1:]).dict() == {"county": "220112", "sort": "points"}
    assert (points.arrow, points.aria) == ("▼", "descending")
    assert QueryDict(code.href[1:]).dict() == {"county": "220112", "sort": "code"}
    assert (code.arrow, code.aria) == ("", "")
    ascending = SORTS.sorting(RequestFactory().get("/", {"sort": "points"}))
    assert ascending.links["points"].href == "?sort=-points"
    assert ascending.links["points"].aria == "ascending"
    unasked = SORTS.sorting(RequestFactory().get("/", {"sort": "bogus"}))
    assert not unasked.requested and unasked.param == "" and unasked.sort == SORTS.default
    assert unasked.links["code"].aria == "ascending"  # the default order is shown as the sort


@pytest.mark.django_db
def test_a_queryset_is_ordered_in_sql_by_the_same_declaration(jilin):
    towns = Town.objects.filter(county_id="220112", kind="town")
    sorts = Sorts({"code": "code", "name": by("initials", "name")}, default="code", tiebreak=("code",))
    by_initials = sorted(towns, key=lambda town: (town.initials, town.name, town.code))
    assert list(sorts.apply(towns, sorts.parse("name"))) == by_initials
    assert list(sorts.apply(towns, sorts.parse("-code"))) == sorted(towns, key=lambda t: t.code, reverse=True)
    assert list(sorts.apply(towns, sorts.parse("-name"))) == sorted(
        towns, key=lambda town: (town.initials, town.name), reverse=True
    )
    computed = Sorts({"length": by(value=len)}, default="length")
    with pytest.raises(ValueError):  # a computed key sorts rows read into a list, never a QuerySet
        computed.apply(towns, computed.default)
