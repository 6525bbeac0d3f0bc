from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .money import MAX_MONEY

money_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MONEY)]
year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


def money_field(verbose_name, **kwargs):
    """A sum in 万元, two decimals, 0 … 10,000,000."""
    return models.DecimalField(
        verbose_name, max_digits=12, decimal_places=2, validators=money_validators, **kwargs
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class Notification(models.Model):
    """An in-app notice to one user (reminders, decisions). dedupe_key keeps a re-run job from repeating it."""

    user = models.ForeignKey(
        "accounts.User", verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    kind = models.CharField("类别", max_length=40, blank=True)
    dedupe_key = models.CharField("去重键", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="one_notice_per_key"
            ),
        ]

    def __str__(self):
        return self.title
