"""Pinyin initials of a place name, for search as officials type it (`cc` → 长春市, `cl` → 长岭县).

pypinyin resolves a character by its phrase where it knows one (长春 is chang-chun); a character it cannot
resolve keeps every reading (长岭 gives zl and cl), so whichever an official types is found. The variants are
stored space-separated in one column and matched by prefix (`initials_match`)."""

from itertools import islice, product

from django.db.models import Q
from pypinyin import Style, pinyin

MAX_VARIANTS = 8
MAX_LENGTH = 200


def initials(name: str) -> str:
    """The initials of a name: "ccs" for 长春市; "zlx clx" for 长岭县 (every reading of an unresolved character, at most 8 variants)."""
    letters = [
        [reading[:1].lower() for reading in readings if reading[:1].isalnum()] or [""]
        for readings in pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors="ignore")
    ]
    variants = dict.fromkeys("".join(parts) for parts in islice(product(*letters), MAX_VARIANTS))
    return " ".join(variant for variant in variants if variant)[:MAX_LENGTH]


def initials_match(query: str, field: str = "initials") -> Q:
    """Rows whose name has a reading starting with the typed initials (case-insensitive)."""
    typed = query.strip().lower()
    return Q(**{f"{field}__startswith": typed}) | Q(**{f"{field}__contains": f" {typed}"})
