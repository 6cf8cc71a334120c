"""Setting up a unit without a programmer: the official units, accounts in bulk, the checklist."""

import base64
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from communes import units
from communes.choices import CommuneKind, Role
from communes.models import Commune, District, Province, User
from communes.sheets import ACCOUNT_COLUMNS


def _xlsx(rows, header=None):
    workbook = Workbook()
    sheet = workbook.active
    for row in ([header] if header else []) + rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "sheet.xlsx"
    return buffer


# ---------------------------------------------------------------- the package's lists

def test_the_official_lists_hold_what_the_demo_knows():
    before = units.package_rows("42", units.BEFORE)
    by_code = {row.commune_code: row for row in before}
    assert len(before) == 209 and len({r.district_code for r in before}) == 12
    assert (by_code["18355"].commune_name, by_code["18355"].district_code) == ("Xuân Hội", "442")
    assert by_code["18358"].commune_name == "Đan Trường"
    assert (by_code["18373"].commune_name, by_code["18373"].kind) == ("Tiên Điền", CommuneKind.TOWN)
    assert by_code["18793"].district_name == "Kỳ Anh" and by_code["18793"].commune_name == "Kỳ Tây"
    assert by_code["18829"].district_name == "Thị xã Kỳ Anh"  # two districts named Kỳ Anh
    assert len(units.package_provinces(units.BEFORE)) == 63
    assert len(units.package_provinces(units.AFTER)) == 34
    after = units.package_rows("42", units.AFTER)
    assert len(after) == 69 and all(not row.district_code for row in after)
    assert units.find_province("Hà Tĩnh") == ("42", "Hà Tĩnh")


def test_load_units_command_dry_run_then_load_then_again(demo):
    ky_tay = Commune.objects.get(slug="ky-tay")
    count = Commune.objects.count()
    out = StringIO()
    call_command("load_units", "--province", "Hà Tĩnh", "--dry-run", stdout=out)
    assert "197 unit(s) would be created, 23 updated" in out.getvalue()
    assert Commune.objects.count() == count and Commune.objects.get(pk=ky_tay.pk).code == ""
    call_command("load_units", "--province", "Hà Tĩnh", stdout=StringIO())
    ky_tay.refresh_from_db()
    assert (ky_tay.code, ky_tay.name, ky_tay.district.slug) == ("18793", "Kỳ Tây", "ky-anh")
    assert Commune.objects.get(slug="tien-dien").kind == CommuneKind.TOWN
    assert District.objects.filter(province__code="42").count() == 12
    after_first = Commune.objects.count()
    out = StringIO()
    call_command("load_units", "--province", "42", "--before-2025", stdout=out)
    assert "0 unit(s) were created, 0 updated, 209 commune(s) unchanged" in out.getvalue()
    assert Commune.objects.count() == after_first
    # The new communes after the reform: under the province's record, codes reused beside
    # the former ones without clashing.
    call_command("load_units", "--province", "Hà Tĩnh", "--after-2025", stdout=StringIO())
    reform = District.objects.get(slug="ha-tinh-2025")
    assert reform.communes.count() == 69 and reform.valid_from == units.REFORM_DATE
    assert Commune.objects.filter(code="18766").count() == 2  # old Kỳ Phong, new Kỳ Xuân


def test_a_renamed_unit_is_updated_by_its_code(demo):
    call_command("load_units", "--province", "Hà Tĩnh", stdout=StringIO())
    Commune.objects.filter(code="18355").update(name="Xuân Hội cũ")
    out = StringIO()
    call_command("load_units", "--province", "Hà Tĩnh", "--dry-run", stdout=out)
    assert "update commune   18355 Xuân Hội" in out.getvalue()
    assert Commune.objects.get(code="18355").name == "Xuân Hội cũ"


# ---------------------------------------------------------------- the staff page

def test_district_staff_load_only_their_district(client_for, nx_staff):
    client = client_for(nx_staff)
    page = client.get("/communes/setup/units/")
    assert page.status_code == 200
    assert [v for v, _label in page.context["form"].fields["era"].choices] == ["before"]
    preview = client.post("/communes/setup/units/", {"era": "before", "action": "preview"})
    result = preview.context["result"]
    assert result.dry_run and result.skipped == 209 - 17
    assert {c.code for c in result.changes if c.level == "commune"} >= {"18355", "18358", "18373"}
    assert not Commune.objects.exclude(code="").exists()
    load = client.post("/communes/setup/units/", {"era": "before", "action": "load"})
    assert load.context["result"].created == 14
    assert Commune.objects.filter(district__slug="nghi-xuan").count() == 17
    assert Commune.objects.get(slug="xuan-hoi").code == "18355"
    assert District.objects.get(slug="nghi-xuan").code == "442"
    assert not Commune.objects.filter(district__slug="ky-anh").exclude(code="").exists()
    refused = client.post("/communes/setup/units/", {"era": "after", "action": "load"})
    assert refused.status_code == 200 and refused.context["form"].errors["era"]


def test_gso_file_is_checked_cell_by_cell_and_all_or_nothing(client_for, staff):
    client = client_for(staff)
    header = list(units.GSO_COLUMNS)
    bad = _xlsx([["42", "Tỉnh Hà Tĩnh", "447", "Huyện Kỳ Anh", "18793", "Xã Kỳ Tây", "Xã"],
                 ["42", "Tỉnh Hà Tĩnh", "447", "Huyện Kỳ Anh", "1879x", "Xã Kỳ Lạc", "Xã"],
                 ["42", "Tỉnh Hà Tĩnh", "447", "", "18850", "", "Làng"]], header)
    response = client.post("/communes/setup/units/", {"era": "before", "action": "load",
                                                      "file": bad})
    cells = {(e.cell, e.message) for e in response.context["errors"]}
    assert {cell for cell, _m in cells} == {"E3", "D4", "F4", "G4"}
    assert not Commune.objects.exclude(code="").exists()
    good = _xlsx([["42", "Tỉnh Hà Tĩnh", "447", "Huyện Kỳ Anh", "18793", "Xã Kỳ Tây", "Xã"],
                  ["42", "Tỉnh Hà Tĩnh", "442", "Huyện Nghi Xuân", "18355", "Xã Xuân Hội", "Xã"]],
                 header)
    response = client.post("/communes/setup/units/", {"era": "before", "action": "load",
                                                      "file": good})
    assert response.context["result"].skipped == 1  # Nghi Xuân is not Kỳ Anh's
    assert Commune.objects.get(slug="ky-tay").code == "18793"
    assert Commune.objects.get(slug="xuan-hoi").code == ""
    template = client.get("/communes/setup/units/template.xlsx")
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == header


def test_only_staff_and_administrators_load_units(client_for, committee, officer, admin_user):
    for user in (committee, officer):
        assert client_for(user).get("/communes/setup/units/").status_code == 403
    page = client_for(admin_user).get("/communes/setup/units/")
    assert "Nghệ An" in page.content.decode()  # administrators pick any province
    response = client_for(admin_user).post("/communes/setup/units/", {
        "era": "before", "province": "40", "action": "load"})
    assert response.context["result"].created > 400
    assert Province.objects.get(code="40").name == "Nghệ An"


# ---------------------------------------------------------------- accounts in bulk

def _accounts(rows):
    return _xlsx(rows, list(ACCOUNT_COLUMNS.values()))


def test_staff_create_accounts_with_one_time_passwords(client_for, staff):
    client = client_for(staff)
    sheet = _accounts([
        ["ky-tay-2", "Nguyễn Văn A", "officer", "ky-tay", "a@example.vn", "0912 345 678", None],
        ["ka-committee-2", "Trần Thị B", "Thành viên Ban chỉ đạo", None, None, None, None],
    ])
    response = client.post("/communes/setup/users/", {"file": sheet})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    result = response.context["result"]
    shown = dict((user.username, password) for user, password in result.created)
    assert set(shown) == {"ky-tay-2", "ka-committee-2"}
    officer = User.objects.get(username="ky-tay-2")
    assert officer.must_change_password and officer.check_password(shown["ky-tay-2"])
    assert shown["ky-tay-2"] not in officer.password  # hashed, never in clear
    assert (officer.commune.slug, officer.phone, officer.is_staff) == ("ky-tay", "0912 345 678", False)
    member = User.objects.get(username="ka-committee-2")
    assert (member.role, member.district.slug) == (Role.COMMITTEE, "ky-anh")
    html = response.content.decode()
    assert shown["ky-tay-2"] in html
    href = re.search(r'href="data:[^;]+;base64,([^"]+)"', html).group(1)
    rows = list(load_workbook(io.BytesIO(base64.b64decode(href))).active.values)
    assert (rows[1][0], rows[1][3]) == ("ky-tay-2", shown["ky-tay-2"])
    # Again, with a changed e-mail: updated, not duplicated, the password kept.
    sheet = _accounts([
        ["ky-tay-2", "Nguyễn Văn A", "officer", "18793", "new@example.vn", None, None],
        ["ka-committee-2", "Trần Thị B", "committee", None, None, None, None],
    ])
    Commune.objects.filter(slug="ky-tay").update(code="18793")
    again = client.post("/communes/setup/users/", {"file": sheet}).context["result"]
    assert not again.created and [u.username for u in again.updated] == ["ky-tay-2"]
    officer.refresh_from_db()
    assert officer.email == "new@example.vn" and officer.check_password(shown["ky-tay-2"])
    assert User.objects.filter(username="ky-tay-2").count() == 1


def test_every_cell_is_checked_and_nothing_is_saved(client_for, staff):
    client = client_for(staff)
    count = User.objects.count()
    sheet = _accounts([
        ["fine-one", "Fine", "officer", "ky-tay", None, None, None],
        ["boss", "Boss", "admin", None, None, None, None],
        ["outsider", "Out", "officer", "xuan-hoi", None, None, None],
        ["nx-staff", "Other staff", "committee", None, None, None, None],
        ["bad name!", "", "officer", "ky-tay", "not-mail", "abc", None],
        ["fine-one", "Twice", "officer", "ky-tay", None, None, None],
        ["nx-unit", "Unit", "committee", None, None, None, "nghi-xuan"],
    ])
    response = client.post("/communes/setup/users/", {"file": sheet})
    cells = {e.cell for e in response.context["errors"]}
    assert cells == {"C3", "D4", "A5", "A6", "B6", "E6", "F6", "A7", "G8"}
    assert User.objects.count() == count


def test_an_administrator_creates_a_districts_staff(client_for, admin_user, demo):
    district = District.objects.create(name="Thạch Hà", province=demo.province, code="445")
    sheet = _accounts([["th-staff", "Cán bộ Thạch Hà", "staff", None, None, None, "445"]])
    result = client_for(admin_user).post("/communes/setup/users/", {"file": sheet}).context["result"]
    user = result.created[0][0]
    assert (user.role, user.district_id, user.is_staff) == (Role.STAFF, district.pk, True)
    assert user.groups.exists()  # the role's rights, from apply_role


def test_only_staff_and_administrators_create_accounts(client_for, committee, officer):
    for user in (committee, officer):
        assert client_for(user).get("/communes/setup/users/").status_code == 403
        assert client_for(user).get("/communes/setup/users/template.xlsx").status_code == 403


def test_the_template_lists_the_uploaders_communes(client_for, nx_staff):
    response = client_for(nx_staff).get("/communes/setup/users/template.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == list(ACCOUNT_COLUMNS.values())
    slugs = {row[1] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert slugs == {"xuan-hoi", "dan-truong", "tien-dien"}


# ---------------------------------------------------------------- the checklist

def test_the_checklist_counts_what_is_missing(client_for, staff):
    client = client_for(staff)
    items = {i.key: i for i in client.get("/communes/setup/").context["items"]}
    assert items["units"].missing == 21  # no commune of Kỳ Anh has its code yet
    assert items["villages"].missing == 0 and items["users"].missing == 0
    assert items["units"].url == "/communes/setup/units/"
    assert items["users"].url == "/communes/setup/users/"
    Commune.objects.create(district=staff.district, name="Kỳ Mới", slug="ky-moi", code="99999")
    items = {i.key: i for i in client.get("/communes/setup/").context["items"]}
    assert (items["units"].missing, items["villages"].missing, items["users"].missing) == (21, 1, 1)


def test_the_checklist_is_for_staff(client_for, committee, officer):
    for user in (committee, officer):
        assert client_for(user).get("/communes/setup/").status_code == 403


def test_items_of_other_apps_appear_once_their_pages_exist(client_for, staff, settings):
    keys = {i.key for i in client_for(staff).get("/communes/setup/").context["items"]}
    assert not keys & {"catalogue", "targets", "opening"}  # their pages are not built here
    settings.ROOT_URLCONF = "tests.communes.setup_urls"
    items = {i.key: i for i in client_for(staff).get("/communes/setup/").context["items"]}
    assert {"catalogue", "targets", "opening", "registries"} <= set(items)
    assert items["targets"].url == "/unit/targets/" and items["targets"].missing in (0, 1)
    assert [i.order for i in items.values()] == sorted(i.order for i in items.values())


def test_the_checklist_query_count_does_not_grow_with_communes(client_for, staff):
    client = client_for(staff)
    client.get("/communes/setup/")
    with CaptureQueriesContext(connection) as small:
        client.get("/communes/setup/")
    for n in range(30):
        Commune.objects.create(district=staff.district, name=f"Xã {n}", slug=f"xa-test-{n}")
    with CaptureQueriesContext(connection) as large:
        client.get("/communes/setup/")
    assert len(large) == len(small)


@pytest.mark.parametrize("user", ["staff", "admin_user"])
def test_home_and_nav_link_to_the_checklist(request, client_for, user):
    html = client_for(request.getfixturevalue(user)).get("/").content.decode()
    assert 'id="home-setup"' in html and 'href="/communes/setup/"' in html


@pytest.mark.parametrize("path", ["/communes/setup/units/", "/communes/setup/users/",
                                  "/communes/setup/users/template.xlsx"])
def test_set_up_pages_query_counts_do_not_grow_with_communes(client_for, staff, path):
    client = client_for(staff)
    client.get(path)
    with CaptureQueriesContext(connection) as small:
        client.get(path)
    for n in range(30):
        Commune.objects.create(district=staff.district, name=f"Xã {n}", slug=f"xa-count-{n}")
    with CaptureQueriesContext(connection) as large:
        client.get(path)
    assert len(large) == len(small)
