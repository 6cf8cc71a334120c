from django.urls import path

from . import period_views, views

app_name = "communes"

urlpatterns = [
    path("communes/", views.commune_list, name="list"),
    path("communes/<slug:slug>/", views.commune_detail, name="detail"),
    path("communes/<slug:slug>/registries/<str:kind>/new/", views.registry_edit,
         name="registry_add"),
    path("communes/<slug:slug>/registries/<str:kind>/<int:pk>/", views.registry_edit,
         name="registry_edit"),
    # A steering unit's deadlines, grace days and back-fill (staff; ``?unit=``).
    path("unit/periods/", period_views.unit_periods, name="unit-periods"),
]
