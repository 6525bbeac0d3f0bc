"""Scenarios and readers of the assessment page tests: what a user sees on a page or in a spreadsheet."""

from decimal import Decimal

from assessment.models import AssessmentRound
from assessment.rules import DEFAULT_INDICATORS
from assessment.services import compute_round, ensure_round, record_exemption, record_veto, save_scores
from tests.xlsx import workbook_of
from towns.models import Town
from towns.services import designate

from ..conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from ..pages import html, keyed_rows, page_text, text_of  # noqa: F401 - the page tests import them from here


def points_for(total):
    """Spread a composite score over the default indicators, each up to its maximum."""
    left, points = Decimal(total), {}
    for code, maximum in DEFAULT_INDICATORS:
        points[code] = str(min(maximum, left))
        left -= min(maximum, left)
    return points


def towns_in(county_code, count, start=0):
    return list(
        Town.objects.filter(county_id=county_code, kind="town").order_by("code")[start : start + count]
    )


def designate_all(towns, tier, year=2022):
    for town in towns:
        designate(town, tier, year)


def score(user, year, totals):
    """totals: {town: composite}; entered through the service, as a city or the province would."""
    for town, total in totals.items():
        save_scores(user, year=year, town=town, points_by_code=points_for(total))


def set_counts(year, top=2, bottom=2):
    assessment_round = ensure_round(year)
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(top_count=top, bottom_count=bottom)


def compute(year):
    assessment_round = ensure_round(year)
    compute_round(assessment_round.pk)  # a computed year is run again (its draft replaced)
    return AssessmentRound.objects.get(pk=assessment_round.pk)


class Scenario:
    """Six provincial towns of 2024: a 鹿乡镇 (双阳区, 长春) 90, b 农安镇 95, c 伏龙泉镇 90 (tied with a), d (蛟河)
    70, e (蛟河) 99 but vetoed, f (蛟河) without scores and exempted (免评). Top 2 praised, bottom 2
    criticised."""

    def __init__(self, admin):
        self.a = town_in(SHUANGYANG, 0)
        self.b, self.c = towns_in(NONGAN, 2)
        self.d, self.e, self.f = towns_in(JIAOHE, 3)
        self.towns = [self.a, self.b, self.c, self.d, self.e, self.f]
        designate_all(self.towns, "provincial")
        set_counts(2024, top=2, bottom=2)
        score(admin, 2024, {self.a: "90", self.b: "95", self.c: "90", self.d: "70", self.e: "99"})
        record_veto(admin, year=2024, town=self.e, reason="拆除历史建筑", doc_no="吉建罚〔2024〕1号")
        record_exemption(
            admin,
            year=2024,
            town=self.f,
            reason="镇区整体搬迁，当年不参加评价",
            doc_no="吉示范镇办〔2024〕函2号",
        )


def town_rows(response, element_id):
    """[(town code, [cell texts])] of the rows with data-town inside the element with that id, in order."""
    return keyed_rows(response, element_id, "data-town")


def sheet_rows(response):
    """The data rows of an .xlsx export, under its title, unit and header rows."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook_of(response).active
    rows = ([cell.value for cell in row] for row in sheet.iter_rows(min_row=4))
    return [row for row in rows if any(value not in (None, "") for value in row)]


def sheet_header(response):
    sheet = workbook_of(response).active
    return [cell.value for cell in sheet[3]]
