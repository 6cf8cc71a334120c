from django.urls import path

from . import import_views

app_name = "criteria_import"

urlpatterns = [
    path("template.xlsx", import_views.commune_template, name="template"),
    path("import/", import_views.commune_import, name="import"),
]
