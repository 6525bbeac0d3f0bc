from django import forms
from django.utils import timezone

from core.years import YEAR_MAX, YEAR_MESSAGES, YEAR_MIN

from .choices import Tier, TierChange
from .rules import DOC_NO_MAX

# --- R2 tier changes outside a round ----------------------------------------------------------------


class TierChangeForm(forms.Form):
    # The messages are the API's too (towns.api.serializers.TierChangeSerializer).
    change = forms.ChoiceField(
        label="调整类型",
        choices=TierChange.choices,
        error_messages={"invalid_choice": "未知操作“%(value)s”。"},
    )
    new_tier = forms.ChoiceField(
        label="新层级",
        choices=[("", "—（撤销认定时不填）"), *Tier.choices],
        required=False,
        error_messages={"invalid_choice": "层级“%(value)s”无效，应为 provincial、city、county。"},
    )
    year = forms.IntegerField(
        label="年度", min_value=YEAR_MIN, max_value=YEAR_MAX, error_messages=YEAR_MESSAGES
    )
    doc_no = forms.CharField(
        label="文号",
        max_length=DOC_NO_MAX,
        error_messages={"required": "层级调整须填写文号。", "max_length": f"文号超过 {DOC_NO_MAX} 个字符。"},
        widget=forms.TextInput(attrs={"placeholder": "如 吉示范镇办〔2025〕3号"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("change") in (TierChange.PROMOTE, TierChange.CHANGE)
            and not cleaned.get("new_tier")
            and "new_tier" not in self.errors
        ):
            self.add_error("new_tier", "请选择新的层级。")
        if cleaned.get("change") == TierChange.WITHDRAW:
            cleaned["new_tier"] = ""
        return cleaned
