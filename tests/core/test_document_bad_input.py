"""Plan documents (core.files.check_document) are checked by their own reader, not core.tabular: random bytes
under every accepted extension are accepted or refused with a Chinese DomainError, never another error."""

import io
import zipfile

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.files import check_document

EXTENSIONS = [".pdf", ".doc", ".docx", ".xls", ".xlsx"]


def refused_in_chinese(name, data):
    try:
        check_document(name, data)
    except DomainError as refused:
        assert any("\u4e00" <= char <= "\u9fff" for char in refused.message)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=2000).map(lambda tail: b"PK\x03\x04" + tail),
        st.binary(max_size=500).map(lambda tail: b"%PDF-" + tail),
    ),
    extension=st.sampled_from(EXTENSIONS),
)
def test_random_bytes_never_raise_anything_but_a_chinese_refusal(data, extension):
    refused_in_chinese(f"方案{extension}", data)


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    # zipfile cuts a member's name at a NUL: "\x00" would become an empty name, which it cannot write.
    names=st.lists(
        st.text(alphabet=st.characters(blacklist_characters="\x00"), min_size=1, max_size=30),
        max_size=4,
        unique=True,
    ),
    extension=st.sampled_from(EXTENSIONS),
)
def test_a_zip_of_anything_is_refused_in_chinese(names, extension):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    refused_in_chinese(f"方案{extension}", buffer.getvalue())
