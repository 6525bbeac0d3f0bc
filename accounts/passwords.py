"""Password validators (AUTH_PASSWORD_VALIDATORS) and the password's age (ADR 11).

Every password set through User.set_password + save passes Django's password_changed hook, which calls
PasswordHistoryValidator.password_changed: the history (and so the age) is recorded whichever path set it —
the change page, create_user, the admin, the demo.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import PasswordHistory
from .rules import CHARACTER_CLASSES, character_classes, password_expired


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese message (Django 5.2 ships none for its new wording)."""

    def get_error_message(self):
        return f"密码太短，至少须有 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least min_classes of lower-case letters, upper-case letters, digits and symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            names = "、".join(name for name, _ in CHARACTER_CLASSES)
            raise ValidationError(
                f"密码须包含{names}中的至少 {self.min_classes} 类。",
                code="password_too_few_classes",
            )

    def get_help_text(self):
        return f"至少包含小写字母、大写字母、数字、符号中的 {self.min_classes} 类。"


class PasswordHistoryValidator:
    """Not one of the user's last `keep` passwords (the current one included)."""

    def __init__(self, keep: int = 5):
        self.keep = keep

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.keep]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                f"新密码不能与最近 {self.keep} 次使用过的密码相同。", code="password_reused"
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or not user.password:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        # Older rows than the history needs are of no use and are hashes of old passwords: drop them.
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return f"不能与最近 {self.keep} 次使用过的密码相同。"


def password_changed_at(user):
    """When the user's current password was set: the newest history row; an account older than the history
    (created before it was kept) counts from its creation."""
    latest = PasswordHistory.objects.filter(user=user).values_list("created", flat=True).first()
    return latest or user.date_joined


def is_password_expired(user, *, now=None) -> bool:
    return password_expired(
        changed_at=password_changed_at(user),
        now=now or timezone.now(),
        max_age_days=settings.PASSWORD_MAX_AGE_DAYS,
        role=user.role,
    )
