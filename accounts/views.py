"""Login and logout pages (the lockout after repeated failures is django-axes', see accounts.lockout), and the
API token pages: 我的 API 令牌 for everyone, 全部 API 令牌 for the security administrator."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.permission_map import may_manage_all_tokens

from .forms import ApiTokenForm, LoginForm
from .models import ApiToken
from .selectors import region_by_code
from .services import issue_token, revoke_token

TOKEN_PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default); the next page says so."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出。")
        return response


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
    page = Paginator(tokens, TOKEN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/token_admin.html", {"page": page, "username": username})
