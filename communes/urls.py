from django.urls import path

from . import period_views, setup_views, views

app_name = "communes"

urlpatterns = [
    path("communes/", views.commune_list, name="list"),
    # Set-up and import pages first: their addresses must not be read as a commune's slug.
    path("communes/setup/", setup_views.setup, name="setup"),
    path("communes/setup/units/", setup_views.units_load, name="units-load"),
    path("communes/setup/units/template.xlsx", setup_views.units_template, name="units-template"),
    path("communes/setup/mergers/", setup_views.mergers_page, name="mergers"),
    path("communes/setup/mergers/template.xlsx", setup_views.mergers_template,
         name="mergers-template"),
    path("communes/setup/users/", setup_views.users_import, name="users-import"),
    path("communes/setup/users/template.xlsx", setup_views.users_template, name="users-template"),
    path("communes/registries/import/", views.registry_import, name="registry-import"),
    path("communes/registries/template.xlsx", views.registry_template, name="registry-template"),
    path("communes/<slug:slug>/", views.commune_detail, name="detail"),
    path("communes/<slug:slug>/registries/<str:kind>/new/", views.registry_edit,
         name="registry_add"),
    path("communes/<slug:slug>/registries/<str:kind>/<int:pk>/", views.registry_edit,
         name="registry_edit"),
    # A steering unit's deadlines, grace days and back-fill (staff; ``?unit=``).
    path("unit/periods/", period_views.unit_periods, name="unit-periods"),
]
