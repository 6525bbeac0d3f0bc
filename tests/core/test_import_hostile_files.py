"""Imports against hostile and awkward files (issue 12, point 5): a CSV saved by WPS or Excel in Chinese
(GBK/GB18030) is read; a zip bomb named .xlsx, a NUL byte, undecodable bytes, an empty or oversize file and an
.xlsx that is not a zip each get their Chinese message on the page and a 400 with it on the API, never a 500,
and nothing is staged."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.models import ImportBatch

from ..conftest import upload
from ..hostile_files import zip_bomb

pytestmark = pytest.mark.usefixtures("jilin")
URL = "/towns/designations/import/"
GBK_CSV = "区划代码,示范镇层级,认定起始年度\n220112102,县级,2022\n".encode("gb18030")


def page_and_api(user, name, data):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    page = client.post(URL, {"file": upload(name, data)})
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user)
    answer = api.post("/api/v1/imports/", {"kind": "towns.designations", "file": upload(name, data)})
    return page, answer


def test_a_gbk_csv_is_read_by_the_page_and_the_api(province_admin):
    page, answer = page_and_api(province_admin, "认定.csv", GBK_CSV)
    assert page.status_code == 302, page.content.decode()[:500]
    assert answer.status_code == 201, answer.content
    assert ImportBatch.objects.count() == 2
    assert "220112102" in str(answer.json()) and "无法识别" not in str(answer.json())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("认定.xlsx", zip_bomb("xlsx"), "疑为压缩炸弹"),
        ("认定.csv", "区划代码,示范镇层级\n220112102\x00,县级\n".encode("gb18030"), "空字节（NUL）"),
        ("认定.csv", b"\xff\xff\xff\xfe\x81\x30,\n", "无法识别 CSV 文件的编码"),
        ("认定.csv", b"", "上传的文件是空的"),
        ("认定.xlsx", GBK_CSV, "不是 Excel（.xlsx）工作簿"),
    ],
)
def test_a_hostile_file_is_refused_in_chinese_by_the_page_and_the_api(province_admin, name, data, message):
    page, answer = page_and_api(province_admin, name, data)
    assert page.status_code == 400 and message in page.content.decode()
    assert answer.status_code == 400 and message in str(answer.json())
    assert not ImportBatch.objects.exists()


def test_an_oversize_file_is_refused_by_the_page_and_the_api(province_admin, settings):
    settings.IMPORT_MAX_BYTES = 10
    page, answer = page_and_api(province_admin, "认定.csv", GBK_CSV)
    assert page.status_code == 400 and "超过 10 字节的上限" in page.content.decode()
    assert answer.status_code == 400 and "超过 10 字节的上限" in answer.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_an_imports_name_is_metadata_never_a_path(province_admin, settings, tmp_path):
    settings.IMPORT_DIR = tmp_path
    api = APIClient()
    api.force_authenticate(province_admin)
    answer = api.post(
        "/api/v1/imports/",
        {"kind": "towns.designations", "file": upload("..\\..\\认定\t.csv", GBK_CSV)},
    )
    assert answer.status_code == 201, answer.content
    batch = ImportBatch.objects.get()
    assert batch.file_name == "认定.csv"  # the multipart parser drops the tab, display_name the rest
    [stored] = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert stored.relative_to(tmp_path).as_posix() == f"{batch.pk}/{batch.sha256}.csv"
