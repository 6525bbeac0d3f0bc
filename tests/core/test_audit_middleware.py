"""The audit hook attributes writes to the caller, even one authenticated inside the view (API tokens)."""

from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from core.audit import AuditMiddleware, audit_context
from towns.models import Town
from towns.services import designate

from ..conftest import JIAOHE, SHUANGYANG, town_in


def run_request(path, view):
    request = RequestFactory().post(path)
    request.user = AnonymousUser()  # what AuthenticationMiddleware leaves for a token caller
    AuditMiddleware(lambda req: view(req) or HttpResponse())(request)


def test_token_caller_authenticated_inside_the_view_is_recorded(jilin, county_official):
    def api_view(request):
        request.user = county_official  # DRF sets the Django request's user once the token checks out
        designate(town_in(SHUANGYANG), "county", 2022)

    run_request("/api/v1/designations/", api_view)
    entry = LogEntry.objects.get(content_type__model="designation")
    assert entry.actor == county_official
    assert entry.additional_data == {"via": "api"}


def test_import_inside_a_page_request_then_the_page_context_again(jilin, province_admin, auditor):
    def page_view(request):
        request.user = province_admin
        with audit_context(actor=auditor, via="import"):
            designate(town_in(SHUANGYANG), "county", 2022)
        town = Town.objects.get(code=town_in(JIAOHE).code)
        town.dev_type = "trade"
        town.save()

    run_request("/towns/designations/import/", page_view)
    imported = LogEntry.objects.get(content_type__model="designation")
    assert (imported.actor, imported.additional_data) == (auditor, {"via": "import"})
    edited = LogEntry.objects.get(content_type__model="town", action=LogEntry.Action.UPDATE)
    assert (edited.actor, edited.additional_data) == (province_admin, {"via": "page"})
    assert edited.changes["dev_type"] == ["", "trade"]
