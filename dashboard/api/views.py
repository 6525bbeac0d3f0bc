"""GET /api/v1/todo/: the caller's to-do list, the same items as the /towns/inbox/ page (dashboard.todo)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from ..todo import todo_items
from .serializers import TodoItemSerializer, TodoListSerializer


class WholeListSchema(AutoSchema):
    """The list answers one object (count and every item), not a page nor a bare array."""

    def _is_list_view(self, serializer=None):
        return False


class TodoViewSet(viewsets.ViewSet):
    """待办事项：当前用户须办理的事项（逾期的在前），每项附办理页面的链接。"""

    schema = WholeListSchema()

    @extend_schema(responses=TodoListSerializer)
    def list(self, request):
        items = todo_items(request.user)
        return Response({"count": len(items), "results": TodoItemSerializer(items, many=True).data})
