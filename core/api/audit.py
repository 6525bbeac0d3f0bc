"""GET /api/v1/audit/ (the audit log of data changes) and GET /api/v1/security-events/: read-only, for the
audit administrator and the auditor (core.permission_map); others get 403. No route writes or deletes them."""

from auditlog.models import LogEntry
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission

from core import audit_display
from core.filtersets import LogEntryFilterSet, SecurityEventFilterSet, audit_entries, security_events
from core.list_exports import AUDIT_READERS_ONLY, SECURITY_EVENT_READERS_ONLY
from core.models import SecurityEvent
from core.scoping import can_read_audit_log, can_read_security_events


class ReadsAuditLog(BasePermission):
    message = AUDIT_READERS_ONLY

    def has_permission(self, request, view):
        return can_read_audit_log(request.user)


class ReadsSecurityEvents(BasePermission):
    message = SECURITY_EVENT_READERS_ONLY

    def has_permission(self, request, view):
        return can_read_security_events(request.user)


class LogEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(label="操作人")
    action_label = serializers.SerializerMethodField(label="操作")
    object_type = serializers.SerializerMethodField(label="对象类型")
    via = serializers.SerializerMethodField(label="渠道")

    class Meta:
        model = LogEntry
        fields = [
            "id",
            "timestamp",
            "actor",
            "via",
            "action",
            "action_label",
            "object_type",
            "object_pk",
            "object_repr",
            "changes",
            "remote_addr",
        ]
        read_only_fields = fields

    def get_actor(self, entry) -> str:
        return audit_display.actor_label(entry)

    def get_action_label(self, entry) -> str:
        return audit_display.action_label(entry)

    def get_object_type(self, entry) -> str:
        return audit_display.object_type_label(entry)

    def get_via(self, entry) -> str:
        return audit_display.via_label(entry)


class SecurityEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="事件名称")

    class Meta:
        model = SecurityEvent
        fields = [
            "id",
            "occurred_at",
            "kind",
            "kind_label",
            "user_id",
            "username",
            "remote_addr",
            "user_agent",
            "method",
            "path",
            "details",
        ]
        read_only_fields = fields


class AuditLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """审计日志（数据变更记录），只读。"""

    serializer_class = LogEntrySerializer
    filterset_class = LogEntryFilterSet
    permission_classes = [ReadsAuditLog]
    queryset = LogEntry.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return audit_entries()


class SecurityEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """安全事件（登录、锁定、令牌、合作机构读取、拒绝访问等），只读。"""

    serializer_class = SecurityEventSerializer
    filterset_class = SecurityEventFilterSet
    permission_classes = [ReadsSecurityEvents]
    queryset = SecurityEvent.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return security_events()
