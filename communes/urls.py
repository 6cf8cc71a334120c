from django.urls import path

from . import setup_views, views

app_name = "communes"

urlpatterns = [
    path("", views.commune_list, name="list"),
    # Set-up pages first: their addresses must not be read as a commune's slug.
    path("setup/", setup_views.setup, name="setup"),
    path("setup/units/", setup_views.units_load, name="units-load"),
    path("setup/units/template.xlsx", setup_views.units_template, name="units-template"),
    path("setup/users/", setup_views.users_import, name="users-import"),
    path("setup/users/template.xlsx", setup_views.users_template, name="users-template"),
    path("registries/import/", views.registry_import, name="registry-import"),
    path("registries/template.xlsx", views.registry_template, name="registry-template"),
    path("<slug:slug>/", views.commune_detail, name="detail"),
    path("<slug:slug>/registries/<str:kind>/new/", views.registry_edit, name="registry_add"),
    path("<slug:slug>/registries/<str:kind>/<int:pk>/", views.registry_edit, name="registry_edit"),
]
