"""The filters of core's lists (audit log, security events, notifications, jobs), shared by each page, its API and
its export."""

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Value, When

from .audit import ACTION_LABELS, Via
from .choices import JobState, NotificationKind, SecurityEventKind
from .models import Job, Notification, SecurityEvent
from .sorting import Sorts, by


def audited_model_choices():
    """(content type id, 中文名称) of every audited model."""
    models = sorted(auditlog.get_models(), key=lambda model: model._meta.label)
    content_types = ContentType.objects.get_for_models(*models)
    return [(str(content_types[model].pk), str(model._meta.verbose_name)) for model in models]


class LogEntryFilterSet(django_filters.FilterSet):
    model = django_filters.ChoiceFilter(
        label="对象类型", choices=[], method="filter_model", empty_label="全部"
    )
    action = django_filters.ChoiceFilter(
        label="操作", choices=[(str(key), label) for key, label in ACTION_LABELS.items()], empty_label="全部"
    )
    actor = django_filters.CharFilter(
        label="操作人用户名", field_name="actor__username", lookup_expr="icontains"
    )
    date_from = django_filters.DateFilter(label="起始日期", field_name="timestamp", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label="截止日期", field_name="timestamp", lookup_expr="date__lte")
    via = django_filters.ChoiceFilter(
        label="渠道", choices=Via.choices, method="filter_via", empty_label="全部"
    )

    class Meta:
        model = LogEntry
        fields = ["model", "action", "actor", "date_from", "date_to", "via"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Content type ids differ between databases: read them per request (cached by ContentType).
        model_filter = self.filters["model"]
        model_filter.extra["choices"] = audited_model_choices()
        # A field built before (the API schema's generator builds the class's, GET /api/v1/audit/) would be
        # deep-copied with its empty choices: build this request's afresh.
        model_filter.__dict__.pop("_field", None)

    def filter_model(self, queryset, name, value: str):
        return queryset.filter(content_type_id=int(value))

    def filter_via(self, queryset, name, value: str):
        return queryset.filter(additional_data__via=value)


def audit_entries():
    """Every audit entry, newest first, with actor and content type fetched in the same query."""
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")


class NotificationFilterSet(django_filters.FilterSet):
    """A user's own notifications: unread only, one kind (the page and GET /api/v1/notifications/)."""

    unread = django_filters.BooleanFilter(label="仅未读", field_name="read_at", lookup_expr="isnull")
    kind = django_filters.ChoiceFilter(label="类别", choices=NotificationKind.choices, empty_label="全部")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


# --- sort keys of the audit log and of the notifications (core.sorting): newest first by default -----------

AUDIT_SORTS = Sorts(
    {
        "time": by("timestamp", "id"),
        "actor": "actor__username",
        "via": "additional_data__via",
        "action": "action",
        "type": "content_type__model",
        "object": "object_repr",
    },
    default="-time",
    tiebreak=("-id",),
    labels={
        "time": "时间",
        "actor": "操作人",
        "via": "渠道",
        "action": "操作",
        "type": "对象类型",
        "object": "对象",
    },
)

_UNREAD_FIRST = Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
NOTIFICATION_SORTS = Sorts(
    {
        "time": by("created_at", "id"),
        "unread": by(expressions=[_UNREAD_FIRST]),
        "kind": by("kind", ranked=NotificationKind.values),
        "title": "title",
    },
    default="-time",
    tiebreak=("-created_at", "-id"),
    labels={"time": "时间", "unread": "阅读状态", "kind": "类别", "title": "标题"},
)


class JobFilterSet(django_filters.FilterSet):
    """Tracked jobs (我的任务 and GET /api/v1/jobs/): by state, by kind, and the caller's own or all they may see."""

    state = django_filters.ChoiceFilter(label="状态", choices=JobState.choices, empty_label="全部")
    kind = django_filters.CharFilter(label="类型", field_name="kind")
    mine = django_filters.BooleanFilter(label="仅本人发起", method="filter_mine")

    class Meta:
        model = Job
        fields = ["state", "kind", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(started_by=user) if value else queryset.exclude(started_by=user)


JOB_SORTS = Sorts(
    {
        "time": by("created_at", "id"),
        "state": by("state", ranked=JobState.values),
        "title": "title",
        "finished": by("finished_at", "id"),
    },
    default="-time",
    tiebreak=("-created_at", "-id"),
    labels={"time": "提交时间", "state": "状态", "title": "任务", "finished": "结束时间"},
)


class SecurityEventFilterSet(django_filters.FilterSet):
    """Security events (the page /audit/security/, its export and GET /api/v1/security-events/)."""

    kind = django_filters.ChoiceFilter(label="事件", choices=SecurityEventKind.choices, empty_label="全部")
    username = django_filters.CharFilter(label="用户名", field_name="username", lookup_expr="icontains")
    remote_addr = django_filters.CharFilter(
        label="IP 地址", field_name="remote_addr", lookup_expr="startswith"
    )
    date_from = django_filters.DateFilter(label="起始日期", field_name="occurred_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(label="截止日期", field_name="occurred_at", lookup_expr="date__lte")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username", "remote_addr", "date_from", "date_to"]


def security_events():
    return SecurityEvent.objects.order_by("-occurred_at", "-id")


SECURITY_EVENT_SORTS = Sorts(
    {
        "time": by("occurred_at", "id"),
        "kind": by("kind", ranked=SecurityEventKind.values),
        "user": "username",
        "addr": "remote_addr",
    },
    default="-time",
    tiebreak=("-id",),
    labels={"time": "时间", "kind": "事件", "user": "用户名", "addr": "IP 地址"},
)
