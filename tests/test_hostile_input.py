"""A crawl of every page with hostile input: no answer is ever a server error.

Every page of the portal (the list below must name each URL of the apps, so a new page
fails here until it is added) is opened with hostile query parameters and hostile
values in its path, then every form it shows is posted with a hostile value in each of
its fields in turn. Hostile: NUL, other control characters, over-long text, numbers too
large for any column, SQL and HTML fragments. On PostgreSQL (``DATABASE_URL``) NUL is
refused by the database itself, which is where a missing check would show.
"""

from html.parser import HTMLParser

import pytest
from django.urls import get_resolver

from communes.models import ModelArea, ModelGarden
from criteria.models import Task
from ocop.models import Product

HOSTILE = ["a\x00b", "\x1b[31m\x07", "x" * 30000, "9" * 40, "-1e309", "' OR 1=1 --",
           "<script>x</script>", "１２３", ""]
QUERY_NAMES = ["commune", "district", "q", "year", "quarter", "page", "include", "sort",
               "status", "stars", "group", "expiring", "next", "kind", "unit"]


def pages(period, area, garden, product, task, new_product="tra-hoa-vang-ky-thuong"):
    """Every page of the apps, by URL name, with sample arguments."""
    y, q = period.year, period.quarter
    sub = f"/communes/ky-tay/{y}/q{q}/"
    return {
        "home": "/", "login": "/accounts/login/", "profile": "/accounts/profile/",
        "set_language": "/i18n/setlang/", "logout": None,
        "criteria_import:template": sub + "template.xlsx", "criteria_import:import": sub + "import/",
        "district_template": f"/review/{y}/q{q}/template.xlsx",
        "district_import": f"/review/{y}/q{q}/import/",
        "criteria:submission": sub,
        "criteria:submit": sub + "submit/", "criteria:approve": sub + "approve/",
        "criteria:return": sub + "return/", "criteria:reopen": sub + "reopen/",
        "criteria:history": sub + "history/", "review_board": f"/review/{y}/q{q}/",
        "communes:list": "/communes/", "communes:detail": "/communes/ky-tay/",
        "communes:setup": "/communes/setup/", "communes:units-load": "/communes/setup/units/",
        "communes:units-template": "/communes/setup/units/template.xlsx",
        "communes:users-import": "/communes/setup/users/",
        "communes:users-template": "/communes/setup/users/template.xlsx",
        "communes:mergers": "/communes/setup/mergers/",
        "communes:mergers-template": "/communes/setup/mergers/template.xlsx",
        "communes:registry_add": "/communes/ky-tay/registries/areas/new/",
        "communes:registry-import": "/communes/registries/import/",
        "communes:registry-template": "/communes/registries/template.xlsx",
        "criteria:opening-balances": "/units/opening-balances/",
        "communes:registry_edit": f"/communes/ky-tay/registries/areas/{area.pk}/",
        "ocop:list": "/ocop/", "ocop:create": "/ocop/new/", "ocop:detail": f"/ocop/{product}/",
        "ocop:edit": f"/ocop/{product}/edit/", "ocop:register": f"/ocop/{product}/register/",
        "ocop:rate": f"/ocop/{product}/rate/", "reports:latest": "/reports/",
        # A candidate under Decision 1489, the kind of product that is pre-assessed.
        "ocop:propose": f"/ocop/{new_product}/propose/",
        "reports:dashboard": f"/reports/{y}/q{q}/",
        "reports:export": f"/reports/{y}/q{q}/export.xlsx",
        "reports:commune_block": "/reports/communes/ky-tay/",
        "api-root": "/api/", "api-docs": "/api/docs/", "api-schema": "/api/schema/",
        "garden": f"/communes/ky-tay/registries/gardens/{garden.pk}/",
        "garden_add": "/communes/ky-tay/registries/gardens/new/",
        "reports:report_docx": f"/reports/{y}/q{q}/report.docx",
        "reports:span_dashboard": f"/reports/{y}/6m/",
        "reports:span_export": f"/reports/{y}/9m/export.xlsx",
        "reports:span_report_docx": f"/reports/{y}/q1-q2/report.docx",
        "reports:span_range": f"/reports/range/?year={y}&first=2&last=3",
        "password_change": "/accounts/password/", "logout_everywhere": None,
        "notifications": "/accounts/notifications/",
        "notice_open": "/accounts/notifications/1/open/",
        "notices_read": "/accounts/notifications/read/",
        "notice_preferences": "/accounts/notifications/preferences/",
        "media": "/media/ocop/photos/none.png",
        "plan:list": "/plan/", "plan:new": "/plan/new/", "plan:task": f"/plan/{task}/",
        "commune_plan": "/communes/ky-tay/plan/",
        "criteria:unit-catalogue": "/unit/indicators/", "criteria:unit-targets": "/unit/targets/",
        "communes:unit-periods": "/unit/periods/",
        "criteria:unit-commune-groups": "/unit/commune-groups/",
        "criteria:unit-figures": f"/districts/ky-anh/{y}/q{q}/figures/",
    }


def url_names():
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if p.namespace in ("admin",) or str(p.pattern).startswith("api/"):
                    continue
                walk(p.url_patterns, f"{p.namespace}:" if p.namespace else namespace)
            elif p.name:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return names  # the API's own endpoints: tests/api/test_schemathesis.py


class Forms(HTMLParser):
    """The POST forms of a page: [(action, {name: value})], text fields listed apart."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._textarea = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = (a.get("action") or "", {}, [])
            self.forms.append(self._form)
        elif self._form is not None and a.get("name"):
            _action, data, texts = self._form
            if tag == "input":
                kind = (a.get("type") or "text").lower()
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                if kind == "file":
                    return
                data[a["name"]] = a.get("value") or ""
                if kind in ("text", "number", "search", "email", "url", "tel", "hidden", "date"):
                    texts.append(a["name"])
            elif tag == "textarea":
                data[a["name"]] = ""
                texts.append(a["name"])
                self._textarea = a["name"]
            elif tag == "select":
                data[a["name"]] = ""
                texts.append(a["name"])
                self._select = a["name"]
            elif tag == "option" and getattr(self, "_select", None) and (
                    "selected" in a or not data.get(self._select)):
                data[self._select] = a.get("value", "")
            elif tag == "button" and a.get("value") is not None:
                data.setdefault(a["name"], a["value"])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[1][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


@pytest.fixture
def samples(open_period, ky_tay):
    area = ModelArea.objects.filter(village__commune=ky_tay).first()
    garden = ModelGarden.objects.filter(village__commune=ky_tay).first()
    product = Product.objects.filter(commune=ky_tay).first()
    task = Task.objects.filter(commune=ky_tay).first()
    # A Kỳ Tây candidate under Decision 1489, so that its officer reaches the pre-assessment.
    new_product = Product.objects.create(
        name="Sản phẩm 1489 Kỳ Tây", commune=ky_tay, producer=product.producer,
        group=product.group, year=2026, procedure="two_tier")
    return pages(open_period, area, garden, product.slug, task.pk, new_product.slug)


def test_the_crawl_knows_every_page(samples):
    assert url_names() - set(samples) <= {""}, "add the new page to the crawl"


def _check(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("cast", ["officer", "staff"])
def test_hostile_query_parameters_and_path_numbers(request, client_for, samples, cast):
    client = client_for(request.getfixturevalue(cast))
    for name, url in samples.items():
        if url is None:
            continue
        for value in HOSTILE:
            response = client.get(url, {key: value for key in QUERY_NAMES})
            _check(response, f"GET {url} ?…={value[:20]!r}")
    huge = "9" * 25
    for url in [f"/reports/{huge}/q1/", f"/reports/2021/q{huge}/", f"/review/{huge}/q1/",
                f"/communes/ky-tay/{huge}/q1/", f"/communes/ky-tay/2021/q{huge}/history/",
                f"/communes/ky-tay/registries/areas/{huge}/",
                f"/reports/{huge}/q1/export.xlsx", f"/review/2021/q{huge}/template.xlsx",
                f"/districts/ky-anh/{huge}/q1/figures/", f"/districts/ky-anh/2021/q{huge}/figures/",
                f"/api/districts/ky-anh/{huge}/q1/figures/"]:
        _check(client.get(url), f"GET {url}")
        _check(client.post(url, {}), f"POST {url}")


@pytest.mark.parametrize("cast", ["officer", "staff"])
def test_hostile_values_in_every_form_field(request, client_for, samples, cast):
    client = client_for(request.getfixturevalue(cast))
    posted = 0
    for name, url in samples.items():
        if url is None or url.endswith(".xlsx"):
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for action, data, texts in parser.forms:
            target = action or url
            if target.startswith("/i18n/") or target.startswith("/accounts/logout"):
                continue
            for field in texts:
                if field == "csrfmiddlewaretoken":
                    continue
                for value in HOSTILE:
                    response = client.post(target, {**data, field: value})
                    _check(response, f"POST {target} {field}={value[:20]!r}")
                    posted += 1
    assert posted > 100  # the crawl really reached the forms


def test_hostile_values_in_the_back_office_and_api_lists(client_for, staff, samples):
    """Every back-office list and add form, and every API list, as district staff."""
    from django.contrib import admin

    client = client_for(staff)
    posted = 0
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        _check(client.get(base, {"q": "a\x00b", "o": "9" * 40, "p": "x" * 3000}), f"GET {base}")
        _check(client.get(base, {"q": "9" * 40, "o": "-1", "p": "9" * 40}), f"GET {base}")
        response = client.get(base + "add/")
        if response.status_code != 200:
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        # The add form (the page also holds the logout form): the one with most fields.
        for _action, data, texts in sorted(parser.forms, key=lambda f: -len(f[2]))[:1]:
            # Every field hostile at once: a form checks and re-shows all its fields.
            fields = [f for f in texts if f != "csrfmiddlewaretoken"]
            for value in ("a\x00b", "9" * 40):
                _check(client.post(base + "add/", {**data, **dict.fromkeys(fields, value)}),
                       f"POST {base}add/ {value[:5]!r}")
                posted += 1
    assert posted > 30
    api = client.get("/api/").json()
    for name, url in api.items():
        for value in ("a\x00b", "9" * 40, "-1"):
            params = {key: value for key in ("commune", "village", "year", "page", "page_size",
                                             "ordering", "name", "product", "indicator")}
            _check(client.get(url, params), f"GET {url}")
