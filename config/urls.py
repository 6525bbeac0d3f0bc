from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from core.admin_site import configure_admin_site
from core.api.docs import ApiRedocView, ApiSwaggerView

configure_admin_site(admin.site)

urlpatterns = [
    path("", include("dashboard.urls")),
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("towns/", include("selection.urls")),
    path("towns/", include("towns.urls")),
    path("towns/", include("dashboard.town_urls")),  # a town's page: after every fixed path under towns/
    path("projects/", include("projects.urls")),
    path("funding/", include("funding.urls")),
    path("assessment/", include("assessment.urls")),
    path("captcha/", include("captcha.urls")),
    # One login for the whole portal: the admin's own form would skip the captcha and the second factor.
    path("admin/login/", RedirectView.as_view(url="/login/?next=/admin/", query_string=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler404 = "core.views.page_not_found"
handler403 = "core.views.permission_denied"
handler500 = "core.views.server_error"
