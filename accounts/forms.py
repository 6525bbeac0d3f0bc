from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form with the portal's Chinese labels and messages."""

    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入（密码区分大小写）。",
        "inactive": "该账户已停用，请联系省级管理员。",
    }


class ApiTokenForm(forms.Form):
    """我的 API 令牌: a new token's name, lifetime, read-only flag and optional region (a code)."""

    name = forms.CharField(label="名称", max_length=100, help_text="如“国开行数据对接”，便于日后辨认和吊销")
    days = forms.IntegerField(
        label="有效期（天）",
        min_value=1,
        initial=90,
        error_messages={"min_value": "有效期至少 1 天。", "invalid": "请输入天数（整数）。"},
    )
    read_only = forms.BooleanField(label="只读（只能读取数据）", required=False, initial=True)
    region = forms.CharField(
        label="限定地区（区划代码，可留空）",
        max_length=12,
        required=False,
        help_text="市（州）4 位或县（市、区）6 位代码，须在您的数据范围内；留空则与您的范围相同",
    )
