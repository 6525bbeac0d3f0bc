"""Bad input to every upload of an import (issue 11, "Bad input"): a file that is not what it claims, empty, with
a NUL byte, in an unknown encoding, too large or with too many rows gets a clear Chinese message and writes
nothing — through the pages and the API, for random bytes too. Never a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from assessment.models import Score
from assessment.services import ensure_round
from core.models import ImportBatch
from towns.models import Designation

from ..conftest import upload

pytestmark = pytest.mark.usefixtures("jilin")

UPLOADS = [
    ("/towns/designations/import/", "towns.designations", {}),
    ("/assessment/2024/scores/import/", "assessment.scores", {"year": "2024"}),
]
CASES = [
    ("认定.xlsx", b"town_code,tier,year\n220112102,county,2022\n", "不是 Excel（.xlsx）工作簿"),
    ("认定.xlsx", b"PK\x03\x04\x14\x00\x00\x00broken", "Excel 文件已损坏或不完整"),
    ("认定.csv", b"PK\x03\x04\x14\x00\x00\x00broken", "不是 CSV 文本"),
    ("认定.csv", b"", "上传的文件是空的"),
    ("认定.csv", b"town_code,tier,year\n220112102,county\x00,2022\n", "空字节（NUL）"),
    ("认定.csv", b"\x81\x30\xff\xfe,\xff\n", "无法识别 CSV 文件的编码"),
    ("认定.txt", b"town_code\n", "不支持的文件类型“.txt”"),
    ("认定.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003（.xls）"),
]


def has_chinese(text):
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def written():
    return (Designation.objects.count(), Score.objects.count(), ImportBatch.objects.count())


@pytest.fixture
def round_2024(jilin):
    ensure_round(2024)


@pytest.mark.usefixtures("round_2024")
@pytest.mark.parametrize(("url", "kind", "params"), UPLOADS)
@pytest.mark.parametrize(("name", "data", "message"), CASES)
def test_a_bad_file_is_refused_in_chinese_by_the_page_and_the_api(
    client, api_client, province_admin, url, kind, params, name, data, message
):
    before = written()
    client.force_login(province_admin)
    response = client.post(url, {"file": upload(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    api_client.force_authenticate(province_admin)
    response = api_client.post("/api/v1/imports/", {"kind": kind, "file": upload(name, data), **params})
    assert response.status_code == 400
    assert message in str(response.json())
    assert written() == before


@pytest.mark.usefixtures("round_2024")
def test_too_large_or_too_many_rows_are_refused(client, api_client, province_admin, settings):
    client.force_login(province_admin)
    api_client.force_authenticate(province_admin)
    settings.IMPORT_MAX_ROWS = 2
    rows = b"town_code,tier,year\n" + b"220112102,county,2022\n" * 3
    response = client.post("/towns/designations/import/", {"file": upload("d.csv", rows)})
    assert response.status_code == 400 and "文件超过 2 个数据行，请拆分后分批导入" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 40
    response = client.post("/towns/designations/import/", {"file": upload("d.csv", rows)})
    assert response.status_code == 400 and "文件大小为 86 字节，超过 40 字节的上限" in response.content.decode()
    response = api_client.post("/api/v1/imports/", {"kind": "towns.designations", "file": upload("d.csv", rows)})
    assert response.status_code == 400 and "的上限，请拆分后分批导入" in response.json()["detail"]
    assert written() == (0, 0, 0)


@pytest.mark.usefixtures("round_2024")
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    data=st.binary(max_size=3000),
    suffix=st.sampled_from([".csv", ".xlsx"]),
    target=st.sampled_from(UPLOADS),
)
def test_random_bytes_never_make_a_500_and_write_nothing(province_admin, data, suffix, target):
    url, kind, params = target
    before = written()
    client = Client(raise_request_exception=False)
    client.force_login(province_admin)
    response = client.post(url, {"file": upload(f"随机{suffix}", data)})
    assert response.status_code in (200, 400), response.status_code
    assert has_chinese(response.content.decode())
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(province_admin)
    response = api.post("/api/v1/imports/", {"kind": kind, "file": upload(f"随机{suffix}", data), **params})
    assert response.status_code == 400, response.status_code
    assert has_chinese(str(response.json()))
    assert written() == before
