"""The WSGI application of the bench's gunicorn (F-http): the portal's own application, with one bare Django
view mounted beside it. Only `perf_bench` starts it; the portal's URLs never include the bare view.

The bare view is the floor of a page: it goes through the same gunicorn worker, WSGI handler and middleware
as the portal's pages, and answers a small JSON body without touching the database.
"""

import os

import django
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from django.urls import path  # noqa: E402 - the URLs import the apps, ready only after setup()

from config.urls import urlpatterns as portal_urlpatterns  # noqa: E402

BARE_PATH = "__bench__/bare/"


def bare(request):
    return HttpResponse(b'{"ok":true}', content_type="application/json")


urlpatterns = [path(BARE_PATH, bare), *portal_urlpatterns]


class BenchHandler(WSGIHandler):
    """The portal's handler, resolving this server's requests in this module's URLs (request.urlconf)."""

    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


application = BenchHandler()
