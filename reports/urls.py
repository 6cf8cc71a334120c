from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("<int:year>/q<int:quarter>/", views.dashboard, name="dashboard"),
    path("<int:year>/q<int:quarter>/export.xlsx", views.export, name="export"),
    path("<int:year>/q<int:quarter>/report.docx", views.report_docx, name="report_docx"),
    path("communes/<slug:slug>/", views.commune_block, name="commune_block"),
]
