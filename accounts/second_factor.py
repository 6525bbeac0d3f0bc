"""The second factor (等保 身份鉴别): TOTP devices, one-time backup codes, the login's second step, resets.

Built on django-otp: a TOTPDevice per user (enrolled from the QR code, confirmed by a first code) and a
StaticDevice holding the backup codes (the same device django-otp's `addstatictoken` adds to, so an operator's
code is accepted by the same second step). The session records where the login stands (SESSION_STATE), set at
login and read by accounts.middleware.LoginStepsMiddleware without a query.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.choices import SecurityEventKind
from core.errors import DomainError
from core.roles import TWO_FACTOR_ROLES
from core.security_log import record_security_event

from .models import SessionEnd, User
from .sessions import end_sessions

SESSION_STATE = "portal_second_factor"
VERIFIED = "verified"  # passed the second step, or enrolled in this session
PENDING = "pending"  # has a device: must give a code before anything else
ENROL = "enrol"  # a role that needs a second factor and has no device: must enrol before anything else
NOT_REQUIRED = "none"

TOTP_NAME = "动态口令"
BACKUP_NAME = "备用码"


def _usable_devices(user: User):
    """Confirmed TOTP devices, and static devices that still hold a code."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True)
    static = StaticDevice.objects.filter(user=user, confirmed=True, token_set__isnull=False).distinct()
    return totp, static


def has_usable_device(user: User) -> bool:
    totp, static = _usable_devices(user)
    return totp.exists() or static.exists()


def has_totp_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def state_at_login(user: User) -> str:
    """What the login must still do after the password: a code for a user with a device, an enrolment for a
    role that needs a second factor (core.roles.TWO_FACTOR_ROLES), nothing for the others."""
    if has_usable_device(user):
        return PENDING
    if user.role in TWO_FACTOR_ROLES:
        return ENROL
    return NOT_REQUIRED


def mark_verified(request, device=None) -> None:
    """The session has passed the second factor (django_otp.login stores the device, so request.user
    .otp_device names it on later requests)."""
    if device is not None:
        otp_login(request, device)
    request.session[SESSION_STATE] = VERIFIED


def normalize(token: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, backup codes are lower-case."""
    return "".join((token or "").split()).replace("-", "").lower()


def verify_code(request, user: User, token: str):
    """The login's second step: a TOTP code or one backup code (used up). Returns the device, or None; every
    try is recorded (OTP_VERIFIED / OTP_FAILED). django-otp throttles a device after failures, so a code is
    tried on the one kind of device it can be for: six digits on the TOTP device, anything else on the
    backup codes (a backup code's try does not slow down the next TOTP code)."""
    token = normalize(token)
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    device = None
    if token:
        with transaction.atomic():
            for candidate in model.objects.devices_for_user(user, confirmed=True).select_for_update():
                allowed, _ = candidate.verify_is_allowed()
                if allowed and candidate.verify_token(token):
                    device = candidate
                    break
    if device is None:
        record_security_event(SecurityEventKind.OTP_FAILED, request=request, user=user)
        return None
    kind = "backup_code" if isinstance(device, StaticDevice) else "totp"
    record_security_event(SecurityEventKind.OTP_VERIFIED, request=request, user=user, device=kind)
    return device


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device of an enrolment under way (its secret is shown until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (no script, no external image: the CSP allows neither)."""
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(request, user: User, token: str) -> list[str] | None:
    """Confirm the enrolment under way with its first code: the device becomes the user's only TOTP device,
    the session counts as verified, and backup codes are issued when the user has none. Returns the new
    backup codes ([] when the user kept theirs); raises DomainError on a wrong code."""
    token = normalize(token)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        )
        if device is None:
            raise DomainError("绑定已过期，请刷新页面重新扫描二维码。")
        right = token.isdigit() and device.verify_token(token)
        if right:
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            record_security_event(SecurityEventKind.OTP_ENROLLED, request=request, user=user)
            codes = [] if backup_codes_left(user) else issue_backup_codes(user, request=request)
        else:
            # Committed, not rolled back with an exception: the failure is recorded and throttles the device.
            record_security_event(SecurityEventKind.OTP_FAILED, request=request, user=user, step="enrol")
    if not right:
        raise DomainError("动态口令不正确，请确认手机时间准确后输入应用中当前显示的 6 位数字。")
    mark_verified(request, device)
    return codes


def issue_backup_codes(user: User, *, request=None, codes: list[str] | None = None) -> list[str]:
    """Replace the user's backup codes with OTP_BACKUP_CODES new ones (or the given ones: the demo's) and
    return them: they are shown once and stored as django-otp keeps them."""
    codes = codes or [StaticToken.random_token() for _ in range(settings.OTP_BACKUP_CODES)]
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        record_security_event(
            SecurityEventKind.BACKUP_CODES_ISSUED, request=request, user=user, count=len(codes)
        )
    return codes


def reset_second_factor(actor: User | None, user: User, *, request=None) -> int:
    """Remove every device of the user (a lost phone, a new one) and end the user's sessions: at the next
    login a role that needs a second factor enrols again. actor None is an operator's command. Returns the
    number of devices removed. Audited as OTP_RESET."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
        end_sessions(user, SessionEnd.SECOND_FACTOR_RESET)
        record_security_event(
            SecurityEventKind.OTP_RESET,
            request=request,
            user=user,
            devices=removed,
            by=actor.get_username() if actor is not None else "command",
        )
    return removed


def session_device_id(request) -> str | None:
    return request.session.get(DEVICE_ID_SESSION_KEY)
