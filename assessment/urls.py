from django.urls import path, re_path

from . import views
from .models import NoticeKind

KINDS = "|".join(NoticeKind.values)
YEAR = r"(?P<year>[0-9]{4})"

urlpatterns = [
    path("", views.assessment_index, name="assessment-index"),
    path("export.xlsx", views.round_list_export, name="assessment-index-export"),
    path("<int:year>/", views.round_detail, name="assessment-round"),
    path("<int:year>/progress.json", views.round_progress, name="assessment-progress"),
    path("<int:year>/settings/", views.round_settings, name="assessment-settings"),
    path("<int:year>/indicators/", views.indicator_edit, name="assessment-indicators"),
    path("<int:year>/indicators/copy/", views.round_copy_system, name="assessment-copy-system"),
    path("<int:year>/indicators/export.xlsx", views.indicator_export, name="assessment-indicators-export"),
    path("<int:year>/unassessed/export.xlsx", views.unassessed_export, name="assessment-unassessed-export"),
    path("<int:year>/run/", views.round_run, name="assessment-run"),
    path("<int:year>/publish/", views.round_publish, name="assessment-publish"),
    path("<int:year>/reopen/", views.round_reopen, name="assessment-reopen"),
    path("<int:year>/scores/", views.score_list, name="assessment-scores"),
    path("<int:year>/scores/export.xlsx", views.score_export, name="assessment-scores-export"),
    path("<int:year>/scores/import/", views.score_import, name="assessment-score-import"),
    path("<int:year>/scores/<str:code>/", views.score_town, name="assessment-score-town"),
    path("<int:year>/vetoes/", views.veto_list, name="assessment-vetoes"),
    path("<int:year>/vetoes/export.xlsx", views.veto_export, name="assessment-vetoes-export"),
    path("<int:year>/vetoes/<int:pk>/document/", views.veto_document, name="assessment-veto-document"),
    path("<int:year>/exemptions/", views.exemption_list, name="assessment-exemptions"),
    path("<int:year>/exemptions/export.xlsx", views.exemption_export, name="assessment-exemptions-export"),
    path("<int:year>/simulate/", views.simulate, name="assessment-simulate"),
    path("<int:year>/rankings/", views.rankings, name="assessment-rankings"),
    path("<int:year>/rankings/export.xlsx", views.rankings_export, name="assessment-rankings-export"),
    re_path(rf"^{YEAR}/notices/(?P<kind>{KINDS})/$", views.notice_page, name="assessment-notice"),
    re_path(rf"^{YEAR}/notices/(?P<kind>{KINDS})\.pdf$", views.notice_pdf_view, name="assessment-notice-pdf"),
    re_path(
        rf"^{YEAR}/notices/(?P<kind>{KINDS})\.docx$", views.notice_docx_view, name="assessment-notice-docx"
    ),
    path("<int:year>/eliminations/", views.eliminations, name="assessment-eliminations"),
    path(
        "<int:year>/eliminations/export.xlsx",
        views.eliminations_export,
        name="assessment-eliminations-export",
    ),
    path(
        "<int:year>/eliminations/cities.xlsx",
        views.under_minimum_export,
        name="assessment-under-minimum-export",
    ),
    path("<int:year>/talks/", views.talk_list, name="assessment-talks"),
    path("<int:year>/talks/export.xlsx", views.talk_export, name="assessment-talks-export"),
    path("<int:year>/talks/<int:pk>/held/", views.talk_held, name="assessment-talk-held"),
]
