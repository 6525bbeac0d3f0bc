"""Forms of the selection pages (R3): rounds, the basic information of a candidate, its documents."""

from django import forms

from core.forms import VersionField
from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier
from towns.models import Town

from .choices import DocumentKind
from .models import Submission


class RoundForm(forms.Form):
    name = forms.CharField(label="批次名称", max_length=120)
    tiers = forms.MultipleChoiceField(
        label="评选层级",
        choices=Tier.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择评选层级。"},
    )
    deadline = forms.DateField(
        label="申报截止日期",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="截止日当天（北京时间）仍可上报。",
    )
    year = forms.IntegerField(
        label="认定年度",
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        help_text="入选后认定的起始年度；留空取截止日期所在年度。",
    )
    # The version the form was opened at: a round changed since is refused instead of overwritten.
    version = VersionField()

    @classmethod
    def initial_for(cls, selection_round):
        return {
            "name": selection_round.name,
            "tiers": selection_round.tiers,
            "deadline": selection_round.deadline,
            "year": selection_round.year,
            "version": selection_round.version,
        }


class SubmissionForm(forms.ModelForm):
    """The basic information of a candidate (R3); the services decide whether it may be saved."""

    # The version the form was opened at (a new draft has none): a draft changed since is refused.
    version = VersionField()

    class Meta:
        model = Submission
        fields = [*Submission.INFORMATION_FIELDS, "industrial_park", *Submission.PRIORITY_FACTORS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def information(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    @classmethod
    def current_of(cls, submission):
        """The draft's information as it is now, field by field (shown beside a refused stale save)."""
        return {name: getattr(submission, name) for name in cls.Meta.fields}


class CandidateTownField(forms.ModelChoiceField):
    def label_from_instance(self, town):
        current = f"，现为{Tier(town.active_tier).label}示范镇" if town.active_tier else ""
        return f"{town.name}（{town.code}{current}）"


class SubmissionCreateForm(SubmissionForm):
    town = CandidateTownField(
        label="候选镇",
        queryset=Town.objects.none(),
        empty_label="请选择",
        help_text="本县（市、区）的建制镇；已有同级或更高层级有效认定、或本批次已申报的镇不在列表中。",
    )
    tier = forms.ChoiceField(label="申报层级")

    field_order = ["town", "tier"]

    def __init__(self, *args, towns, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns
        self.fields["tier"].choices = [(tier, Tier(tier).label) for tier in tiers]


class DocumentUploadForm(forms.Form):
    """The two plan documents; each file is checked by its content in the service (core.files)."""

    ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in DocumentKind:
            self.fields[kind.value] = forms.FileField(
                label=kind.label,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": self.ACCEPT}),
                error_messages={"empty": "上传的文件是空的。"},
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(kind) for kind in DocumentKind.values):
            raise forms.ValidationError("请选择要上传的文件。")
        return cleaned

    def uploads(self):
        return [
            (kind, self.cleaned_data[kind]) for kind in DocumentKind.values if self.cleaned_data.get(kind)
        ]
