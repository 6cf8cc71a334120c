"""A new district of Hà Tĩnh set up only through HTTP, beside the demo's Kỳ Anh.

Every write below is an HTTP request a person makes in the product's pages: the administrator
creates the district in the back office and its staff account on the accounts page; the
district's staff sign in (the one-time password forces a change), load its official units,
create its officers and committee member in bulk, open the quarter for entry; one officer
enters the quarter and submits it; the staff approve it and read the dashboard and the
workbook: the district's own name and figures, nothing of Kỳ Anh. The database is only read,
to check what the pages did.

Between the accounts and the quarter the staff make the unit's own choices on its pages: which
indicators are required, the year's targets, the quarter's deadline, the opening balance, and
the registries from the workbook.
"""

import datetime
import io
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from communes.choices import SubmissionStatus
from communes.models import Commune, District, ReportingPeriod, Submission, User
from communes.periods import period_terms
from criteria.catalogue import effective_indicators
from criteria.models import Indicator
from communes.sheets import ACCOUNT_COLUMNS

NEW_PASSWORD = "Thach-Ha-2026-an-toan"


class FormFields(HTMLParser):
    """The fields of one form of a page (by id), as a browser would post them unchanged."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None
        self.options = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("checkbox", "radio"):
                self.data[name] = a.get("value") or "on"  # what a browser sends
            elif kind not in ("file", "submit", "button"):
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.options[name] = []
        elif tag == "option" and self._select:
            self.options[self._select].append(a.get("value", ""))
            if "selected" in a:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self.inside and self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(response, form_id):
    parser = FormFields(form_id)
    parser.feed(response.content.decode())
    assert parser.data, f"no form #{form_id}"
    return parser


def sign_in(username, password):
    """A new browser: signs in on the login page (a one-time password leads to the change)."""
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    if client.get("/").status_code == 302:  # must change the one-time password first
        changed = client.post("/accounts/password/", {
            "old_password": password, "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD})
        assert changed.status_code == 302
        assert client.get("/").status_code == 200
    return client


def sheet(rows):
    workbook = Workbook()
    workbook.active.append(list(ACCOUNT_COLUMNS.values()))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "tai-khoan.xlsx"
    return buffer


def passwords(response):
    """{username: one-time password} shown on the accounts page's result."""
    text = response.content.decode()
    return dict(re.findall(r"<tr><td>([^<]+)</td><td>[^<]*</td><td>[^<]*</td>"
                           r'<td><code class="one-time-password">([^<]+)</code>', text))


def text_of(response):
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def admin_client(demo):
    return sign_in("admin", "demo-ntm-2021")


def test_a_new_district_is_set_up_entered_and_reported_through_http(admin_client, demo):
    # 1. The administrator creates the district in the back office ...
    add = admin_client.get("/admin/communes/district/add/")
    form = form_of(add, "district_form")
    province = next(v for v in form.options["province"] if v)
    created = admin_client.post("/admin/communes/district/add/", {
        **form.data, "name": "Thạch Hà", "slug": "thach-ha", "code": "445", "province": province,
        "_save": "1"})
    assert created.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", created.content.decode(), re.S)
    district = District.objects.get(code="445")
    # ... and its staff account on the accounts page: a one-time password, shown once.
    made = admin_client.post("/communes/setup/users/", {"file": sheet(
        [["th-staff", "Cán bộ VP điều phối Thạch Hà", "staff", None, None, None, "445"]])})
    staff_password = passwords(made)["th-staff"]

    # 2. The staff sign in, change the password, open the checklist: no commune yet.
    staff = sign_in("th-staff", staff_password)
    checklist = staff.get("/communes/setup/")
    assert re.search(r'id="setup-units".*?1 còn thiếu', checklist.content.decode(), re.S)

    # 3. The official units: preview, then load; Thạch Hà's communes with their codes.
    preview = staff.post("/communes/setup/units/", {"era": "before", "action": "preview"})
    assert "Thạch Kênh" in text_of(preview) and not district.communes.exists(), " ".join(text_of(preview).split())
    loaded = staff.post("/communes/setup/units/", {"era": "before", "action": "load"})
    assert loaded.status_code == 200 and 'id="units-result"' in loaded.content.decode()
    communes = list(Commune.objects.filter(district=district).order_by("code"))
    assert len(communes) > 20 and all(c.code for c in communes)
    assert not Commune.objects.filter(district__slug="ky-anh").exclude(code="").exists()

    # 4. Accounts in bulk: one officer per commune (from the template's list) and a member.
    template = load_workbook(io.BytesIO(staff.get("/communes/setup/users/template.xlsx").content))
    listed = list(template.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert {code for code, _slug, _name in listed} == {c.code for c in communes}
    rows = [[f"th-{slug}", f"Cán bộ xã {name}", "officer", code, None, None, None]
            for code, slug, name in listed]
    rows.append(["th-committee", "Thành viên BCĐ Thạch Hà", "committee", None, None, None, None])
    accounts = staff.post("/communes/setup/users/", {"file": sheet(rows)})
    shown = passwords(accounts)
    assert len(shown) == len(listed) + 1
    checklist = staff.get("/communes/setup/")
    items = {i.key: i.missing for i in checklist.context["items"]}
    assert items["units"] == 0 and items["users"] == 0
    assert items["villages"] == len(communes)  # villages come with the registry workbook

    # 5. The unit's own choices, on its own pages (nothing of Kỳ Anh's changes).
    period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
    kyanh_required = {i.code for i in effective_indicators(District.objects.get(slug="ky-anh"))
                      if i.is_required}
    # 5a. Catalogue: the poor-household rate is not required in Thạch Hà.
    page = staff.get("/unit/indicators/")
    assert page.status_code == 200 and "Thạch Hà" in text_of(page)
    rate = Indicator.objects.get(code="gnbv-poor-rate")
    form = form_of(page, "unit-catalogue-form")
    data = {k: v for k, v in form.data.items() if k != f"i{rate.pk}-is_required"}
    assert staff.post("/unit/indicators/", data).status_code == 302
    assert "gnbv-poor-rate" not in {i.code for i in effective_indicators(district)
                                     if i.is_required}
    assert {i.code for i in effective_indicators(District.objects.get(slug="ky-anh"))
            if i.is_required} == kyanh_required
    # 5b. Targets of the year: 40 houses renovated.
    houses = Indicator.objects.get(code="ntm-houses-renovated")
    page = staff.get(f"/unit/targets/?year={period.year}")
    form = form_of(page, "unit-targets-form")
    saved = staff.post(f"/unit/targets/?year={period.year}",
                       {**form.data, f"t{houses.pk}-low": "40"})
    assert saved.status_code == 302, text_of(saved)[:2000]
    # 5c. Periods and deadlines: the latest quarter due in ten days for Thạch Hà only.
    page = staff.get("/unit/periods/")
    prefix = f"p{period.pk}"
    form = form_of(page, f"period-{prefix}")
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    saved = staff.post("/unit/periods/", {**form.data, f"{prefix}-entry_deadline": deadline})
    assert saved.status_code == 302, text_of(saved)[:2000]
    assert period_terms(period, district.pk).entry_deadline > timezone.localdate()
    # 5d. Opening balance: 120 houses renovated before the quarter, as of its eve.
    as_of = period.start_date - datetime.timedelta(days=1)
    form = form_of(staff.get("/units/opening-balances/"), "balance-form")
    saved = staff.post("/units/opening-balances/", {
        **form.data, "as_of": as_of.strftime("%d/%m/%Y"), "amount-ntm-houses-renovated": "120"})
    assert saved.status_code == 302, text_of(saved)[:2000]
    # 5e. Registries from the workbook: a village, its model area and a model garden.
    first = communes[0]
    template = load_workbook(io.BytesIO(staff.get("/communes/registries/template.xlsx").content))
    villages, areas, gardens = template.worksheets[:3]
    villages.append([first.code, "Thôn Mới", "TM01"])
    areas.append([first.code, "Thôn Mới", "15/01/2020", None, as_of.strftime("%d/%m/%Y"),
                  "12/QĐ-UBND", None, None])
    gardens.append([first.code, "Thôn Mới", "Hộ ông Trần Văn A", None, "15/01/2020",
                    as_of.strftime("%d/%m/%Y"), "13/QĐ-UBND", None, None])
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    buffer.name = "so-dang-ky.xlsx"
    loaded = staff.post("/communes/registries/import/", {"file": buffer})
    assert loaded.status_code in (200, 302), text_of(loaded)[:2000]
    assert first.villages.filter(name="Thôn Mới", model_areas__recognised_on=as_of).exists(), \
        " ".join(text_of(loaded).split())[:2000]
    checklist = staff.get("/communes/setup/")
    items = {i.key: i.missing for i in checklist.context["items"]}
    assert items["villages"] == len(communes) - 1

    # 6. One officer enters the quarter and submits it.
    officer = sign_in(f"th-{first.slug}", shown[f"th-{first.slug}"])
    report = f"/communes/{first.slug}/{period.year}/q{period.quarter}/"
    form = form_of(officer.get(report), "report-form")
    data = dict(form.data)
    for name in data:
        if name.startswith(("value-", "ind-")):
            data[name] = "1"
        elif name.startswith("met-"):
            data[name] = "1"
    entered = officer.post(report, data)
    assert entered.status_code == 302, text_of(entered)[:3000]
    version = form_of(officer.get(report), "report-form").data["version"]
    submitted = officer.post(report + "submit/", {"version": version})
    assert submitted.status_code == 302
    submission = Submission.objects.get(commune=first, period=period)
    assert submission.status == SubmissionStatus.SUBMITTED

    # 7. The staff approve it, then read the dashboard and the workbook.
    approved = staff.post(report + "approve/", {"comment": ""})
    assert approved.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED and submission.reviewed_by.username == "th-staff"
    dashboard = staff.get(f"/reports/{period.year}/q{period.quarter}/", follow=True)
    text = text_of(dashboard)
    assert "Thạch Hà" in text and first.name in text
    houses_figure = dashboard.context["d"].figures["ntm-houses-renovated"]
    assert (houses_figure.quarter, houses_figure.cumulative) == (1, 121)  # balance + quarter
    assert "Kỳ Anh" not in text and "Kỳ Tây" not in text and "Nghi Xuân" not in text
    export = staff.get(f"/reports/{period.year}/q{period.quarter}/export.xlsx")
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)
                                        if export.streaming else export.content))
    cells = " ".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)
    assert "Thạch Hà" in cells and first.name in cells
    assert "Kỳ Anh" not in cells and "Kỳ Tây" not in cells
    # Kỳ Anh's users see nothing of it.
    assert User.objects.get(username="th-staff").district == district
    kyanh = sign_in("staff", "demo-ntm-2021")
    assert kyanh.get(report).status_code == 404
