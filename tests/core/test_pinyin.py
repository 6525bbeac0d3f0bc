"""Pinyin initials as officials type them: phrases resolved, unresolved characters in every reading."""

import pytest

from core.pinyin import initials, initials_match
from towns.models import Region, Town

from ..conftest import CHANGCHUN


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("长春市", "ccs"),
        ("长岭县", "zlx clx"),
        ("奢岭街道", "sljd"),
        ("延边朝鲜族自治州", "ybcxzzzz ybcxzzcz"),
        ("", ""),
    ],
)
def test_initials_keep_every_reading_of_an_unresolved_character(name, expected):
    assert initials(name) == expected


def test_variants_are_capped():
    assert len(initials("长长长长长长长长").split()) <= 8


@pytest.mark.django_db
def test_loaded_divisions_carry_initials_and_cc_finds_changchun(jilin):
    assert Region.objects.get(code=CHANGCHUN).initials == "ccs"
    found = set(Region.objects.filter(initials_match("CC")).values_list("name", flat=True))
    assert "长春市" in found
    assert Town.objects.exclude(initials="").count() == Town.objects.count()
    changling = set(Region.objects.filter(initials_match("cl")).values_list("name", flat=True))
    assert "长岭县" in changling
