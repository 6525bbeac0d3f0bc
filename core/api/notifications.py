"""GET /api/v1/notifications/ (the caller's own, filters `unread` and `kind`), POST …/{id}/read/ and
POST …/read-all/. Another user's notification answers 404, like one that does not exist."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import notifications
from core.choices import NotificationKind
from core.filtersets import NotificationFilterSet
from core.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    # A notification may have no kind (the model allows blank): the schema says so.
    kind = serializers.ChoiceField(
        choices=NotificationKind.choices, allow_blank=True, read_only=True, label="类别"
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类别名称")
    unread = serializers.SerializerMethodField(label="未读")

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "link", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """站内通知：当前用户自己的通知，最新在前。"""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    queryset = Notification.objects.none()  # the schema's model; requests see only their own (below)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return notifications.notifications_of(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """标为已读。"""
        notification = notifications.mark_read(request.user, notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """全部标为已读。"""
        return Response({"marked": notifications.mark_all_read(request.user)})
