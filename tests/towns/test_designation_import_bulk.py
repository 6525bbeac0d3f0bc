"""A designation import writes every designation in one statement per table (issue 13, point 5) and keeps
what the per-row services gave: the same designations and towns, the same one audit entry, all rows or none,
and the same number of queries for 10 rows as for 200."""

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit import ChangeSet
from core.errors import DomainError
from towns.models import Designation, Town
from towns.services import DesignationWrite, designate, import_designations, write_designations

from ..conftest import SHUANGYANG

pytestmark = pytest.mark.usefixtures("jilin")

HEADER = "区划代码,示范镇层级,认定起始年度,认定文号,发展类型"


def csv_of(lines):
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def county_towns(count=3):
    return list(Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code")[:count])


def test_new_corrected_and_unchanged_rows_are_written_and_audited_as_the_services_did(province_admin):
    corrected, kept, new = county_towns()
    designate(corrected, "county", 2022, doc_no="双政〔2022〕1号")
    designate(kept, "city", 2023, doc_no="长政〔2023〕5号")
    active = Designation.objects.get(town=corrected)
    entries = LogEntry.objects.count()

    summary = import_designations(
        province_admin,
        file_name="认定.csv",
        data=csv_of(
            [
                f"{corrected.code},县级,2022,双政〔2022〕2号,",
                f"{kept.code},市级,2023,长政〔2023〕5号,",
                f"{new.code},省级,2024,吉政〔2024〕9号,商贸流通型",
            ]
        ),
    )

    assert (summary.created, summary.changed, summary.unchanged) == (1, 1, 1)
    assert LogEntry.objects.count() == entries + 1
    active.refresh_from_db()
    assert (active.tier, active.from_year, active.doc_no) == ("county", 2022, "双政〔2022〕2号")
    made = Designation.objects.get(town=new)
    assert (made.tier, made.from_year, made.doc_no, made.dev_type, made.began, made.to_year) == (
        "provincial",
        2024,
        "吉政〔2024〕9号",
        "trade",
        "selected",
        None,
    )
    new.refresh_from_db()
    assert new.dev_type == "trade"

    entry = LogEntry.objects.filter(additional_data__has_key="change_set").latest("pk")
    rows = entry.additional_data["change_set"]["rows"]
    assert rows == [
        {
            "model": "towns.designation",
            "pk": str(active.pk),
            "repr": str(active),
            "action": LogEntry.Action.UPDATE,
            "changes": {"doc_no": ["双政〔2022〕1号", "双政〔2022〕2号"]},
        },
        {
            "model": "towns.designation",
            "pk": str(made.pk),
            "repr": str(made),
            "action": LogEntry.Action.CREATE,
            "changes": {name: list(values) for name, values in model_instance_diff(None, made).items()},
        },
        {
            "model": "towns.town",
            "pk": new.code,
            "repr": str(new),
            "action": LogEntry.Action.UPDATE,
            "changes": {"dev_type": ["", "trade"]},
        },
    ]


def test_a_row_the_rules_refuse_under_the_locks_writes_nothing_and_names_the_row():
    first, second, _third = county_towns()
    designate(second, "county", 2022)
    with pytest.raises(DomainError, match="第 3 行：") as refused:
        write_designations(
            [
                DesignationWrite(2, first.code, "county", 2024, "", ""),
                DesignationWrite(3, second.code, "county", 2024, "", ""),  # already designated
            ]
        )
    assert "没有写入任何数据" in refused.value.message
    assert not Designation.objects.filter(town=first).exists()


def test_a_failure_in_the_middle_of_the_write_leaves_nothing_half_written(province_admin, monkeypatch):
    first, second, _third = county_towns()
    before = (Designation.objects.count(), LogEntry.objects.count(), first.dev_type)

    def broken(self, *args, **kwargs):
        raise RuntimeError("the audit failed after the designations were written")

    monkeypatch.setattr(ChangeSet, "add", broken)
    with pytest.raises(RuntimeError):
        import_designations(
            province_admin,
            file_name="认定.csv",
            data=csv_of([f"{first.code},县级,2024,,工业主导型", f"{second.code},县级,2024,,"]),
        )
    first.refresh_from_db()
    assert (Designation.objects.count(), LogEntry.objects.count(), first.dev_type) == before


def test_the_import_issues_the_same_queries_for_10_rows_as_for_200(province_admin):
    towns = list(Town.objects.filter(kind="town").order_by("code")[:210])

    def queries(chosen):
        data = csv_of([f"{town.code},县级,2024,,工业主导型" for town in chosen])
        with CaptureQueriesContext(connection) as captured:
            import_designations(province_admin, file_name="认定.csv", data=data)
        return len(captured.captured_queries)

    assert queries(towns[:10]) == queries(towns[10:210])
    assert Designation.objects.filter(town__in=towns).count() == 210
