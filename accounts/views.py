"""Login (password, then the second factor), logout, 账户安全 (second factor, backup codes, password), and the
API token pages: 我的 API 令牌 for everyone, 全部 API 令牌 for the security administrator.

The lockout after repeated failures is django-axes' (accounts.lockout); the session rules are
accounts.sessions and accounts.middleware; the second factor's services are accounts.second_factor.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from core.choices import SecurityEventKind
from core.counting import ListPaginator
from core.errors import DomainError
from core.permission_map import may_manage_all_tokens
from core.security_log import record_security_event

from . import second_factor
from .forms import ApiTokenForm, EnrolmentForm, LoginForm, PasswordChangeForm, SecondFactorForm
from .models import ApiToken, SessionEnd
from .passwords import password_changed_at
from .selectors import region_by_code
from .services import issue_token, revoke_token
from .sessions import end_sessions
from .signals import PASSWORD_EXPIRED

TOKEN_PAGE_SIZE = 50
OTP_WRONG = "动态口令或备用码不正确（动态口令每 30 秒更新，请输入当前显示的 6 位数字）。"


def _next_url(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        # The password was right; what the login still needs is the next page, carrying where it leads.
        url = super().get_success_url()
        state = self.request.session.get(second_factor.SESSION_STATE)
        if state == second_factor.PENDING:
            return reverse("second-factor-verify") + "?" + urlencode({"next": url})
        if state == second_factor.ENROL:
            return reverse("second-factor-enrol") + "?" + urlencode({"next": url})
        return url


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); the next page says so. Every session of the user ends (accounts.signals)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出。")
        return response


@login_required
def verify_second_factor(request):
    """The login's second step: a TOTP code or one backup code."""
    if request.session.get(second_factor.SESSION_STATE) != second_factor.PENDING:
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify_code(request, request.user, form.cleaned_data["otp"])
        if device is not None:
            second_factor.mark_verified(request, device)
            if isinstance(device, second_factor.StaticDevice):
                left = second_factor.backup_codes_left(request.user)
                messages.warning(request, f"已使用一个备用码，剩余 {left} 个；可在“账户安全”中重新生成。")
            return redirect(_next_url(request))
        form.add_error("otp", OTP_WRONG)
    return render(
        request, "registration/second_factor.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
def enrol_second_factor(request):
    """Bind an authenticator app: the QR code (and the secret as text), confirmed by a first code. Forced
    after the password for the roles that need a second factor; optional from 账户安全 for the others."""
    state = request.session.get(second_factor.SESSION_STATE)
    if state == second_factor.PENDING:
        # A user with a device proves it first; re-binding is for a verified session.
        return redirect(reverse("second-factor-verify"))
    device = second_factor.pending_totp_device(request.user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.confirm_enrolment(request, request.user, form.cleaned_data["otp"])
        except DomainError as exc:
            form.add_error("otp", exc.message)
        else:
            messages.success(request, "动态口令已绑定，今后登录时在密码之后输入应用中的 6 位数字。")
            if codes:
                return render(
                    request,
                    "registration/backup_codes.html",
                    {"codes": codes, "next": _next_url(request, "account-security")},
                )
            return redirect(_next_url(request, "account-security"))
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_svg(device),
            "secret": second_factor.secret_text(device),
            "forced": state == second_factor.ENROL,
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )


@login_required
@require_POST
def regenerate_backup_codes(request):
    codes = second_factor.issue_backup_codes(request.user, request=request)
    return render(
        request, "registration/backup_codes.html", {"codes": codes, "next": reverse("account-security")}
    )


@login_required
def account_security(request):
    """账户安全: the second factor, backup codes, the password's date and the change link."""
    user = request.user
    return render(
        request,
        "registration/account_security.html",
        {
            "has_totp": second_factor.has_totp_device(user),
            "codes_left": second_factor.backup_codes_left(user),
            "required": user.role in second_factor.TWO_FACTOR_ROLES,
            "password_changed_at": password_changed_at(user),
        },
    )


@method_decorator(login_required, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change in Chinese. A change ends every session of the user, this one included:
    the next page is the login, with the new password."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["help_texts"] = password_validators_help_texts()
        context["expired"] = bool(self.request.session.get(PASSWORD_EXPIRED))
        return context

    def form_valid(self, form):
        user = form.save()
        record_security_event(SecurityEventKind.PASSWORD_CHANGED, request=self.request, user=user)
        end_sessions(user, SessionEnd.PASSWORD_CHANGED)
        self.request.session.flush()
        messages.success(self.request, "密码已修改，所有会话均已结束，请使用新密码重新登录。")
        return redirect("login")


@login_required
def token_list(request):
    """The user's own tokens, a form to issue one (its key shown once, on the page that issued it)."""
    issued_key = None
    form = ApiTokenForm(request.POST or None, initial={"days": settings.API_TOKEN_DEFAULT_DAYS})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = None
            if data["region"]:
                region = region_by_code(data["region"].strip())
                if region is None:
                    raise DomainError(f"区划代码 {data['region']} 不存在。")
            issued = issue_token(
                request.user,
                request.user,
                name=data["name"],
                days=data["days"],
                read_only=data["read_only"],
                region=region,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            issued_key = issued.key
            messages.success(request, f"已签发令牌“{issued.token.name}”。令牌只显示这一次，请立即复制保存。")
            form = ApiTokenForm(initial={"days": settings.API_TOKEN_DEFAULT_DAYS})
    tokens = ApiToken.objects.filter(user=request.user).select_related("region")
    context = {"form": form, "tokens": tokens, "issued_key": issued_key}
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    """Revoke one of the user's tokens (the security administrator: anyone's)."""
    try:
        token = revoke_token(request.user, pk, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销令牌“{token.name}”（{token.prefix}…）。")
    if request.POST.get("next") == "all" and may_manage_all_tokens(request.user.role):
        return redirect("token-admin-list")
    return redirect("token-list")


@login_required
def token_admin_list(request):
    """全部 API 令牌: every user's, for the security administrator, who may revoke them."""
    if not may_manage_all_tokens(request.user.role):
        raise PermissionDenied("只有安全管理员可以管理全部用户的 API 令牌。")
    tokens = ApiToken.objects.select_related("user", "region").order_by("-created_at", "-id")
    username = request.GET.get("username", "").strip()
    if username:
        tokens = tokens.filter(user__username__icontains=username)
    page = ListPaginator(tokens, TOKEN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/token_admin.html", {"page": page, "username": username})
