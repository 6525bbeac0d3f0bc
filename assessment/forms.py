"""Forms of the assessment pages (R7–R9). They only collect what the user typed: points are passed to the
services as the raw text (assessment.services validates them and refuses with a Chinese message)."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from core import formats
from core.errors import DomainError
from core.files import check_document
from core.forms import ContentVersionField, VersionField
from core.years import YEAR_MAX, YEAR_MIN
from projects.forms import date_input, money_input, task_area_choices
from towns.choices import Tier

from . import rules
from .choices import Grade

DEFAULT_DOC_PREFIX = "吉示范镇办"


class AssessmentYearForm(forms.Form):
    """Which year's assessment to open (a round is created on first visit)."""

    year = forms.IntegerField(
        label="年度",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"required": "请填写年度。", "invalid": "请填写四位年份。"},
    )


def _threshold(label):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        widget=money_input(),
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}应为 0–100 的数字。"},
    )


class SettingsForm(forms.Form):
    """The grade thresholds and the praise / criticism counts of the year's round (R7, R8)."""

    excellent_threshold = _threshold("优秀分数线")
    good_threshold = _threshold("良好分数线")
    pass_threshold = _threshold("合格分数线")
    top_count = forms.IntegerField(
        label="表扬名额（前 N 名）",
        min_value=1,
        max_value=100,
        error_messages={"required": "请填写表扬名额。"},
    )
    bottom_count = forms.IntegerField(
        label="批评名额（后 N 名）",
        min_value=1,
        max_value=100,
        error_messages={"required": "请填写批评名额。"},
    )

    # The settings' version the form was opened at: settings changed since are refused, not overwritten.
    version = VersionField()

    FIELDS = ("excellent_threshold", "good_threshold", "pass_threshold", "top_count", "bottom_count")

    @classmethod
    def initial_for(cls, assessment_round):
        initial = {name: getattr(assessment_round, name) for name in cls.FIELDS}
        initial["version"] = assessment_round.version
        return initial


class CopySystemForm(forms.Form):
    from_year = forms.TypedChoiceField(label="复制哪一年的指标体系", coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_year"].choices = [(year, f"{year} 年") for year in years]


class IndicatorForm(forms.Form):
    """One indicator of the year's system: code, name, task area (R4) and maximum points."""

    code = forms.CharField(label="指标代码", max_length=16)
    name = forms.CharField(label="指标名称", max_length=100)
    task_area = forms.ChoiceField(label="任务领域", choices=[("", "请选择"), *task_area_choices()])
    max_points = forms.DecimalField(
        label="满分",
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=6,
        decimal_places=2,
        widget=money_input("0.00"),
        error_messages={"invalid": "满分应为数字，最多两位小数。"},
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_name(self):
        return self.cleaned_data["name"].strip()


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2, can_delete=True)


def indicator_rows(formset):
    """[(code, name, task area, max points)] of the filled, not deleted rows, as save_indicators takes them."""
    rows = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        data = form.cleaned_data
        rows.append((data["code"], data["name"], data["task_area"], data["max_points"]))
    return rows


class ScoreForm(forms.Form):
    """One input per indicator of the year's system, with its maximum; blank inputs are left unchanged.
    `version` is the sheet's points as the form was opened (core.concurrency.content_version)."""

    version = ContentVersionField()

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[indicator.code] = forms.CharField(
                label=f"{indicator.code} {indicator.name}",
                required=False,
                max_length=20,
                widget=money_input(f"0–{formats.points(indicator.max_points)}"),
                help_text=f"满分 {formats.points(indicator.max_points)} 分",
            )

    def points(self):
        return {code: value.strip() for code, value in self.cleaned_data.items() if code != "version"}


class VetoForm(forms.Form):
    """一票否决 (R7): the town, the item, the proving document's number and optionally the document."""

    town = forms.CharField(
        label="镇（区划代码）",
        max_length=9,
        error_messages={"required": "请选择或填写被否决的镇。"},
        help_text="填写 9 位区划代码，或从列表中选择本年度的示范镇。",
    )
    reason = forms.CharField(
        label="否决事项",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写一票否决事项。"},
        help_text="如：大拆大建等破坏性建设、砍伐或移植古树名木、拆除历史建筑、发生重大安全事故。",
    )
    doc_no = forms.CharField(label="证明文件文号", max_length=100, required=False)
    document = forms.FileField(
        label="证明文件",
        required=False,
        help_text="可选：PDF、Word 或 Excel 文件，不超过 20 MB。",
    )

    def clean_town(self):
        return self.cleaned_data["town"].strip()

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        data = upload.read()
        upload.seek(0)
        try:
            check_document(upload.name, data)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


def _notice_text(name, *, rows=None, help_text=""):
    """A text of the notice's publication parameters (rules.NoticeParameters), its default shown; left
    blank, the default (the 抄送 alone may be cleared: no copies)."""
    label = rules.NOTICE_LABELS[name]
    return forms.CharField(
        label=label,
        required=False,
        max_length=rules.NOTICE_TEXT_LIMITS[name],
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={"max_length": f"{label}不能超过 %(limit_value)d 个字（现有 %(show_value)d 个字）。"},
        help_text=help_text,
    )


class PublishForm(forms.Form):
    """The prefix of the numbers and what the notices issued show (GB/T 9704-2012), defaults filled in."""

    doc_prefix = forms.CharField(
        label="发文字号前缀",
        max_length=40,
        initial=DEFAULT_DOC_PREFIX,
        error_messages={"required": "请填写发文字号前缀，如 吉示范镇办。"},
        help_text="文号按成文年度顺序编号，如 吉示范镇办〔2025〕1号。",
    )
    issuer = _notice_text("issuer", help_text="红头（发文机关标志）与落款署名。")
    signed_on = forms.DateField(
        label="成文日期",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "成文日期格式不正确，如 2025-01-20。"},
        help_text="不晚于今天，留空为今天；文号的年份按成文日期。",
    )
    recipients = _notice_text("recipients", rows=2)
    copied_to = _notice_text("copied_to", rows=2, help_text="多个机关以逗号分隔；清空则不抄送。")
    printer = _notice_text("printer", help_text="留空则与发文机关相同。")
    printed_on = forms.DateField(
        label="印发日期",
        required=False,
        widget=date_input(),
        error_messages={"invalid": "印发日期格式不正确，如 2025-01-20。"},
        help_text="留空则与成文日期相同。",
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = rules.notice_parameters(today=today or timezone.localdate())
        for name in ("issuer", "signed_on", "recipients", "copied_to", "printer"):
            self.fields[name].initial = getattr(defaults, name)

    def parameters(self):
        """The service's keyword arguments (publish): a blank field takes its default (None), but a cleared
        抄送 means none; a form posted without the 抄送 field at all takes the default."""
        data = self.cleaned_data
        names = ("issuer", "signed_on", "recipients", "printer", "printed_on")
        given = {name: data[name] or None for name in names}
        given["copied_to"] = data["copied_to"] if "copied_to" in self.data else None
        return given


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="重新开放原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "重新开放须填写原因。"},
    )


TIER_CHOICES = [(tier.value, f"{tier.label}示范镇") for tier in Tier]
GRADE_CHOICES = [("", "全部"), *Grade.choices]


class RankingFilterForm(forms.Form):
    """The ranking table's filters: the tier ranked (provincial by default), a city, a grade."""

    tier = forms.ChoiceField(label="层级", choices=TIER_CHOICES, required=False)
    city = forms.ChoiceField(label="市（州）", required=False, choices=())
    grade = forms.ChoiceField(label="等次", choices=GRADE_CHOICES, required=False)

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "全部"), *((city.code, city.name) for city in cities)]

    def clean_tier(self):
        return self.cleaned_data["tier"] or Tier.PROVINCIAL


class TalkHeldForm(forms.Form):
    held_on = forms.DateField(
        label="约谈日期", widget=date_input(), error_messages={"required": "请填写约谈日期。"}
    )
    note = forms.CharField(
        label="约谈情况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExemptionForm(forms.Form):
    """免评 (R7): a designated town left out of the year's assessment, with the reason and the document."""

    town = forms.CharField(
        label="镇（区划代码）",
        max_length=9,
        error_messages={"required": "请选择或填写免评的镇。"},
        help_text="填写 9 位区划代码，或从列表中选择本年度尚未录入得分的示范镇。",
    )
    reason = forms.CharField(
        label="免评原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写免评原因。"},
    )
    doc_no = forms.CharField(label="文号", max_length=100, error_messages={"required": "请填写免评的文号。"})

    def clean_town(self):
        return self.cleaned_data["town"].strip()


class SimulationForm(forms.Form):
    """What-if (issue 8, point 8): settings, hypothetical vetoes, corrected points; nothing is saved."""

    excellent_threshold = _threshold("优秀分数线")
    good_threshold = _threshold("良好分数线")
    pass_threshold = _threshold("合格分数线")
    top_count = forms.IntegerField(label="表扬名额（前 N 名）", min_value=1, max_value=100)
    bottom_count = forms.IntegerField(label="批评名额（后 N 名）", min_value=1, max_value=100)
    vetoes = forms.CharField(
        label="假设一票否决的镇",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="区划代码，每行一个（或以逗号、空格分隔）。",
    )
    scores = forms.CharField(
        label="更正后的得分",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：区划代码 指标代码 得分，如 220112102 T01 9.5。",
    )

    def clean_vetoes(self):
        text = self.cleaned_data["vetoes"].replace("，", ",").replace(",", " ")
        return [code for code in text.split() if code]

    def clean_scores(self):
        corrected, problems = {}, []
        for number, line in enumerate(self.cleaned_data["scores"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3:
                problems.append(f"第 {number} 行应为“区划代码 指标代码 得分”")
                continue
            town, indicator, points = parts
            corrected.setdefault(town, {})[indicator.upper()] = points
        if problems:
            raise forms.ValidationError(problems)
        return corrected

    def settings(self):
        return {name: self.cleaned_data[name] for name in SettingsForm.FIELDS}
