"""No lost updates (issue 12, point 6): a write made from a stale copy of a record is refused, not applied.

A versioned record carries a `version` that every change through its service increments. An edit form keeps the
version it was read at in a hidden field; an API reader gets it as the ETag of the record and may send it back
in If-Match. The service compares the version under the row lock (select_for_update), so two writers can never
both succeed from the same copy. These functions are pure: the comparison, the message and the ETag grammar.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

STALE_PREFIX = "已被他人修改"

# A strong entity tag naming the record and its version: "project-12-v4". The record's kind and id are part of
# it, so an ETag read from one record never matches another.
_ETAG = re.compile(r'^(?:W/)?"(?P<kind>[a-z_]+)-(?P<pk>[0-9A-Za-z]+)-v(?P<version>\d{1,9})"$')


def stale_version_refusal(sent: int | str | None, current: int, what: str = "项目") -> str | None:
    """None when the edit was made from the current version (or names none); else the Chinese refusal."""
    if sent is None or str(sent).strip() == "":
        return None
    try:
        if int(sent) == int(current):
            return None
    except (TypeError, ValueError):
        pass
    return (
        f"该{what}{STALE_PREFIX}（您提交的是第 {sent} 版，当前为第 {current} 版），未保存您的修改。"
        "请核对当前内容后重新提交。"
    )


def entity_tag(kind: str, pk: object, version: int) -> str:
    """The ETag header value of one version of one record."""
    return f'"{kind}-{pk}-v{int(version)}"'


# What version_from_if_match answers for a precondition that can match no version of this record (another
# record's tag, a weak or malformed one): the service then refuses the write as stale.
NO_VERSION = 0


def version_from_if_match(header: str | None, kind: str, pk: object) -> int | None:
    """The version an If-Match header asks for: None when absent or "*" (any current version will do), the
    version of a tag of this record, NO_VERSION when no tag in it names this record (RFC 9110: the write must
    then fail with 412). Several tags: the first of this record counts."""
    if header is None or not header.strip():
        return None
    if header.strip() == "*":
        return None
    for candidate in header.split(","):
        match = _ETAG.match(candidate.strip())
        if match and match["kind"] == kind and match["pk"] == str(pk):
            return int(match["version"])
    return NO_VERSION


def content_version(items: Iterable[tuple[object, object]]) -> str:
    """The version of a set of values that has no version column of its own (a town's scores on a sheet):
    a digest of its (key, value) pairs, in any order. Equal sets give equal versions."""
    lines = sorted(f"{key}={value}" for key, value in items)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def stale_content_refusal(sent: str | None, current: str, what: str) -> str | None:
    """None when the edit was made from the values as they are (or names no version); else the refusal."""
    if sent is None or not str(sent).strip() or str(sent).strip() == current:
        return None
    return f"{what}{STALE_PREFIX}（在您打开之后有人保存过），未保存您的修改。请核对当前内容后重新提交。"
