from django.urls import path, register_converter

from ntm_portal.spans import SLUG_PATTERN

from . import views


class SpanConverter:
    """A report span of several quarters: ``6m``, ``9m``, ``year``, ``q2-q3``."""

    regex = SLUG_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(SpanConverter, "span")

app_name = "reports"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("range/", views.span_range, name="span_range"),
    path("<int:year>/q<int:quarter>/", views.dashboard, name="dashboard"),
    path("<int:year>/q<int:quarter>/export.xlsx", views.export, name="export"),
    path("<int:year>/q<int:quarter>/report.docx", views.report_docx, name="report_docx"),
    path("<int:year>/<span:span>/", views.dashboard, name="span_dashboard"),
    path("<int:year>/<span:span>/export.xlsx", views.export, name="span_export"),
    path("<int:year>/<span:span>/report.docx", views.report_docx, name="span_report_docx"),
    path("communes/<slug:slug>/", views.commune_block, name="commune_block"),
]
