"""What every viewset whose writes go through a service shares."""

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.response import Response


class ServiceWriteMixin:
    """One serializer per action, filters for the list only, and answers rendered by the read serializer.

    Writes validate their input with the action's serializer, call the app's service (which checks role,
    scope and rules), then answer with `read_response(pk)`: the object as a reader in the same scope sees it.
    """

    action_serializers: dict = {}
    # An @action may set its own serializer_class (its input); name the read serializer when one does.
    read_serializer_class = None  # default: serializer_class

    def get_serializer_class(self):
        return self.action_serializers.get(self.action, self.serializer_class)

    def filter_queryset(self, queryset):
        # The FilterSet narrows lists; a lookup by id or an action on one object must not be narrowed by it.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def read_response(self, pk, status_code=status.HTTP_200_OK):
        instance = get_object_or_404(self.get_queryset(), pk=pk)
        serializer_class = self.read_serializer_class or self.serializer_class
        return Response(
            serializer_class(instance, context=self.get_serializer_context()).data, status=status_code
        )
