"""Forms of the project pages. They only collect what the county typed: money is passed to the services as
the raw text (projects.services validates it and refuses with a Chinese message); the computed flags
(省级重点支持, 推荐债券类型) are never fields."""

from django import forms
from django.utils import timezone

from core.forms import VersionField
from core.vocabulary import label
from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier

from .choices import TASK_AREAS, TASK_GROUPS, PeriodType
from .rules import period, period_of

GROUP_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
DOC_NO_MAX = 100


def task_area_choices():
    """T01–T15 grouped by the 5 task groups (R4), from the vocabulary: no query."""
    return [
        (
            f"{GROUP_NUMERALS[group]}、{group_name}",
            [(code, f"{code} {name}") for code, area_group, name in TASK_AREAS if area_group == group],
        )
        for group, group_name in TASK_GROUPS.items()
    ]


def money_input(placeholder="0.00"):
    return forms.TextInput(attrs={"inputmode": "decimal", "placeholder": placeholder, "autocomplete": "off"})


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ProjectTownField(forms.ModelChoiceField):
    def label_from_instance(self, town):
        tier = label(Tier, town.active_tier, empty="")
        return f"{town.name}（{town.code}，{tier}示范镇）"


class ProjectForm(forms.Form):
    """A project's declared fields (R5). `town` only when creating; a project never changes town."""

    town = ProjectTownField(
        label="所在镇",
        queryset=None,
        empty_label="请选择",
        help_text="本县（市、区）持有有效示范镇认定的建制镇。",
        error_messages={"required": "请选择所在镇。", "invalid_choice": "请选择本县（市、区）的示范镇。"},
    )
    task_area = forms.ChoiceField(
        label="任务领域",
        choices=[("", "请选择"), *task_area_choices()],
        error_messages={"required": "请选择任务领域。"},
    )
    name = forms.CharField(label="项目名称", max_length=200, error_messages={"required": "请填写项目名称。"})
    public_welfare = forms.BooleanField(label="公益性项目", required=False)
    special_bond_field = forms.BooleanField(
        label="属于专项债券投向领域",
        required=False,
        help_text="由县（市、区）申报。",
    )
    investment = forms.CharField(
        label="总投资", required=False, widget=money_input(), help_text="单位：万元，最多两位小数。"
    )
    annual_revenue = forms.CharField(
        label="预期年收益", required=False, widget=money_input(), help_text="无收益填 0。"
    )
    annual_debt_service = forms.CharField(
        label="年还本付息", required=False, widget=money_input(), help_text="不举债填 0。"
    )
    start_year = forms.IntegerField(
        label="开工年度",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"required": "请填写开工年度。", "invalid": "请填写四位年份。"},
    )
    end_year = forms.IntegerField(
        label="完工年度",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"required": "请填写完工年度。", "invalid": "请填写四位年份。"},
    )
    planning_approval_date = forms.DateField(label="规划批复日期", required=False, widget=date_input())
    planning_approval_doc_no = forms.CharField(label="规划批复文号", max_length=DOC_NO_MAX, required=False)
    design_approval_date = forms.DateField(label="设计批复日期", required=False, widget=date_input())
    design_approval_doc_no = forms.CharField(label="设计批复文号", max_length=DOC_NO_MAX, required=False)
    # The version the form was opened at: a project changed since is refused instead of overwritten.
    version = VersionField()

    MONEY_FIELDS = ("investment", "annual_revenue", "annual_debt_service")
    DECLARED_FIELDS = (
        "name",
        "task_area",
        "public_welfare",
        "special_bond_field",
        *MONEY_FIELDS,
        "start_year",
        "end_year",
        "planning_approval_date",
        "planning_approval_doc_no",
        "design_approval_date",
        "design_approval_doc_no",
    )

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if towns is None:
            del self.fields["town"]
        else:
            self.fields["town"].queryset = towns
            del self.fields["version"]  # a new project has none

    @classmethod
    def initial_for(cls, project):
        initial = {name: getattr(project, name) for name in cls.DECLARED_FIELDS}
        initial["task_area"] = project.task_area_id
        initial["version"] = project.version
        for name in cls.MONEY_FIELDS:
            initial[name] = f"{getattr(project, name):.2f}"
        return initial

    @classmethod
    def blank_initial(cls):
        year = timezone.localdate().year
        return {"annual_revenue": "0.00", "annual_debt_service": "0.00", "start_year": year, "end_year": year}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", "完工年度不能早于开工年度。")
        return cleaned

    def data_for_service(self):
        """The declared fields as the services take them (money as typed; they validate it)."""
        data = {name: self.cleaned_data[name] for name in self.DECLARED_FIELDS}
        for name in ("name", "planning_approval_doc_no", "design_approval_doc_no"):
            data[name] = data[name].strip()
        return data


class StatusForm(forms.Form):
    """A status change from the project page: the new status, the version the page showed and, for 已完工
    without a 100% report, the completion note (R5)."""

    status = forms.CharField(max_length=24, required=False)
    version = forms.IntegerField(required=False, min_value=1)
    completion_note = forms.CharField(
        label="完工说明",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="最近一期进度报送的形象进度未达 100%（或尚未报送）即转为已完工时必填，记入项目。",
        error_messages={"max_length": "完工说明不能超过 500 字。"},
    )


class ReportForm(forms.Form):
    """A progress report (月/季 调度); the service checks the figures against the project and its reports."""

    period_type = forms.ChoiceField(label="报送周期", choices=PeriodType.choices)
    year = forms.IntegerField(
        label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX, error_messages={"required": "请填写年度。"}
    )
    number = forms.IntegerField(
        label="月份或季度",
        min_value=1,
        max_value=12,
        error_messages={"required": "请填写月份或季度。"},
        help_text="月度填 1–12，季度填 1–4。",
    )
    cumulative_investment = forms.CharField(
        label="累计完成投资", widget=money_input(), error_messages={"required": "请填写累计完成投资。"}
    )
    percent_complete = forms.CharField(
        label="形象进度",
        widget=money_input("0–100"),
        error_messages={"required": "请填写形象进度。"},
    )
    narrative = forms.CharField(
        label="进展情况", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    @classmethod
    def current_initial(cls, kind):
        current = period_of(timezone.localdate(), kind)
        return {"period_type": current.kind, "year": current.year, "number": current.number}


class PeriodForm(forms.Form):
    """Which reporting period the unreported-projects page looks at."""

    period_type = forms.ChoiceField(label="报送周期", choices=PeriodType.choices)
    year = forms.IntegerField(label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX)
    number = forms.IntegerField(label="月份或季度", min_value=1, max_value=12)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                cleaned["period"] = period(cleaned["period_type"], cleaned["year"], cleaned["number"])
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return cleaned


class YearForm(forms.Form):
    year = forms.IntegerField(
        label="年度（建设期内）", min_value=YEAR_MIN, max_value=YEAR_MAX, required=False
    )
