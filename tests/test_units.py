"""Two steering units in one deployment: Kỳ Anh and Nghi Xuân (Hà Tĩnh), and the province.

The scope matrix of the second district: every page and API operation on a commune ×
the cast of both districts and the province × own / other commune × own / other district.
An account of one district reaches nothing of the other (404, as for a commune out of
scope), including in the back office; the province reads both and changes nothing.
"""

import datetime

import pytest

from communes import workflow
from communes.models import Commune, ModelArea, Submission, User, Village
from ocop.models import Product

# user → the communes (by slug) the matrix treats as "own" for it: Kỳ Tây and Xuân Hội
# are the two targets; each user's access to each is the expected outcome below.
OK, DENIED, HIDDEN = "ok", 403, 404
TARGETS = ("ky-tay", "xuan-hoi")
# (user, target) → outcome for reading; writes are decided per URL below.
READS = {
    ("ky-tay", "ky-tay"): OK, ("ky-tay", "xuan-hoi"): HIDDEN,
    ("ky-lac", "ky-tay"): HIDDEN, ("ky-lac", "xuan-hoi"): HIDDEN,
    ("staff", "ky-tay"): OK, ("staff", "xuan-hoi"): HIDDEN,
    ("committee", "ky-tay"): OK, ("committee", "xuan-hoi"): HIDDEN,
    ("sponsor", "ky-tay"): OK, ("sponsor", "xuan-hoi"): HIDDEN,
    ("xuan-hoi", "ky-tay"): HIDDEN, ("xuan-hoi", "xuan-hoi"): OK,
    ("dan-truong", "ky-tay"): HIDDEN, ("dan-truong", "xuan-hoi"): HIDDEN,
    ("nx-staff", "ky-tay"): HIDDEN, ("nx-staff", "xuan-hoi"): OK,
    ("nx-committee", "ky-tay"): HIDDEN, ("nx-committee", "xuan-hoi"): OK,
    ("province", "ky-tay"): OK, ("province", "xuan-hoi"): OK,
    ("admin", "ky-tay"): OK, ("admin", "xuan-hoi"): OK,
}
USERS = sorted({user for user, _target in READS})
# The districts each user works in (an officer: its commune's).
UNIT_OF = {"ky-tay": {"ky-anh"}, "ky-lac": {"ky-anh"}, "staff": {"ky-anh"},
           "committee": {"ky-anh"}, "sponsor": {"ky-anh"}, "xuan-hoi": {"nghi-xuan"},
           "dan-truong": {"nghi-xuan"}, "nx-staff": {"nghi-xuan"}, "nx-committee": {"nghi-xuan"},
           "province": {"ky-anh", "nghi-xuan"}, "admin": {"ky-anh", "nghi-xuan"}}
DISTRICT_OF = {"ky-tay": "ky-anh", "xuan-hoi": "nghi-xuan"}
OFFICERS = {"ky-tay": "ky-tay", "xuan-hoi": "xuan-hoi"}
REVIEWERS = {"ky-tay": {"staff", "admin"}, "xuan-hoi": {"nx-staff", "admin"}}


def expected(user, target, allowed):
    if READS[(user, target)] == HIDDEN:
        return HIDDEN
    return OK if allowed else DENIED


def officer_only(user, target):
    return expected(user, target, OFFICERS[target] == user)


def reviewer_only(user, target):
    return expected(user, target, user in REVIEWERS[target])


def officer_or_reviewer(user, target):
    return expected(user, target, OFFICERS[target] == user or user in REVIEWERS[target])


def reader(user, target):
    return READS[(user, target)]


def check(response, outcome):
    if outcome == OK:
        assert response.status_code not in (403, 404, 405, 500), response.status_code
    else:
        assert response.status_code == outcome, response.status_code


@pytest.fixture
def world(open_period):
    """Drafts of both targets in the open period and a model-area record in each."""
    subs = {}
    records = {}
    for slug in TARGETS:
        commune = Commune.objects.get(slug=slug)
        subs[slug] = workflow.get_or_create_submission(commune, open_period)
        record = ModelArea.objects.filter(village__commune=commune).first()
        if record is None:
            record = ModelArea.objects.create(
                village=Village.objects.filter(commune=commune).first(),
                registered_on=datetime.date(2021, 1, 10))
        records[slug] = record
    return open_period, subs, records


SUBMISSION_URLS = [
    ("get", "", reader), ("get", "history/", reader),
    ("post", "", officer_only),  # the whole report, one save
    ("post", "approve/", reviewer_only), ("post", "return/", reviewer_only),
    ("post", "reopen/", reviewer_only),
]


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("method, suffix, rule", SUBMISSION_URLS)
def test_submission_pages(client, world, username, target, method, suffix, rule):
    period, subs, _records = world
    client.force_login(User.objects.get(username=username))
    path = f"/communes/{target}/{period.year}/q{period.quarter}/{suffix}"
    data = {"version": subs[target].version, "comment": "lý do"}
    response = client.get(path) if method == "get" else client.post(path, data)
    check(response, rule(username, target))


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("target", TARGETS)
def test_commune_pages_and_registries(client, world, username, target):
    period, _subs, records = world
    client.force_login(User.objects.get(username=username))
    check(client.get(f"/communes/{target}/"), reader(username, target))
    check(client.get(f"/reports/communes/{target}/"), reader(username, target))
    record = records[target]
    for path in (f"/communes/{target}/registries/areas/new/",
                 f"/communes/{target}/registries/areas/{record.pk}/"):
        check(client.get(path), officer_or_reviewer(username, target))
        check(client.post(path, {}), officer_or_reviewer(username, target))
    assert ModelArea.objects.get(pk=record.pk).version == record.version


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("target", TARGETS)
def test_api_operations(client, world, username, target):
    _period, subs, records = world
    client.force_login(User.objects.get(username=username))
    commune = Commune.objects.get(slug=target)
    sub = subs[target]
    read = reader(username, target)
    for path in (f"/api/communes/{commune.pk}/", f"/api/submissions/{sub.pk}/",
                 f"/api/model-areas/{records[target].pk}/"):
        check(client.get(path), read)
    check(client.get(f"/api/districts/{commune.district_id}/"),
          OK if DISTRICT_OF[target] in UNIT_OF[username] else HIDDEN)
    Submission.objects.filter(pk=sub.pk).update(status="submitted")
    outcome = reviewer_only(username, target)
    response = client.post(f"/api/submissions/{sub.pk}/return/", {"comment": "Xem lại"},
                           content_type="application/json")
    check(response, outcome)
    status = Submission.objects.get(pk=sub.pk).status
    assert status == ("returned" if outcome == OK else "submitted")


@pytest.mark.parametrize("username", USERS)
@pytest.mark.parametrize("url", ["/api/communes/", "/api/villages/", "/api/submissions/",
                                 "/api/model-areas/", "/api/model-gardens/",
                                 "/api/ocop/products/", "/api/districts/", "/api/targets/"])
def test_api_lists_stay_in_the_unit(client, world, username, url):
    user = User.objects.get(username=username)
    client.force_login(user)
    rows = client.get(url, {"page_size": 500}).json()["results"]
    visible = set(Commune.objects.restrict(user).values_list("pk", flat=True))
    districts = set(Commune.objects.restrict(user).values_list("district_id", flat=True))
    for row in rows:
        if url == "/api/communes/":
            assert row["id"] in visible
        elif url == "/api/districts/":
            assert row["id"] in districts or username in ("admin",)
        elif url == "/api/targets/":
            assert row["district"] in districts or username in ("admin",)
        else:
            assert row["commune"] in visible


@pytest.mark.parametrize("username", USERS)
def test_dashboards_and_exports_by_unit(client, world, username):
    client.force_login(User.objects.get(username=username))
    for district in ("ky-anh", "nghi-xuan"):
        for path in (f"/reports/2021/q1/?unit={district}", f"/reports/2021/q1/export.xlsx?unit={district}"):
            response = client.get(path)
            if district not in UNIT_OF[username]:
                assert response.status_code in (403, 404), (path, response.status_code)
            else:
                assert response.status_code == 200, (path, response.status_code)


@pytest.mark.parametrize("username", ["nx-staff", "nx-committee", "xuan-hoi"])
def test_ocop_of_the_other_district_is_hidden(client, demo, username):
    client.force_login(User.objects.get(username=username))
    product = Product.objects.filter(commune__district__slug="ky-anh").first()
    for suffix in ("", "edit/", "register/", "rate/"):
        assert client.get(f"/ocop/{product.slug}/{suffix}").status_code == 404
    assert product.name not in client.get("/ocop/").content.decode()


def test_home_page_counts_the_unit(client, demo):
    for username, count in (("committee", 21), ("nx-committee", 3), ("province", 24)):
        client.force_login(User.objects.get(username=username))
        text = client.get("/").content.decode()
        assert f">{count}<" in text or f" {count} " in text, username


# ------------------------------------------------------------------ the back office

ADMIN_LISTS = ["communes/commune", "communes/village", "communes/modelarea",
               "communes/modelgarden", "communes/submission", "communes/ntmrecognition",
               "communes/sponsorship", "communes/district", "communes/user",
               "criteria/target", "criteria/indicatorvalue", "ocop/product", "ocop/producer"]


@pytest.mark.parametrize("page", ADMIN_LISTS)
def test_back_office_lists_only_the_staff_members_district(client, world, nx_staff, page):
    client.force_login(nx_staff)
    response = client.get(f"/admin/{page}/")
    assert response.status_code == 200
    text = response.content.decode()
    for name in ("Kỳ Tây", "Kỳ Lạc", "Kỳ Anh"):
        assert name not in text, (page, name)


def test_back_office_opens_no_object_of_another_district(client, world, nx_staff, staff):
    _period, subs, records = world
    ky_tay = Commune.objects.get(slug="ky-tay")
    objects = {
        "communes/commune": ky_tay.pk, "communes/submission": subs["ky-tay"].pk,
        "communes/modelarea": records["ky-tay"].pk,
        "communes/village": Village.objects.filter(commune=ky_tay).first().pk,
        "communes/district": ky_tay.district_id,
        "communes/user": User.objects.get(username="ky-tay").pk,
        "ocop/product": Product.objects.filter(commune__district__slug="ky-anh").first().pk,
    }
    client.force_login(nx_staff)
    for page, pk in objects.items():
        for suffix in ("change/", "history/"):
            response = client.get(f"/admin/{page}/{pk}/{suffix}")
            assert response.status_code in (302, 404), (page, suffix, response.status_code)
            if response.status_code == 302:
                assert response["Location"].endswith("/admin/"), (page, response["Location"])
    # A post on another district's commune changes nothing.
    name = ky_tay.name
    client.post(f"/admin/communes/commune/{ky_tay.pk}/change/", {
        "name": "Đổi tên", "slug": ky_tay.slug, "kind": ky_tay.kind,
        "district": ky_tay.district_id})
    assert Commune.objects.get(pk=ky_tay.pk).name == name
    # Kỳ Anh's staff still open their own.
    client.force_login(staff)
    assert client.get(f"/admin/communes/commune/{ky_tay.pk}/change/").status_code == 200


def test_back_office_choices_stay_in_the_unit(client, demo, nx_staff):
    client.force_login(nx_staff)
    text = client.get("/admin/criteria/target/add/").content.decode()
    assert "Nghi Xuân" in text
    assert "Kỳ Anh" not in text and "Kỳ Tây" not in text


def test_staff_cannot_change_accounts_or_give_themselves_rights(client, demo, nx_staff):
    client.force_login(nx_staff)
    response = client.post(f"/admin/communes/user/{nx_staff.pk}/change/", {
        "username": "nx-staff", "role": "admin", "is_superuser": "on",
        "district": "", "province": ""})
    assert response.status_code == 403
    assert client.post("/admin/communes/user/add/", {
        "username": "intruder", "password1": "Khó-đoán-2026!", "password2": "Khó-đoán-2026!",
        "role": "staff", "usable_password": "true"}).status_code == 403
    nx_staff.refresh_from_db()
    assert (nx_staff.role, nx_staff.is_superuser, nx_staff.district.slug) == ("staff", False, "nghi-xuan")
    assert not User.objects.filter(username="intruder").exists()


# ------------------------------------------------------------------ names from data

def test_titles_and_footer_name_the_users_unit(client, demo):
    for username, unit in (("committee", "Kỳ Anh"), ("nx-committee", "Nghi Xuân"),
                           ("xuan-hoi", "Nghi Xuân"), ("province", "Hà Tĩnh")):
        client.force_login(User.objects.get(username=username))
        text = client.get("/communes/").content.decode()
        title = text.split("<title>")[1].split("</title>")[0]
        footer = text.split("<footer")[1]
        assert unit in title and unit in footer, username
        other = {"Kỳ Anh", "Nghi Xuân"} - {unit}
        assert not any(name in title or name in footer for name in other), username


def test_login_page_names_the_deployment(client, demo, settings):
    text = client.get("/accounts/login/").content.decode()
    assert "Hà Tĩnh" in text and "Kỳ Anh" not in text
    settings.PORTAL_UNIT_NAME = "tỉnh Quảng Trị"
    text = client.get("/accounts/login/").content.decode()
    assert "tỉnh Quảng Trị" in text and "Hà Tĩnh" not in text


def test_a_user_of_one_unit_lands_on_it(client, demo):
    client.force_login(User.objects.get(username="nx-committee"))
    text = client.get("/reports/2021/q1/").content.decode()
    assert "Nghi Xuân" in text and "Kỳ Anh" not in text
    assert 'id="unit-picker"' not in text
    response = client.get("/reports/2021/q1/export.xlsx")
    assert "nghi-xuan" in response["Content-Disposition"]


def test_a_province_account_picks_the_unit_and_the_address_keeps_it(client, demo):
    client.force_login(User.objects.get(username="province"))
    text = client.get("/reports/2021/q1/").content.decode()
    assert 'id="unit-picker"' in text
    assert "?unit=nghi-xuan" in text and "?unit=ky-anh" in text
    text = client.get("/reports/2021/q1/?unit=nghi-xuan").content.decode()
    assert "Nghi Xuân" in text.split("<h1")[1].split("</h1>")[0]
    assert "export.xlsx?unit=nghi-xuan" in text
    assert client.get("/reports/?unit=nghi-xuan")["Location"].endswith("?unit=nghi-xuan")
    # Today's addresses keep working.
    assert client.get("/reports/2021/q1/?district=nghi-xuan").status_code == 200


def test_home_panels_count_only_the_unit(client, demo, nx_staff):
    """Kỳ Anh has submissions waiting in Q2 2021 and certificates expiring; Nghi Xuân none."""
    from ocop.panels import expiring_products

    client.force_login(nx_staff)
    page = client.get("/").content.decode()
    assert "Kỳ" not in page
    assert "/review/2021/q2/" not in page
    client.force_login(User.objects.get(username="staff"))
    assert "/review/2021/q2/" in client.get("/").content.decode()
    today = datetime.date.today()
    assert not expiring_products(today, products=Product.objects.restrict(nx_staff)).exists()


def test_api_figures_of_a_period_are_the_units(client, demo):
    """Nghi Xuân's committee reads Nghi Xuân's totals (134 houses in Q1 2021), Kỳ Anh's
    committee Kỳ Anh's (4.054), the province both."""
    from communes.models import ReportingPeriod

    period = ReportingPeriod.objects.get(year=2021, quarter=1)

    def houses(username):
        client.force_login(User.objects.get(username=username))
        rows = client.get(f"/api/periods/{period.pk}/figures/").json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        value = next(r for r in rows if r["code"] == "ntm-houses-renovated")["quarter"]
        return float(value)

    assert houses("nx-committee") == 134
    assert houses("committee") == 4054
    assert houses("province") == 4054 + 134


def test_district_staff_cannot_add_a_district(client, demo, nx_staff):
    from communes.models import District, Province

    client.force_login(nx_staff)
    assert client.get("/admin/communes/district/add/").status_code == 403
    response = client.post("/admin/communes/district/add/", {
        "name": "Huyện lạ", "slug": "huyen-la", "province": Province.objects.get().pk})
    assert response.status_code == 403
    assert not District.objects.filter(slug="huyen-la").exists()


def test_a_group_of_another_districts_communes_is_neither_shown_nor_changed(client, demo, nx_staff):
    from communes.models import CommuneGroup

    group = CommuneGroup.objects.filter(communes__district__slug="ky-anh").distinct().first()
    members = set(group.communes.values_list("pk", flat=True))
    client.force_login(nx_staff)
    assert group.name not in client.get("/admin/communes/communegroup/").content.decode()
    response = client.post(f"/admin/communes/communegroup/{group.pk}/change/", {
        "name": group.name, "year": group.year, "communes": []})
    assert response.status_code in (302, 403, 404)
    assert set(group.communes.values_list("pk", flat=True)) == members
    # A group holding communes of both districts: Nghi Xuân's staff see it, read-only.
    group.communes.add(Commune.objects.get(slug="xuan-hoi"))
    response = client.post(f"/admin/communes/communegroup/{group.pk}/change/", {
        "name": group.name, "year": group.year, "communes": [
            Commune.objects.get(slug="xuan-hoi").pk]})
    assert response.status_code == 403
    assert len(members) + 1 == group.communes.count()


def test_saving_a_commune_keeps_a_predecessor_of_another_district(client, demo, nx_staff):
    xuan_hoi = Commune.objects.get(slug="xuan-hoi")
    ky_tay = Commune.objects.get(slug="ky-tay")
    xuan_hoi.predecessors.add(ky_tay)
    client.force_login(nx_staff)
    page = client.get(f"/admin/communes/commune/{xuan_hoi.pk}/change/").content.decode()
    assert "Kỳ Tây" not in page
    data = {"name": "Xuân Hội", "slug": "xuan-hoi", "kind": xuan_hoi.kind,
            "district": xuan_hoi.district_id, "code": "", "predecessors": []}
    for prefix in ("villages", "recognitions", "sponsorships"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    villages = list(xuan_hoi.villages.all())
    data.update({"villages-TOTAL_FORMS": len(villages), "villages-INITIAL_FORMS": len(villages)})
    for i, village in enumerate(villages):
        data.update({f"villages-{i}-id": village.pk, f"villages-{i}-commune": xuan_hoi.pk,
                     f"villages-{i}-name": village.name, f"villages-{i}-is_invented": "on"})
    response = client.post(f"/admin/communes/commune/{xuan_hoi.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(xuan_hoi.predecessors.all()) == [ky_tay]


@pytest.mark.parametrize("username", ["nx-staff", "nx-committee"])
def test_another_units_readers_see_none_of_kyanhs_action_plan(client_for, demo, username):
    """The action plan follows the unit: Nghi Xuân reads no task of Kỳ Anh, page or API."""
    from criteria.models import Task

    user = User.objects.get(username=username)
    kyanh_tasks = Task.objects.filter(district__slug="ky-anh")
    assert kyanh_tasks.exists()
    assert not Task.objects.restrict(user).filter(district__slug="ky-anh").exists()
    client = client_for(user)
    page = client.get("/plan/").content.decode()
    assert not any(t.title in page for t in kyanh_tasks)
    for task in kyanh_tasks[:3]:
        assert client.get(f"/plan/{task.pk}/").status_code == 404
        assert client.get(f"/api/tasks/{task.pk}/").status_code == 404
    assert client.get("/api/tasks/").json()["count"] == 0


def test_submitted_reports_are_told_to_their_own_units_staff_only(demo):
    """A Kỳ Anh submission is announced to Kỳ Anh's staff, never to Nghi Xuân's."""
    from django.utils import timezone

    from communes.choices import NoticeKind, WorkflowAction
    from communes.models import SubmissionEvent
    from communes.notifications import event_drafts

    submission = Submission.objects.filter(commune__slug="ky-tay").first()
    SubmissionEvent.objects.create(submission=submission, action=WorkflowAction.SUBMIT,
                                   user=User.objects.get(username="ky-tay"))
    told = {User.objects.get(pk=d.user_id).username
            for d in event_drafts(timezone.now() - datetime.timedelta(minutes=1))
            if d.kind == NoticeKind.SUBMITTED}
    assert "staff" in told and "nx-staff" not in told


def test_staff_reset_passwords_only_in_their_unit(demo):
    from communes.accounts import can_reset_password

    nx_staff = User.objects.get(username="nx-staff")
    assert can_reset_password(nx_staff, User.objects.get(username="xuan-hoi"))
    assert not can_reset_password(nx_staff, User.objects.get(username="ky-tay"))
    assert can_reset_password(User.objects.get(username="staff"),
                              User.objects.get(username="ky-tay"))


def test_the_period_picker_keeps_the_unit_chosen(client_for, demo):
    """A province reader on Nghi Xuân's dashboard picks another quarter and stays on
    Nghi Xuân, not on the first district."""
    client = client_for(User.objects.get(username="province"))
    page = client.get("/reports/2021/q1/?unit=nghi-xuan").content.decode()
    assert 'href="/reports/2021/q2/?unit=nghi-xuan"' in page
