from django.urls import path

from pult.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/statistics/", views.statistics, name="statistics"),
    path("reports/statistics/export/", views.statistics_export, name="statistics_export"),
]
