from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_page, name="dashboard-region"),
    path("dashboard/export/", views.dashboard_export, name="dashboard-export"),
    # The to-do list keeps the address and name it had when it listed submissions alone.
    path("towns/inbox/", views.inbox, name="inbox"),
    path("towns/inbox/export.xlsx", views.inbox_export, name="inbox-export"),
    path("search/", views.search_page, name="search"),
]
