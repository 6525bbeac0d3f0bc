from django.urls import path

from . import views

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("export.xlsx", views.project_export, name="project-export"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/export.xlsx", views.report_export, name="report-export"),
    path("import/", views.project_import, name="project-import"),
    path("reports/import/", views.report_import, name="report-import"),
    path("new/", views.project_create, name="project-create"),
    path("unreported/", views.unreported, name="project-unreported"),
    path("unreported/export.xlsx", views.unreported_export, name="project-unreported-export"),
    path("task-areas/", views.task_area_summary, name="task-area-summary"),
    path("task-areas/export.xlsx", views.task_area_export, name="task-area-export"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("<int:pk>/status/", views.project_status, name="project-status"),
    path("<int:pk>/reports/", views.project_report, name="project-report"),
]
