"""What every viewset whose writes go through a service shares."""

from contextlib import contextmanager

from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.response import Response

from core.concurrency import entity_tag, version_from_if_match
from core.errors import Conflict, PreconditionFailed


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


class ConditionalWriteMixin:
    """No lost updates through the API (issue 12, point 6): a versioned record's answers carry its ETag, and a
    write sent with If-Match is applied only to the version it names.

    The comparison is the service's, under its row lock (a `version` argument, as edit forms pass it), so a
    write racing another can never both succeed from one copy. Here: the ETag on every answer that renders one
    record, If-Match read into that version, and a refused one answered 412 with the record as it is now.
    """

    etag_kind = ""  # the record's name in its ETag, e.g. "project"

    def etag_key(self, instance):
        return instance.pk

    def etag_of(self, instance) -> str:
        return entity_tag(self.etag_kind, self.etag_key(instance), instance.version)

    def with_etag(self, response, instance):
        response["ETag"] = self.etag_of(instance)
        return response

    def expected_version(self, instance, sent=None):
        """The version the write must find: If-Match's when the request sends one (other than "*"), else
        the version sent in the body (None: no check)."""
        asked = version_from_if_match(
            self.request.headers.get("If-Match"), self.etag_kind, self.etag_key(instance)
        )
        return sent if asked is None else asked

    def current_instance(self, instance):
        """The record as it is now (re-read after the refused write)."""
        return get_object_or_404(self.get_queryset(), pk=instance.pk)

    def current_data(self, instance):
        serializer_class = getattr(self, "read_serializer_class", None) or self.serializer_class
        return serializer_class(instance, context=self.get_serializer_context()).data

    @contextmanager
    def precondition(self, instance):
        """Around the service call: a stale version named by If-Match is a 412 with the current record."""
        try:
            yield
        except PreconditionFailed:
            raise
        except Conflict as exc:
            if not self.request.headers.get("If-Match"):
                raise
            current = self.current_instance(instance)
            raise PreconditionFailed(
                exc.message, current=self.current_data(current), etag=self.etag_of(current)
            ) from exc

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.with_etag(Response(self.get_serializer(instance).data), instance)

    def read_response(self, pk, status_code=status.HTTP_200_OK):
        instance = get_object_or_404(self.get_queryset(), pk=pk)
        return self.with_etag(Response(self.current_data(instance), status=status_code), instance)
