"""The import limits take a national file (issue 13, point 5): a year of scores for all 21,379 镇 of China in
the long layout (320,685 rows) passes the page's upload form and the file checks, and a file over the limits
is still refused with its Chinese message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from core.forms import ImportUploadForm
from core.tabular import check_upload, max_bytes, max_rows, read_sheet

NATIONAL_TOWNS = 21_379
INDICATORS = 15
NATIONAL_SCORES = NATIONAL_TOWNS * INDICATORS  # 320,685


def national_score_csv():
    """A national year of scores as the import_scores command reads it (codes of the longest form)."""
    lines = ["镇区划代码,指标代码,得分"]
    lines.extend(
        f"{110101001 + town:09d},T{indicator:02d},{(town * indicator) % 1000 / 100:.2f}"
        for town in range(NATIONAL_TOWNS)
        for indicator in range(1, INDICATORS + 1)
    )
    return ("\n".join(lines) + "\n").encode()


def test_the_default_limits_take_a_national_year_of_scores():
    data = national_score_csv()
    assert max_rows() >= NATIONAL_SCORES
    assert check_upload("全国得分.csv", data) == ".csv"
    # UTF-16 ("Unicode 文本" from Excel) doubles the bytes: still within the limit
    assert len(data) * 2 <= max_bytes()
    form = ImportUploadForm(files={"file": SimpleUploadedFile("全国得分.csv", data)})
    assert form.is_valid(), form.errors


def test_a_file_over_the_limits_is_refused_in_chinese(settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(DomainError, match="文件超过 3 个数据行，请拆分后分批导入"):
        read_sheet("得分.csv", b"town_code\n1\n2\n3\n4\n", [_Column("town_code")])
    settings.IMPORT_MAX_BYTES = 1024
    form = ImportUploadForm(files={"file": SimpleUploadedFile("得分.csv", b"town_code\n" + b"1\n" * 1024)})
    assert not form.is_valid()
    assert "超过 1 KB 的上限，请拆分后分批导入" in form.errors["file"][0]


class _Column:
    def __init__(self, key):
        self.key, self.header, self.required, self.aliases = key, key, True, ()
