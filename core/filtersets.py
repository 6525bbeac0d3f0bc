"""The audit log's filters, shared by the page and its export."""

import django_filters
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from .audit import ACTION_LABELS, Via
from .choices import NotificationKind
from .models import Notification


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
        self.filters["model"].extra["choices"] = audited_model_choices()

    def filter_model(self, queryset, name, value):
        return queryset.filter(content_type_id=int(value))

    def filter_via(self, queryset, name, value):
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
