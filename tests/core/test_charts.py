"""A chart's canvas data, its data table and its sheet in the .xlsx export carry the same numbers."""

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from openpyxl import load_workbook

from core.charts import Chart, Series, charts_workbook

from ..pages import read


def investment_chart(**overrides):
    values = {
        "key": "investment",
        "title": "按任务领域的投资",
        "kind": "bar",
        "categories": ("产业发展", "=公共服务"),
        "series": (Series("总投资", (Decimal("66610.5"), Decimal("1200"))),),
        "unit": "万元",
        "places": 2,
        "links": ("/projects/?task_area=01", ""),
    }
    values.update(overrides)
    return Chart(**values)


def test_a_series_must_have_one_value_per_category():
    with pytest.raises(ValueError, match="wrong length"):
        investment_chart(series=(Series("总投资", (1,)),))
    with pytest.raises(ValueError, match="unknown chart kind"):
        investment_chart(kind="radar3d")


def test_the_spec_is_json_safe_and_the_table_prints_money_with_separators():
    chart = investment_chart()
    assert chart.spec()["series"][0]["values"] == [66610.5, 1200.0]
    assert chart.headers() == ["类别", "总投资（万元）"]
    assert chart.table() == [["产业发展", "66,610.50"], ["=公共服务", "1,200.00"]]


def test_the_include_draws_the_canvas_and_the_same_numbers_in_its_table():
    html = render_to_string("core/_chart.html", {"chart": investment_chart()})
    assert 'data-chart-spec="spec-investment"' in html
    assert '<script id="spec-investment" type="application/json">' in html
    rows = [cells for _, cells in read(SimpleNamespace(content=html.encode()), "table-investment").rows]
    assert rows == [["类别", "总投资（万元）"], ["产业发展", "66,610.50"], ["=公共服务", "1,200.00"]]
    assert '<a href="/projects/?task_area=01">产业发展</a>' in html


def test_an_empty_chart_says_so_and_draws_nothing():
    html = render_to_string(
        "core/_chart.html", {"chart": investment_chart(series=(Series("总投资", (0, None)),))}
    )
    assert "暂无数据" in html and "data-chart-spec" not in html


def test_the_workbook_has_one_sheet_per_chart_with_numbers_kept_as_numbers():
    counts = Chart(
        key="tiers",
        title="各层级示范镇",
        kind="pie",
        categories=("省级", "市级"),
        series=(Series("数量", (30, 40)),),
        unit="个",
    )
    workbook = load_workbook(
        io.BytesIO(charts_workbook("全省", [investment_chart(), counts], scope_note="范围：全省"))
    )
    assert workbook.sheetnames == ["按任务领域的投资", "各层级示范镇"]
    money = workbook["按任务领域的投资"]
    assert money["A1"].value == "全省：按任务领域的投资"
    assert [cell.value for cell in money[3]] == ["类别", "总投资（万元）"]
    assert money["B4"].value == 66610.5 and money["B4"].number_format == "#,##0.00"
    assert money["A5"].value == "=公共服务" and money["A5"].data_type == "s"
    assert [cell.value for cell in workbook["各层级示范镇"]["B"]][3:] == [30, 40]
