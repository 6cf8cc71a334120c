from django.urls import path

from . import unit_views, views

app_name = "criteria"

# A commune's report for a quarter; the district's own figures for a quarter.
REPORT = "communes/<slug:slug>/<int:year>/q<int:quarter>/"

urlpatterns = [
    path(REPORT, views.submission_page, name="submission"),
    path(REPORT + "submit/", views.submit, name="submit"),
    path(REPORT + "approve/", views.approve, name="approve"),
    path(REPORT + "return/", views.return_submission, name="return"),
    path(REPORT + "reopen/", views.reopen, name="reopen"),
    path(REPORT + "history/", views.history, name="history"),
    path("districts/<slug:district>/<int:year>/q<int:quarter>/figures/",
         unit_views.unit_figures, name="unit-figures"),
]
