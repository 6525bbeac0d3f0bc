import pytest
from django.test import RequestFactory

from core.choices import SecurityEventKind
from core.models import SecurityEvent
from core.security_log import record_security_event

pytestmark = pytest.mark.django_db


def test_an_event_keeps_who_where_and_what(django_user_model):
    user = django_user_model.objects.create_user("zhang", password="x")
    request = RequestFactory().get(
        "/api/v1/towns/?city=2201", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="curl/8"
    )
    request.user = user

    event = record_security_event(SecurityEventKind.API_READ, request=request, rows=3)

    stored = SecurityEvent.objects.get(pk=event.pk)
    assert (stored.user_id, stored.username) == (user.pk, "zhang")
    assert (stored.remote_addr, stored.user_agent, stored.method) == ("10.1.2.3", "curl/8", "GET")
    assert stored.path == "/api/v1/towns/?city=2201"
    assert stored.details == {"rows": 3}


def test_a_failed_login_names_an_account_that_may_not_exist():
    event = record_security_event(SecurityEventKind.LOGIN_FAILED, username="nobody")
    assert (event.user_id, event.username, event.remote_addr) == (None, "nobody", None)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        record_security_event("made_up")
    assert not SecurityEvent.objects.exists()
