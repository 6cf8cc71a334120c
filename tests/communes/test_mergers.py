"""Applying mergers of communes: one door (``communes.mergers``), the workflow's rule for a
closed unit, the officers' read-only view of the predecessors, the workbook, the 2025 mapping,
the command, the set-up page and the back office."""

import datetime
import io
import json
import re
from importlib import util
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from communes import mergers, workflow
from communes.choices import CommuneKind, Role, SubmissionStatus
from communes.models import (Commune, District, Province, ReportingPeriod, Sponsorship,
                             Submission, User, Village)
from communes.scoping import CHANGE, VIEW
from ntm_portal.formats import vn_slugify

REFORM = datetime.date(2025, 7, 1)
GROUP = ("ky-van", "ky-trung", "ky-tay")


def _communes(*slugs):
    found = Commune.objects.select_related("district__province").in_bulk(slugs, field_name="slug")
    return [found[s] for s in slugs]


def _spec(slugs=GROUP, name="Kỳ Văn", date=REFORM, **kwargs):
    return mergers.MergerSpec(name=name, predecessors=_communes(*slugs), date=date, **kwargs)


def _snapshot():
    return (Commune.objects.count(), Village.objects.count(), Sponsorship.objects.count(),
            District.objects.count(), Commune.history.count(), Village.history.count(),
            sorted(User.objects.filter(role=Role.OFFICER).values_list("username", "commune_id")),
            sorted(Commune.objects.values_list("pk", "valid_to")))


@pytest.fixture
def province_staff(demo):
    province = Province.objects.get(slug="ha-tinh")
    return User.objects.create_user("ht-staff", role=Role.STAFF, province=province)


def _xlsx(rows, header=mergers.COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "SapNhap"
    for row in [header, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "sap-nhap.xlsx"
    return buffer


# ---------------------------------------------------------------- the service

def test_a_dry_run_writes_nothing_and_bumps_no_version(demo):
    from reports.cache import data_version

    before, version = _snapshot(), data_version()
    result = mergers.apply_mergers(None, [_spec()], dry_run=True)
    assert not result.errors and result.dry_run
    item = result.items[0]
    assert item.status == mergers.APPLIED and item.closed == ["Kỳ Văn", "Kỳ Trung", "Kỳ Tây"]
    villages = Village.objects.filter(commune__slug__in=GROUP).count()
    assert item.villages == villages > 0
    assert sorted(item.officers) == sorted(GROUP)
    assert item.sponsorships == Sponsorship.objects.active(REFORM).filter(
        commune__slug__in=GROUP).count() == 1
    assert _snapshot() == before and data_version() == version
    assert "Chưa lưu" in _vi(result.summary)


def _vi(function):
    from django.utils import translation

    with translation.override("vi"):
        return function()


def test_applying_creates_closes_and_moves_exactly(demo):
    old = _communes(*GROUP)
    old_villages = {v.pk: v.name for v in Village.objects.filter(commune__in=old)}
    sponsor = Sponsorship.objects.get(commune__slug="ky-tay")
    others = Commune.objects.exclude(slug__in=GROUP).count()
    result = mergers.apply_mergers(None, [_spec(code="18787")], dry_run=False)
    assert not result.errors
    new = result.items[0].commune
    new.refresh_from_db()
    assert (new.name, new.code, new.valid_from, new.valid_to) == ("Kỳ Văn", "18787", REFORM, None)
    assert new.district.slug == "ha-tinh-2025" and new.district.province.slug == "ha-tinh"
    assert new.slug != "ky-van"  # the old Kỳ Văn keeps its address
    assert {c.slug for c in new.predecessors.all()} == set(GROUP)
    for commune in Commune.objects.filter(slug__in=GROUP):
        assert commune.valid_to == REFORM - datetime.timedelta(days=1)
    assert Commune.objects.exclude(slug__in=GROUP).exclude(pk=new.pk).count() == others
    assert Commune.objects.filter(valid_to__isnull=False).count() == 3
    assert set(User.objects.filter(commune=new).values_list("username", flat=True)) == set(GROUP)
    copies = Village.objects.filter(commune=new).prefetch_related("predecessors")
    assert len(copies) == len(old_villages)
    assert {c.predecessors.get().pk for c in copies} == set(old_villages)
    assert all(c.valid_from == REFORM for c in copies)
    assert not Village.objects.filter(pk__in=old_villages, valid_to__isnull=True).exists()
    # Bulk writes keep their history: a "+" for each copy, a "~" closing each old village.
    assert Village.history.filter(id__in=[c.pk for c in copies],
                                  history_type="+").count() == len(copies)
    assert Village.history.filter(id__in=old_villages, history_type="~",
                                  valid_to=REFORM - datetime.timedelta(days=1)).count() == \
        len(old_villages)
    sponsor.refresh_from_db()
    assert sponsor.end_date == REFORM - datetime.timedelta(days=1)
    moved = Sponsorship.objects.get(commune=new)
    assert (moved.unit_id, moved.start_date, moved.end_date) == (sponsor.unit_id, REFORM, None)
    assert new.history.first().history_type == "+"


def test_applying_again_answers_already_applied_and_changes_nothing(demo):
    mergers.apply_mergers(None, [_spec()], dry_run=False)
    before = _snapshot()
    result = mergers.apply_mergers(None, [_spec()], dry_run=False)
    assert not result.errors and [i.status for i in result.items] == [mergers.ALREADY]
    assert _snapshot() == before
    assert "đã áp dụng" in _vi(result.summary)


def test_one_bad_merger_applies_none(demo):
    before = _snapshot()
    good = _spec(("ky-xuan", "ky-bac"), name="Kỳ Xuân")
    bad = _spec(("ky-phong", "ky-bac"), name="Kỳ Phong")  # Kỳ Bắc named twice in the list
    result = mergers.apply_mergers(None, [good, bad], dry_run=False)
    assert result.errors and "Kỳ Bắc" in result.errors[0].message
    assert _snapshot() == before


def test_scope_staff_of_another_unit_are_refused(demo, staff, nx_staff, province_staff, officer):
    before = _snapshot()
    # After the reform the new unit hangs under the province: a district's staff may not.
    result = mergers.apply_mergers(staff, [_spec()], dry_run=False)
    assert result.errors and _snapshot() == before
    # Another district's staff may not merge Kỳ Anh's communes, even under Kỳ Anh.
    kyanh = District.objects.get(slug="ky-anh")
    early = _spec(("ky-lam", "ky-hop"), name="Lâm Hợp", date=datetime.date(2021, 7, 1),
                  parent=kyanh)
    assert mergers.apply_mergers(nx_staff, [early], dry_run=True).errors
    # Kỳ Anh's staff may, inside Kỳ Anh; the province's staff may do the reform.
    assert not mergers.apply_mergers(staff, [early], dry_run=True).errors
    assert not mergers.apply_mergers(province_staff, [_spec()], dry_run=False).errors
    with pytest.raises(PermissionDenied):
        mergers.apply_mergers(officer, [_spec()], dry_run=True)


def test_validation_in_vietnamese(demo):
    from django.utils import translation

    kyanh = District.objects.get(slug="ky-anh")
    with translation.override("vi"):
        # Reports of the quarter after the date, drafts or approved: refused with the quarter
        # named (the new unit's history would count them a second time).
        for status in (SubmissionStatus.DRAFT, SubmissionStatus.APPROVED):
            reported = Submission.objects.filter(period__year=2021, period__quarter=2,
                                                 status=status).first().commune
            result = mergers.apply_mergers(None, [mergers.MergerSpec(
                name="Mới", predecessors=[reported], date=datetime.date(2021, 4, 1),
                parent=kyanh)])
            assert "Quý II/2021" in result.errors[0].message
            assert "đã có báo cáo" in result.errors[0].message
        # A date before the predecessor's start.
        ky_lam = Commune.objects.get(slug="ky-lam")
        ky_lam.valid_from = datetime.date(2022, 1, 1)
        ky_lam.save()
        result = mergers.apply_mergers(None, [_spec(("ky-lam",), name="X",
                                                    date=datetime.date(2021, 12, 1))])
        assert "bắt đầu" in result.errors[0].message
        # Merged elsewhere already; closed.
        mergers.apply_mergers(None, [_spec()], dry_run=False)
        result = mergers.apply_mergers(None, [_spec(("ky-tay",), name="Khác")])
        assert "đã được sáp nhập vào Kỳ Văn" in result.errors[0].message
        ky_lac = Commune.objects.get(slug="ky-lac")
        ky_lac.valid_to = datetime.date(2024, 12, 31)
        ky_lac.save()
        result = mergers.apply_mergers(None, [_spec(("ky-lac",), name="Y")])
        assert "đã kết thúc" in result.errors[0].message
        assert mergers.apply_mergers(None, [_spec((), name="Z")]).errors


# ---------------------------------------------------------------- a closed unit

@pytest.fixture
def closed_ky_tay(open_period, ky_tay):
    ky_tay.valid_to = open_period.start_date - datetime.timedelta(days=1)
    ky_tay.save()
    return ky_tay


def test_a_closed_commune_refuses_a_later_draft_on_the_web(client_for, officer, closed_ky_tay,
                                                          open_period):
    client = client_for(officer)
    url = f"/communes/{closed_ky_tay.slug}/{open_period.year}/q{open_period.quarter}/"
    page = client.get(url)
    assert page.status_code == 200 and not page.context["editable"]
    response = client.post(url, {"version": 0})
    assert response.status_code in (200, 403)
    assert "kết thúc" in response.text
    assert not Submission.objects.filter(commune=closed_ky_tay, period=open_period).exists()
    # The quarter it still covered stays open to it.
    earlier = ReportingPeriod.containing(closed_ky_tay.valid_to)
    assert workflow.closed_refusal(closed_ky_tay, earlier) is None


def test_a_closed_commune_refuses_a_later_draft_on_the_api(client, officer, closed_ky_tay,
                                                          open_period):
    client.force_login(officer)
    response = client.post("/api/submissions/", {"commune": closed_ky_tay.pk,
                                                 "period": open_period.pk},
                           content_type="application/json")
    assert response.status_code == 403 and "kết thúc" in response.json()["detail"]
    assert not Submission.objects.filter(commune=closed_ky_tay, period=open_period).exists()
    with pytest.raises(workflow.WorkflowError):
        workflow.create_drafts([closed_ky_tay], open_period)


def test_a_closed_commune_refuses_the_district_import(client_for, staff, closed_ky_tay,
                                                      open_period):
    from criteria.excel_import import district_template, import_district

    district = closed_ky_tay.district
    communes = Commune.objects.filter(district=district)
    content = district_template(open_period, district, communes)
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            if row[0].value == closed_ky_tay.slug:
                sheet.cell(row=row[0].row, column=4, value=1)
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "x.xlsx"
    result = import_district(open_period, staff, district, communes, upload)
    assert any("kết thúc" in e.message or "ended" in e.message for e in result.errors)
    assert not Submission.objects.filter(period=open_period).exists()


# ---------------------------------------------------------------- officers and predecessors

@pytest.mark.parametrize("see", [False, True])
def test_officers_read_the_predecessors_only_when_allowed(demo, client_for, see):
    result = mergers.apply_mergers(None, [_spec(officers_see_predecessors=see)], dry_run=False)
    new = result.items[0].commune
    officer = User.objects.get(username="ky-van")
    readable = set(Commune.objects.restrict(officer, VIEW).values_list("slug", flat=True))
    assert readable == ({new.slug, *GROUP} if see else {new.slug})
    assert set(Commune.objects.restrict(officer, CHANGE).values_list("slug", flat=True)) == \
        {new.slug}
    old = Submission.objects.filter(commune__slug="ky-tay", period__year=2021,
                                    period__quarter=1).get()
    assert Submission.objects.restrict(officer, VIEW).filter(pk=old.pk).exists() == see
    assert not Submission.objects.restrict(officer, CHANGE).filter(pk=old.pk).exists()
    client = client_for(officer)
    page = client.get(old.get_absolute_url())
    assert page.status_code == (200 if see else 404)
    if see:
        assert not page.context["editable"]
        with pytest.raises(workflow.WorkflowError):
            workflow.check_can_edit(old, officer)


def test_officers_read_their_predecessors_predecessors_but_not_further(demo):
    """Kỳ Tây was formed from an older unit, itself formed from another: the officers of
    the 2025 unit read the three generations, and change only their own unit."""
    old_tay = Commune.objects.get(slug="ky-tay")
    older = Commune.objects.create(district=old_tay.district, name="Tây cũ", slug="tay-cu",
                                   valid_to=datetime.date(2010, 12, 31))
    oldest = Commune.objects.create(district=old_tay.district, name="Tây xưa", slug="tay-xua",
                                    valid_to=datetime.date(2005, 12, 31))
    ancient = Commune.objects.create(district=old_tay.district, name="Tây cổ", slug="tay-co",
                                     valid_to=datetime.date(2000, 12, 31))
    old_tay.predecessors.add(older)
    older.predecessors.add(oldest)
    oldest.predecessors.add(ancient)
    result = mergers.apply_mergers(None, [_spec(officers_see_predecessors=True)], dry_run=False)
    new = result.items[0].commune
    officer = User.objects.get(username="ky-van")
    readable = set(Commune.objects.restrict(officer, VIEW).values_list("slug", flat=True))
    assert readable == {new.slug, *GROUP, "tay-cu", "tay-xua"}  # not the fourth generation
    assert set(Commune.objects.restrict(officer, CHANGE).values_list("slug", flat=True)) == \
        {new.slug}


# ---------------------------------------------------------------- the workbook

def test_the_template_reads_back(demo):
    specs, errors = mergers.read_workbook(io.BytesIO(mergers.template()))
    assert not errors
    assert [(s.name, s.code, s.date, [c.slug for c in s.predecessors]) for s in specs] == [
        ("Kỳ Văn", "18787", REFORM, list(GROUP))]


def test_workbook_errors_name_their_cells(demo):
    from django.utils import translation

    rows = [("Kỳ Văn", "Xã", "", "ky-van; khong-co", "01/07/2025"),
            ("", "Huyện", "12a", "ky-bac", "31/02/2025"),
            ("Kỳ Xuân", "Xã", "", "ky-xuan;ky-bac", datetime.datetime(2025, 7, 1))]
    with translation.override("vi"):
        specs, errors = mergers.read_workbook(_xlsx(rows))
    cells = {e.cell: e.message for e in errors}
    assert set(cells) == {"D2", "A3", "B3", "C3", "E3"}
    assert "khong-co" in cells["D2"] and "dd/mm/yyyy" in cells["E3"]
    assert [s.name for s in specs] == ["Kỳ Xuân"]
    specs, errors = mergers.read_workbook(_xlsx(rows[:1], header=("a", "b")))
    assert errors and errors[0].cell == "A1"
    specs, errors = mergers.read_workbook(io.BytesIO(b"not a workbook"))
    assert errors and not specs


def test_a_merger_refused_by_the_service_names_the_workbook_cell(demo):
    rows = [("Kỳ Văn", "Xã", "", "ky-van;ky-trung", "01/07/2025"),
            ("Kỳ Trung", "Xã", "", "ky-trung", "01/07/2025")]
    specs, errors = mergers.read_workbook(_xlsx(rows))
    assert not errors
    result = mergers.apply_mergers(None, specs, dry_run=False)
    assert [e.cell for e in result.errors] == ["D3"]
    assert not Commune.objects.filter(valid_from=REFORM).exists()


# ---------------------------------------------------------------- the 2025 mapping

def _package_groups():
    """The package's own table for Hà Tĩnh, read here independently: {new key: [old keys]}."""
    spec = util.find_spec("vietnamadminunits")
    path = f"{list(spec.submodule_search_locations)[0]}/data/converter_2025.json"
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhhatinh"]


def _key(name):
    return vn_slugify(name).replace("-", "")


def test_mapping_2025_gives_the_packages_groups_for_the_demo(demo):
    province, kyanh = Province.objects.get(slug="ha-tinh"), District.objects.get(slug="ky-anh")
    mapping = mergers.mapping_2025(province, kyanh)
    groups = _package_groups()
    held = {}
    for commune in Commune.objects.filter(district=kyanh):
        held[f"xa{_key(commune.name)}"] = held[f"thitran{_key(commune.name)}"] = commune.name
    expected = {}
    for new_key, old_keys in groups.items():
        names = sorted(held[k.rsplit("_", 1)[1]] for k in old_keys
                       if k.split("_")[1] == "huyenkyanh" and k.rsplit("_", 1)[1] in held)
        if names:
            expected[new_key] = names
    got = {("xa" if s.kind == CommuneKind.COMMUNE else "phuong") + _key(s.name):
           sorted(c.name for c in s.predecessors) for s in mapping.specs}
    assert got == expected
    kyvan = next(s for s in mapping.specs if s.name == "Kỳ Văn")
    assert sorted(c.name for c in kyvan.predecessors) == sorted(
        held[k.rsplit("_", 1)[1]] for k in groups["xakyvan"])
    # Former units the portal never held are named, not dropped.
    lac = next(s for s in mapping.specs if s.name == "Kỳ Lạc")
    assert [c.name for c in lac.predecessors] == ["Kỳ Lạc"] and "Lâm Hợp" in lac.absent[0]
    # Held communes the table does not map are listed, never guessed.
    placed = {c.pk for s in mapping.specs for c in s.predecessors}
    assert {c.name for c, _r in mapping.unmapped} == set(
        Commune.objects.filter(district=kyanh).exclude(pk__in=placed).values_list("name", flat=True))
    assert {c.name for c, _r in mapping.unmapped} == {"Kỳ Lâm", "Kỳ Hợp"}
    assert all(s.date == REFORM and s.parent is None for s in mapping.specs)


def test_the_command_dry_runs_then_applies(demo):
    out = StringIO()
    call_command("apply_merger", "--mapping-2025", "--province", "ha-tinh", "--district",
                 "ky-anh", stdout=out)
    assert "Chưa lưu" in out.getvalue() and "Kỳ Lâm" in out.getvalue()
    assert not Commune.objects.filter(valid_from=REFORM).exists()
    expected = mergers.mapping_2025(Province.objects.get(slug="ha-tinh"),
                                    District.objects.get(slug="ky-anh")).specs
    out = StringIO()
    call_command("apply_merger", "--mapping-2025", "--province", "ha-tinh", "--district",
                 "ky-anh", "--apply", stdout=out)
    assert sorted(Commune.objects.filter(valid_from=REFORM).values_list("name", flat=True)) == \
        sorted(s.name for s in expected)
    assert "Đã áp dụng" in out.getvalue()
    out = StringIO()
    call_command("apply_merger", "--mapping-2025", "--province", "ha-tinh", "--district",
                 "ky-anh", "--apply", stdout=out)
    assert Commune.objects.filter(valid_from=REFORM).count() == len(expected)
    assert "đã áp dụng" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("apply_merger", "--mapping-2025", "--province", "khong-co", stdout=StringIO())


# ---------------------------------------------------------------- the page

def test_the_page_previews_then_applies_once(demo, client_for, province_staff):
    client = client_for(province_staff)
    assert client.get("/communes/setup/mergers/").status_code == 200
    before = _snapshot()
    preview = client.post("/communes/setup/mergers/", {"source": "mapping", "district": "ky-anh"})
    assert preview.status_code == 200 and _snapshot() == before
    text = preview.content.decode()
    assert "Kỳ Trung" in text and "Kỳ Lâm" in text
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    first = client.post("/communes/setup/mergers/", {"action": "apply", "token": token})
    assert first.status_code == 200
    created = Commune.objects.filter(valid_from=REFORM).count()
    assert created == len(preview.context["result"].items)
    second = client.post("/communes/setup/mergers/", {"action": "apply", "token": token})
    assert second.status_code == 200 and "đã áp dụng" in second.content.decode()
    assert Commune.objects.filter(valid_from=REFORM).count() == created
    bad = client.post("/communes/setup/mergers/", {"action": "apply", "token": "x:y"})
    assert bad.status_code == 200 and Commune.objects.filter(valid_from=REFORM).count() == created


def test_the_page_reads_a_workbook_and_is_refused_to_others(demo, client_for, province_staff,
                                                           officer):
    client = client_for(province_staff)
    upload = _xlsx([("Kỳ Văn", "Xã", "", "ky-van;khong-co", "01/07/2025")])
    response = client.post("/communes/setup/mergers/", {"source": "workbook", "file": upload})
    assert response.status_code == 200 and "khong-co" in response.content.decode()
    assert client.get("/communes/setup/mergers/template.xlsx").status_code == 200
    assert client_for(officer).get("/communes/setup/mergers/").status_code == 403


def test_the_back_office_shows_validity_and_predecessors_read_only(demo, client_for,
                                                                    admin_user):
    result = mergers.apply_mergers(None, [_spec()], dry_run=False)
    new = result.items[0].commune
    client = client_for(admin_user)
    page = client.get(f"/admin/communes/commune/{new.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("valid_from", "valid_to", "predecessors", "officers_see_predecessors",
                 "absent_predecessors"):
        assert name not in form.fields
    assert "Kỳ Trung" in page.content.decode()  # the predecessors are shown
    data = {"name": new.name, "slug": new.slug, "kind": new.kind, "district": new.district_id,
            "code": new.code, "valid_to": "2025-07-02", "predecessors": [],
            "officers_see_predecessors": "on"}
    for prefix in ("villages", "recognitions", "sponsorships"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    client.post(f"/admin/communes/commune/{new.pk}/change/", data)
    new.refresh_from_db()
    assert new.valid_to is None and new.predecessors.count() == 3
    assert not new.officers_see_predecessors


def test_the_plan_reads_a_fixed_number_of_queries(demo, province_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mapping = mergers.mapping_2025(Province.objects.get(slug="ha-tinh"),
                                   District.objects.get(slug="ky-anh"))
    assert len(mapping.specs) > 5
    counts = []
    for specs in (mapping.specs[:1], mapping.specs):
        with CaptureQueriesContext(connection) as queries:
            result = mergers.apply_mergers(province_staff, specs, dry_run=True)
        assert not result.errors and len(result.items) == len(specs)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.postgres
def test_two_applications_at_once_create_one_unit(restore_demo, transactional_db):
    """A double click on PostgreSQL: the second application waits for the first (the former
    units are locked), then finds the merger applied."""
    from django.db import connection

    from tests.conftest import load_demo
    from tests.test_idempotency import _race

    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite serialises writers, so there is no race to test.")
    load_demo()

    def apply(_index):
        result = mergers.apply_mergers(None, [_spec()], dry_run=False)
        return [e.message for e in result.errors], [i.status for i in result.items]

    results = _race(apply)
    assert sorted(r[1][0] for r in results) == [mergers.ALREADY, mergers.APPLIED], results
    assert Commune.objects.filter(valid_from=REFORM).count() == 1
