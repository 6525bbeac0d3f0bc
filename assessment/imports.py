"""The score import (R7) on core's two-step framework (core.imports), in both layouts:

- the score sheet the export writes (assessment.exports.score_sheet): one row per town, one column per
  indicator headed "T01 园区基础设施" (or just "T01"); the name, tier and total columns are not read, and an
  empty cell leaves that score as it is — so a downloaded sheet, edited and uploaded, imports;
- the long layout: one row per town and indicator (镇区划代码/town_code, 指标代码/indicator_code,
  得分/points).

Every row is checked as the score form checks it (the town designated that year, the indicator in the
year's system, points within 0…maximum with two decimals, who may score the town), and the confirm writes
every score at once through assessment.services.write_scores (save_scores' checks over the whole set, one
statement: a national year of 320,685 scores in seconds), under the round's lock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from core import formats
from core.errors import DomainError, checked_year
from core.imports import Change, Importer, ProgressCallback, RowOutcome, SheetColumn, counts, register
from core.roles import Role
from core.tabular import Table
from towns.selectors import towns_by_code

from . import rules, selectors, services
from .exports import SCORE_INDICATOR_CODE, SCORE_POINTS, SCORE_TOWN_CODE, indicator_column, score_sheet

if TYPE_CHECKING:
    from accounts.models import User
    from towns.models import Town

    from .models import Indicator

CENT = Decimal("0.01")


def _text(value: Decimal | None, shown: dict[Decimal, str] | None = None) -> str:
    if value is None:
        return ""
    if shown is None:
        return formats.points(value)
    text = shown.get(value)
    if text is None:
        text = shown[value] = formats.points(value)
    return text


def _round_and_indicators(year: int) -> tuple[Any, list[Indicator]]:
    assessment_round = selectors.round_or_default(year)
    return assessment_round, selectors.round_indicators(assessment_round)


@register
class ScoreImporter(Importer):
    kind = services.SCORE_IMPORT
    title = "评价得分"
    roles = frozenset({Role.PROVINCE_ADMIN})
    parameters = ("year",)

    def denied_message(self) -> str:
        return "只有省级管理员可以导入得分。"

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        if raw.get("year") in (None, ""):
            raise DomainError("请填写导入得分的年度（year）。")
        return {"year": checked_year(raw.get("year"))}

    def describe(self, params: Mapping[str, Any]) -> str:
        return f"{params['year']}年度评价得分"

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        _round, indicators = _round_and_indicators(params["year"])
        return (
            SCORE_TOWN_CODE,
            SCORE_INDICATOR_CODE,
            SCORE_POINTS,
            *(indicator_column(indicator) for indicator in indicators),
        )

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        _round, indicators = _round_and_indicators(params["year"])
        return score_sheet(indicators)

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        return [
            f"与“{params['year']}年度示范镇评价得分”导出表的列相同：可导出得分表，填写或修改得分后导入。每行一个镇，每个指标一列；空白单元格不修改该项得分。",
            "也可用长表格式：每行一个镇的一项指标，列为 镇区划代码（town_code）、指标代码（indicator_code）、得分（points）。",
        ]

    def breadcrumbs(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        year = params["year"]
        return [
            ("年度评价", reverse("assessment-index")),
            (f"{year}年度", reverse("assessment-round", args=[year])),
            ("得分录入", reverse("assessment-scores", args=[year])),
        ]

    def upload_url(self, params: Mapping[str, Any]) -> str:
        return reverse("assessment-score-import", args=[params["year"]])

    def return_url(self, params: Mapping[str, Any]) -> str:
        return reverse("assessment-scores", args=[params["year"]])

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "查看得分表"

    # --- preview ---

    def preview(self, user: User | None, rows: Table, params: Mapping[str, Any]) -> list[RowOutcome]:
        """Reads the round, its indicators, the towns named, their designations that year and their points:
        a constant number of queries, whatever the rows."""
        year = params["year"]
        assessment_round, indicator_list = _round_and_indicators(year)
        services.require_scoring_open(assessment_round, "导入得分")
        indicators = {indicator.code: indicator for indicator in indicator_list}
        long = rows.has("indicator_code") or rows.has("points")
        wide_codes = [code for code in indicators if rows.has(code)]
        if long and not (rows.has("indicator_code") and rows.has("points")):
            missing = SCORE_POINTS if rows.has("indicator_code") else SCORE_INDICATOR_CODE
            raise DomainError(
                f"缺少必需的列：{missing.header}（{missing.key}）。长表格式每行一个镇的一项指标，"
                "列为 镇区划代码、指标代码、得分。"
            )
        if not long and not wide_codes:
            example = next(iter(indicators.values()), None)
            shown = f"如“{example.code} {example.name}”" if example else ""
            raise DomainError(
                f"缺少得分列：得分表每个指标一列（{shown}，与导出的得分表相同），"
                "或用长表格式的 指标代码（indicator_code）和 得分（points）两列。"
            )
        codes = {row.values.get("town_code", "").strip() for row in rows}
        context = _Context(
            year=year,
            user=user,
            indicators=indicators,
            towns=towns_by_code(codes),
            held=selectors.designated_in_year(year, codes),
            existing=selectors.round_points(assessment_round, codes),
        )
        if long:
            return _long_outcomes(rows, context)
        return _wide_outcomes(rows, context, wide_codes)

    # --- apply ---

    def lock(self, params: Mapping[str, Any]) -> None:
        services.lock_round(params["year"])

    def apply(
        self,
        user: User | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """Every new and changed score in one write (services.write_scores: the form's checks over the whole
        set, one statement, one audit entry), in the file's order."""
        rows: list[services.ScoreRow] = []
        scored: dict[str, int] = defaultdict(int)
        for outcome in outcomes:
            if outcome.data is None:
                continue
            town_code, town_name, points = outcome.data
            scored[town_code] += len(points)
            if outcome.writes:
                rows.extend(
                    services.ScoreRow(town_code, town_name, code, value) for code, value in points.items()
                )
        services.write_scores(user, year=params["year"], rows=rows)
        if progress is not None:
            progress(len(rows), len(rows))
        scored_towns = [code for code, number in scored.items() if number]
        return {**counts(outcomes), "scores": sum(scored.values()), "towns": len(scored_towns)}


@dataclass(frozen=True)
class _Context:
    """What every row of one preview is checked against."""

    year: int
    user: User | None
    indicators: dict[str, Indicator]
    towns: dict[str, Town]
    held: dict[str, tuple[str, str]]
    existing: dict[tuple[str, str], Decimal]

    # A national file names each town 15 times and repeats a few thousand point values: what depends only
    # on the town, or on the text and the indicator, is decided once (the same rules, the same messages).
    _town_problems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _points: dict[tuple[str, str], tuple[str | None, Decimal | None]] = field(default_factory=dict)
    shown: dict[Decimal, str] = field(default_factory=dict)

    def town_problems(self, code: str) -> list[str]:
        known = self._town_problems.get(code)
        if known is None:
            known = self._town_problems[code] = tuple(self._decide_town(code))
        return list(known)

    def points(self, raw: str, indicator: Indicator) -> tuple[str | None, Decimal | None]:
        """(the refusal of rules.points_refusal, or None; the points to two decimals when accepted)."""
        key = (raw, indicator.code)
        known = self._points.get(key)
        if known is None:
            problem = rules.points_refusal(raw, indicator.max_points)
            known = self._points[key] = (problem, None if problem else Decimal(raw).quantize(CENT))
        return known

    def _decide_town(self, code: str) -> list[str]:
        town = self.towns.get(code)
        if town is None:
            return [f"区划代码 {code or '（空）'} 不存在"]
        if code not in self.held:
            return [f"{town.name}（{code}）在 {self.year} 年不是示范镇"]
        if self.user is not None and not services.may_score(self.user, town):
            return [f"无权录入{town.name}（{code}）的得分"]
        return []

    def subject(self, code: str) -> str:
        town = self.towns.get(code)
        return f"{town.name}（{code}）" if town is not None else code

    def name(self, code: str) -> str:
        town = self.towns.get(code)
        return town.name if town is not None else code


def _long_outcomes(rows: Table, context: _Context) -> list[RowOutcome]:
    outcomes, seen = [], {}
    labels = {code: f"{indicator.code} {indicator.name}" for code, indicator in context.indicators.items()}
    for row in rows:
        values = row.values
        code = values.get("town_code", "").strip()
        indicator_code = values.get("indicator_code", "").strip().upper()
        raw = values.get("points", "").strip()
        problems = context.town_problems(code)
        indicator = context.indicators.get(indicator_code)
        points = None
        if indicator is None:
            problems.append(f"指标代码“{indicator_code}”不在 {context.year} 年的指标体系中")
        else:
            problem, points = context.points(raw, indicator)
            if problem:
                problems.append(problem)
        key = (code, indicator_code)
        if key in seen:
            problems.append(f"与第 {seen[key]} 行重复")
        else:
            seen[key] = row.number
        subject = context.subject(code)
        if indicator is not None:
            subject = f"{subject} {labels[indicator_code]}"
        if problems:
            outcomes.append(RowOutcome.error(row.number, "；".join(problems), subject))
            continue
        before = context.existing.get(key)
        after = _text(points, context.shown)
        data = (code, context.name(code), {indicator_code: points})
        # RowOutcome.compare for one field, without its generic steps (a national file has 320k such rows)
        if before is None:
            outcome = RowOutcome.new(
                row.number, subject, (Change(indicator_code, labels[indicator_code], "", after),), data
            )
        else:
            shown_before = _text(before, context.shown)
            if shown_before == after:
                outcome = RowOutcome.unchanged(row.number, subject, data=data)
            else:
                change = Change(indicator_code, labels[indicator_code], shown_before, after)
                outcome = RowOutcome.changed(row.number, subject, (change,), data)
        outcomes.append(outcome)
    return outcomes


def _wide_outcomes(rows: Table, context: _Context, codes: list[str]) -> list[RowOutcome]:
    outcomes, seen = [], {}
    for row in rows:
        code = row.values.get("town_code", "").strip()
        problems = context.town_problems(code)
        values: dict[str, Decimal] = {}
        for indicator_code in codes:
            raw = row.values.get(indicator_code, "").strip()
            if not raw:
                continue
            indicator = context.indicators[indicator_code]
            problem, points = context.points(raw, indicator)
            if problem:
                problems.append(f"{indicator.code} {indicator.name}：{problem}")
            else:
                values[indicator_code] = points
        if code in seen:
            problems.append(f"与第 {seen[code]} 行重复：每个镇只能有一行")
        else:
            seen[code] = row.number
        subject = context.subject(code)
        if problems:
            outcomes.append(RowOutcome.error(row.number, "；".join(problems), subject))
            continue
        if not values:
            outcomes.append(
                RowOutcome.unchanged(row.number, subject, "未填得分", data=(code, context.name(code), {}))
            )
            continue
        fields = []
        for indicator_code, points in values.items():
            indicator = context.indicators[indicator_code]
            before = context.existing.get((code, indicator_code))
            fields.append(
                (
                    indicator_code,
                    f"{indicator.code} {indicator.name}",
                    _text(before, context.shown),
                    _text(points, context.shown),
                )
            )
        exists = any((code, indicator_code) in context.existing for indicator_code in values)
        outcomes.append(
            RowOutcome.compare(
                row.number, subject, fields, exists=exists, data=(code, context.name(code), values)
            )
        )
    return outcomes
