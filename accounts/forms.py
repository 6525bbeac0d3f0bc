from axes.models import AccessAttempt
from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.utils import timezone

from core.security_log import client_address

CAPTCHA_MESSAGE = "验证码不正确，请重新输入图中的字符。"


def recent_failures(*, username: str = "", address: str | None = None) -> int:
    """Failed logins within the lockout's cool-off: of that username, or from that address, whichever is more
    (django-axes' own records, which a success for the username clears)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    counts = [0]
    if username:
        counts.append(recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0)
    if address:
        counts.append(recent.filter(ip_address=address).aggregate(n=Sum("failures_since_start"))["n"] or 0)
    return max(counts)


def captcha_required(request, username: str = "", *, by_address: bool = True) -> bool:
    """Whether the login must be proven human first: LOGIN_CAPTCHA_AFTER recent failures of the username, or
    (by_address) from the request's address."""
    address = client_address(request) if by_address else None
    return recent_failures(username=username, address=address) >= settings.LOGIN_CAPTCHA_AFTER


class LoginForm(AuthenticationForm):
    """Django's login form with the portal's Chinese labels and messages, and a captcha once the username (or
    the address) has LOGIN_CAPTCHA_AFTER recent failures: then a wrong or missing captcha refuses the login
    before authenticate() is called, so such a try is no failure django-axes counts towards the lockout."""

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

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = (self.data.get("username") or "").strip() if self.is_bound else ""
        if request is not None and captcha_required(request, username):
            self.fields["captcha"] = CaptchaField(
                label="验证码",
                widget=CaptchaTextInput(attrs={"autocomplete": "off", "class": "form-control"}),
                error_messages={"invalid": CAPTCHA_MESSAGE, "required": "请输入图中的验证码。"},
            )

    def clean(self):
        if "captcha" in self.fields and ("captcha" in self.errors or "captcha" not in self.cleaned_data):
            # No authenticate(): the try is refused before it could count towards anyone's lockout.
            return self.cleaned_data
        return super().clean()


class SecondFactorForm(forms.Form):
    otp = forms.CharField(
        label="动态口令或备用码",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "class": "form-control",
            }
        ),
        error_messages={"required": "请输入动态口令（6 位数字）或一个备用码。"},
    )


class EnrolmentForm(forms.Form):
    otp = forms.CharField(
        label="应用中显示的 6 位动态口令",
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-control",
            }
        ),
        error_messages={"required": "请输入应用中当前显示的 6 位数字。"},
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change in Chinese; the validators' messages are the portal's (settings)."""

    error_messages = {
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


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
