from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("regions/<str:code>/", views.region_page, name="dashboard-region"),
    path("dashboard/export/", views.dashboard_export, name="dashboard-export"),
]
