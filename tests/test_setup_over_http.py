"""A new district of Hà Tĩnh set up only through HTTP, beside the demo's Kỳ Anh.

Every write below is an HTTP request a person makes in the product's pages: the administrator
creates the district in the back office and its staff account on the accounts page; the
district's staff sign in (the one-time password forces a change), load its official units,
create its officers and committee member in bulk, open the quarter for entry; one officer
enters the quarter and submits it; the staff approve it and read the dashboard and the
workbook: the district's own name and figures, nothing of Kỳ Anh. The database is only read,
to check what the pages did.

Steps the portal adds in other branches (catalogue choices, opening balances, the registry
workbook) plug in between the accounts and the quarter when their pages exist.
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
            if kind not in ("file", "submit", "button"):
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

    # 5. Periods and deadlines: the staff open the latest quarter in the back office.
    period = ReportingPeriod.objects.order_by("-year", "-quarter").first()
    change = f"/admin/communes/reportingperiod/{period.pk}/change/"
    form = form_of(staff.get(change), "reportingperiod_form")
    written = form.data["entry_deadline"]  # typed as the back office shows dates
    pattern = "%d/%m/%Y" if "/" in written else "%d.%m.%Y" if "." in written else "%Y-%m-%d"
    deadline = (timezone.localdate() + datetime.timedelta(days=10)).strftime(pattern)
    saved = staff.post(change, {**form.data, "entry_deadline": deadline, "_save": "1"})
    assert saved.status_code == 302, (written, deadline) + tuple(re.findall(r"errorlist[^>]*>(.*?)</ul>", saved.content.decode(), re.S))

    # 6. One officer enters the quarter and submits it.
    first = communes[0]
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
