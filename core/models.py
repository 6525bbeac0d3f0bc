from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import (
    ACTIVE_JOB_STATES,
    DeliveryStatus,
    ImportState,
    JobState,
    NotificationKind,
    RowStatus,
    SecurityEventKind,
)
from .money import MAX_MONEY
from .years import YEAR_MAX, YEAR_MIN

money_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_MONEY)]
year_validators = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]


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
    """An in-app notification (站内通知) to one user (reminders, decisions); not a 通报, which is the
    assessment's Notice. dedupe_key keeps a re-run job from repeating it."""

    user = models.ForeignKey(
        "accounts.User", verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    kind = models.CharField("类别", max_length=40, choices=NotificationKind.choices, blank=True)
    dedupe_key = models.CharField("去重键", max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            # The constraint's name is the migrated one (from before notifications were called so).
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="one_notice_per_key"
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """One copy of a notification to send through one channel (e-mail today; SMS or 政务微信 are one adapter
    each). Written in the transaction that creates the notification and sent after it commits, so a rolled-back
    event sends nothing and a crashed sender leaves the row pending for the next sweep."""

    notification = models.ForeignKey(
        Notification, verbose_name="通知", on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField("渠道", max_length=20)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知发送记录"
        verbose_name_plural = "通知发送记录"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel"),
        ]
        indexes = [models.Index(fields=["status", "id"], name="outbox_pending")]

    def __str__(self):
        return f"{self.notification} · {self.channel}"


class DocumentSequence(models.Model):
    """The last number issued under one prefix in one year (吉示范镇办〔2024〕…); locked while a number is
    taken, so two publications at once queue up and never take the same one."""

    prefix = models.CharField("发文字号前缀", max_length=40)
    year = models.PositiveSmallIntegerField("年度", validators=year_validators)
    last_number = models.PositiveIntegerField("已用到的序号", default=0)

    class Meta:
        verbose_name = "发文字号序列"
        verbose_name_plural = "发文字号序列"
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_prefix_and_year")
        ]

    def __str__(self):
        return f"{self.prefix}〔{self.year}〕至 {self.last_number} 号"


class DocumentNumber(models.Model):
    """A document number (文号) the portal issued: unique per prefix and year, never reused or renumbered."""

    prefix = models.CharField("发文字号前缀", max_length=40)
    year = models.PositiveSmallIntegerField("年度", validators=year_validators)
    number = models.PositiveIntegerField("序号")
    doc_no = models.CharField("文号", max_length=100, unique=True)
    kind = models.CharField("文件类别", max_length=40)
    subject = models.CharField("事由", max_length=200, blank=True)
    issued_at = models.DateTimeField("取号时间", auto_now_add=True)

    class Meta:
        verbose_name = "已发文号"
        verbose_name_plural = "已发文号"
        ordering = ["prefix", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year", "number"], name="one_document_per_number"),
            models.CheckConstraint(name="document_number_positive", condition=models.Q(number__gte=1)),
        ]

    def __str__(self):
        return self.doc_no


class Job(models.Model):
    """A tracked job (core.jobs): work that takes longer than a page load — the assessment run, a large
    import or export, a reminder sweep — with its progress, its outcome and its result file.

    `scope_code` is the region whose data the job read ("" for the whole province): its result file is
    downloadable only by users whose scope covers it (core.scoping), whoever started it."""

    kind = models.CharField("类型", max_length=60)
    title = models.CharField("名称", max_length=200)
    parameters = models.JSONField("参数", default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    scope_code = models.CharField("数据范围", max_length=12, blank=True)
    state = models.CharField("状态", max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0, validators=[MaxValueValidator(100)])
    message = models.CharField("进度说明", max_length=300, blank=True)
    cancellable = models.BooleanField("可取消", default=False)
    cancel_requested_at = models.DateTimeField("请求取消时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    result = models.JSONField("结果摘要", default=dict, blank=True)
    result_name = models.CharField("结果文件", max_length=200, blank=True)
    result_size = models.PositiveBigIntegerField("结果文件大小（字节）", default=0)
    result_expired_at = models.DateTimeField("结果文件删除时间", null=True, blank=True)
    error = models.CharField("失败原因", max_length=500, blank=True)
    # The lease of the worker running it: claimed with a token, renewed by a heartbeat (core.lease).
    lease_token = models.UUIDField("任务令牌", null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["started_by", "-created_at"], name="job_owner_recent"),
            models.Index(fields=["state", "created_at"], name="job_state_created"),
        ]
        constraints = [
            models.CheckConstraint(name="job_state_valid", condition=models.Q(state__in=JobState.values)),
            models.CheckConstraint(name="job_progress_percent", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_state_display()}）"

    @property
    def is_active(self):
        return self.state in ACTIVE_JOB_STATES

    @property
    def has_result_file(self):
        return bool(self.result_name) and self.result_expired_at is None


class ImportBatch(models.Model):
    """An uploaded spreadsheet staged for a two-step import (core.imports): the file kept under
    settings.IMPORT_DIR, what its preview found, and what became of it. Nothing of the domain is written until
    it is confirmed; only its uploader sees it. Its file and rows are purged after IMPORT_RETENTION_DAYS."""

    kind = models.CharField("导入类型", max_length=60)
    title = models.CharField("名称", max_length=100)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="上传人", on_delete=models.CASCADE, related_name="import_batches"
    )
    params = models.JSONField("参数", default=dict, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    file_path = models.CharField(
        "暂存文件", max_length=300, blank=True
    )  # relative to IMPORT_DIR; "" once purged
    size = models.PositiveIntegerField("文件大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    state = models.CharField(
        "状态", max_length=12, choices=ImportState.choices, default=ImportState.PREVIEWED
    )
    rows_new = models.PositiveIntegerField("新增行数", default=0)
    rows_changed = models.PositiveIntegerField("修改行数", default=0)
    rows_unchanged = models.PositiveIntegerField("未变行数", default=0)
    rows_error = models.PositiveIntegerField("错误行数", default=0)
    digest = models.CharField("预览指纹", max_length=64, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    result = models.JSONField("导入结果", default=dict, blank=True)
    job = models.ForeignKey(
        "core.Job",
        verbose_name="后台任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    previewed_at = models.DateTimeField("预览时间", null=True, blank=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"], name="import_batch_uploader")]

    def __str__(self):
        return f"{self.title} · {self.file_name}"

    @property
    def row_count(self):
        return self.rows_new + self.rows_changed + self.rows_unchanged + self.rows_error

    @property
    def counts(self):
        return {
            RowStatus.NEW: self.rows_new,
            RowStatus.CHANGED: self.rows_changed,
            RowStatus.UNCHANGED: self.rows_unchanged,
            RowStatus.ERROR: self.rows_error,
        }


class ImportRow(models.Model):
    """One row of a staged import's preview, as it was shown: its status, the before and after of each changed
    field ([{field, label, before, after}]) and an error's reason."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name="导入批次", on_delete=models.CASCADE, related_name="rows"
    )
    number = models.PositiveIntegerField("行号")
    status = models.CharField("结果", max_length=10, choices=RowStatus.choices)
    subject = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更", default=list, blank=True)
    message = models.TextField("原因", blank=True)

    class Meta:
        verbose_name = "导入预览行"
        verbose_name_plural = "导入预览行"
        ordering = ["batch_id", "number", "id"]
        indexes = [models.Index(fields=["batch", "status", "number"], name="import_row_status")]

    def __str__(self):
        return f"第 {self.number} 行 · {self.get_status_display()}"


class SecurityEvent(models.Model):
    """One security event (等保 安全审计): append-only, like auditlog's entries of data changes.

    The user is kept as a plain id and a username, not a foreign key: an audit record outlives any change to the
    account and is never rewritten by one (no ON DELETE SET NULL on an audit table)."""

    kind = models.CharField("事件", max_length=32, choices=SecurityEventKind.choices)
    occurred_at = models.DateTimeField("时间", default=timezone.now)
    user_id = models.BigIntegerField("用户 ID", null=True, blank=True)
    username = models.CharField("用户名", max_length=150, blank=True)
    remote_addr = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.CharField("路径", max_length=500, blank=True)
    details = models.JSONField("详情", default=dict, blank=True)

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="security_event_time"),
            models.Index(fields=["user_id", "kind", "occurred_at"], name="security_event_user_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"


class AuditSeal(models.Model):
    """One link of the audit chain (等保 安全审计, issue 12 point 4; ADR 13): the hash of one audit record —
    a data change (auditlog's LogEntry) or a security event — chained to the link before it.

    A side table rather than columns, because LogEntry is django-auditlog's model. One chain runs across both
    tables, in the order the records were written (the writer holds an advisory lock until it commits), so
    `verify_audit` finds a record rewritten, removed or slipped in by hand in either table. Append-only like
    the records it seals (scripts/sql/audit-append-only.sql)."""

    entry_table = models.CharField("记录表", max_length=40)
    entry_id = models.BigIntegerField("记录 ID")
    sealed_at = models.DateTimeField("封存时间", default=timezone.now)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    class Meta:
        verbose_name = "审计链"
        verbose_name_plural = "审计链"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry_table", "entry_id"], name="audit_seal_one_per_entry"),
        ]
        indexes = [models.Index(fields=["sealed_at"], name="audit_seal_time")]

    def __str__(self):
        return f"{self.entry_table}#{self.entry_id}"
