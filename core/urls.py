from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.xlsx", views.audit_log_export, name="audit-log-export"),
]
