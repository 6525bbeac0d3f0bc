"""Forms of the funding pages (R6). Money and years travel as the strings the user typed: the services parse
them and refuse with a Chinese message, so a page says what the API and the commands say."""

from django import forms
from django.utils import timezone

from core.vocabulary import label
from projects.choices import BondType

from .choices import FundingSource

MONEY_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0.00"}


def _year_field(label="年度"):
    return forms.CharField(
        label=label,
        max_length=8,
        error_messages={"required": "请填写年度。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class QuotaForm(forms.Form):
    """A county's (or city's) new-debt quota for a year (R6), for province_admin."""

    region = forms.ChoiceField(
        label="地区",
        error_messages={
            "required": "请选择市（州）或县（市、区）。",
            "invalid_choice": "请选择市（州）或县（市、区）。",
        },
        help_text="县（市、区）的限额供其非市级示范镇的项目使用；市（州）本级的限额只供该市（州）市级示范镇的项目使用。",
    )
    year = _year_field()
    general_amount = forms.CharField(
        label="新增一般债务限额",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    special_amount = forms.CharField(
        label="新增专项债务限额",
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )
    # When adjusting a quota: "region:year:version" of the quota the form was opened with. A quota changed
    # since is refused; the version only counts for that region and year (the user may pick another).
    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, cities, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {region.code: region for region in [*cities, *counties]}
        groups = []
        for city in cities:
            options = [(city.code, f"{city.name}（市本级）")]
            options += [(county.code, county.name) for county in counties if county.parent_id == city.code]
            groups.append((city.name, options))
        self.fields["region"].choices = [("", "请选择"), *groups]
        self.fields["year"].initial = timezone.localdate().year

    def clean_region(self):
        return self.regions[self.cleaned_data["region"]]

    def clean(self):
        cleaned = super().clean()
        region, year = cleaned.get("region"), (cleaned.get("year") or "").strip()
        code, _, rest = (cleaned.get("opened") or "").partition(":")
        opened_year, _, version = rest.partition(":")
        matches = region is not None and code == region.code and opened_year == year
        cleaned["version"] = int(version) if matches and version.isdigit() else None
        return cleaned

    @staticmethod
    def opened_value(quota):
        return f"{quota.region_id}:{quota.year}:{quota.version}"


class ProjectChoiceField(forms.ModelChoiceField):
    """Projects annotated by projects.models.ProjectQuerySet.with_flags, with town and county."""

    def label_from_instance(self, project):
        bond = label(BondType, project.bond_type, empty="")
        return f"{project.name}（{project.town.county.name} {project.town.name}；推荐：{bond}）"


class AllocationForm(forms.Form):
    """An allocation of a source and amount to a project for a year (R6)."""

    project = ProjectChoiceField(
        label="项目",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择项目。", "invalid_choice": "请选择列表中的项目。"},
    )
    source = forms.ChoiceField(
        label="资金来源",
        choices=[("", "请选择"), *FundingSource.choices],
        error_messages={"required": "请选择资金来源。", "invalid_choice": "请选择列表中的资金来源。"},
        help_text="省级一般债券、省级专项债券占用当年的新增债务限额（市级示范镇的项目占用所在市（州）本级的限额，其他项目占用所在县（市、区）的限额），且须与项目推荐的债券类型一致。",
    )
    amount = forms.CharField(
        label="安排金额", max_length=32, required=False, widget=forms.TextInput(attrs=MONEY_ATTRS)
    )
    year = _year_field()
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["year"].initial = timezone.localdate().year
