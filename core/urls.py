from django.urls import path

from . import import_views, views

urlpatterns = [
    path("notices/", views.notification_list, name="notice-list"),
    path("notices/export.xlsx", views.notification_export, name="notice-export"),
    path("notices/read-all/", views.notification_read_all, name="notice-read-all"),
    path("notices/<int:pk>/", views.notification_open, name="notice-open"),
    path("notices/<int:pk>/read/", views.notification_read, name="notice-read"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/export.xlsx", views.job_export, name="job-export"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job-cancel"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("imports/<int:pk>/", import_views.import_preview, name="import-preview"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("imports/templates/<str:kind>.xlsx", import_views.import_template, name="import-template"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.xlsx", views.audit_log_export, name="audit-log-export"),
    path("audit/security/", views.security_event_list, name="security-event-list"),
    path("audit/security/export.xlsx", views.security_event_export, name="security-event-export"),
]
