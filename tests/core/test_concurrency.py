"""The pure half of "no lost updates": the stale-version comparison and the ETag / If-Match grammar."""

from hypothesis import given
from hypothesis import strategies as st

from core.concurrency import NO_VERSION, entity_tag, stale_version_refusal, version_from_if_match


def test_a_stale_version_is_refused_and_no_version_means_no_check():
    assert stale_version_refusal(None, 7) is None
    assert stale_version_refusal("", 7) is None
    assert stale_version_refusal(7, 7) is None
    assert stale_version_refusal("7", 7) is None
    assert stale_version_refusal(6, 7) == (
        "该项目已被他人修改（您提交的是第 6 版，当前为第 7 版），未保存您的修改。请核对当前内容后重新提交。"
    )
    assert stale_version_refusal(1, 2, what="限额").startswith("该限额已被他人修改")
    assert stale_version_refusal("abc", 2) is not None


def test_if_match_names_the_version_of_this_record_only():
    tag = entity_tag("project", 12, 4)
    assert tag == '"project-12-v4"'
    assert version_from_if_match(tag, "project", 12) == 4
    assert version_from_if_match(None, "project", 12) is None
    assert version_from_if_match("*", "project", 12) is None
    # Another record's tag, another kind's, a malformed one: a precondition no version can meet.
    assert version_from_if_match('"project-13-v4"', "project", 12) == NO_VERSION
    assert version_from_if_match('"quota-12-v4"', "project", 12) == NO_VERSION
    assert version_from_if_match("4", "project", 12) == NO_VERSION
    # A list of tags: the one of this record counts.
    assert version_from_if_match('"project-1-v9", "project-12-v3"', "project", 12) == 3


@given(
    kind=st.sampled_from(["project", "quota", "submission"]),
    pk=st.integers(1, 10**9),
    version=st.integers(1, 10**8),
)
def test_every_tag_reads_back_as_its_own_version(kind, pk, version):
    assert version_from_if_match(entity_tag(kind, pk, version), kind, pk) == version
    assert stale_version_refusal(version, version) is None
    assert stale_version_refusal(version + 1, version) is not None
