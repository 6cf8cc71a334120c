from django.urls import include, path

from . import balance_views, unit_figure_views, unit_views, views

app_name = "criteria"

# The quarterly submission of one commune: /communes/<slug>/<year>/q<quarter>/...
submission_patterns = [
    path("", views.submission_page, name="submission"),
    path("submit/", views.submit, name="submit"),
    path("approve/", views.approve, name="approve"),
    path("return/", views.return_submission, name="return"),
    path("reopen/", views.reopen, name="reopen"),
    path("history/", views.history, name="history"),
]

urlpatterns = [
    path("communes/<slug:slug>/<int:year>/q<int:quarter>/", include(submission_patterns)),
    # The district's own figures for a quarter (indicators entered by district staff).
    path("districts/<slug:district>/<int:year>/q<int:quarter>/figures/",
         unit_figure_views.unit_figures, name="unit-figures"),
    path("units/opening-balances/", balance_views.opening_balances, name="opening-balances"),
    # A steering unit's own settings (staff; ``?unit=`` picks the district).
    path("unit/indicators/", unit_views.unit_catalogue, name="unit-catalogue"),
    path("unit/targets/", unit_views.unit_targets, name="unit-targets"),
    path("unit/commune-groups/", unit_views.unit_commune_groups, name="unit-commune-groups"),
]
