from django.urls import path

from . import views

app_name = "communes"

urlpatterns = [
    path("", views.commune_list, name="list"),
    path("registries/import/", views.registry_import, name="registry-import"),
    path("registries/template.xlsx", views.registry_template, name="registry-template"),
    path("<slug:slug>/", views.commune_detail, name="detail"),
    path("<slug:slug>/registries/<str:kind>/new/", views.registry_edit, name="registry_add"),
    path("<slug:slug>/registries/<str:kind>/<int:pk>/", views.registry_edit, name="registry_edit"),
]
