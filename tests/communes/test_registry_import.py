"""The registry workbook: villages, model areas and gardens, all or nothing, never twice."""

import datetime
import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from communes.models import Commune, ModelArea, ModelGarden, Village

IMPORT = reverse("communes:registry-import")
TEMPLATE = reverse("communes:registry-template")


def _counts():
    return Village.objects.count(), ModelArea.objects.count(), ModelGarden.objects.count()


def _workbook(villages=(), areas=(), gardens=(), sheets=3):
    """A filled workbook as the template lays it out (row 1 headers)."""
    wb = Workbook()
    wb.remove(wb.active)
    for index, rows in enumerate((villages, areas, gardens)[:sheets]):
        ws = wb.create_sheet(["Thôn", "Khu dân cư mẫu", "Vườn mẫu"][index])
        ws.append(["header"] * 10)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.name = "registries.xlsx"
    out.seek(0)
    return out


def _post(client, upload):
    return client.post(IMPORT, {"file": upload})


VILLAGES = [("ky-tay", "Thôn Mới", "KT-09"), ("Kỳ Lạc", "Xóm Bàu", "")]
AREAS = [("ky-tay", "Thôn Mới", "01/02/2021", "15/02/2021", None, "", None, "mới")]
GARDENS = [
    ("ky-tay", "Thôn Mới", "Nguyễn Văn Nạp", "Cấp huyện", datetime.datetime(2020, 9, 1),
     "10/01/2021", "12/QĐ-UBND", None, ""),
    ("ky-lac", "Xóm Bàu", "Trần Thị Bé", "Cấp tỉnh", "01/10/2020", None, "", None, "ghi chú"),
]


def test_template_has_three_sheets_and_the_units_communes(client_for, staff, demo):
    response = client_for(staff).get(TEMPLATE)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == ["Thôn", "Khu dân cư mẫu", "Vườn mẫu"]
    lists = wb["lists"]
    assert lists.sheet_state == "hidden"
    names = {row[1] for row in lists.iter_rows(values_only=True)}
    assert "ky-tay" in names and "xuan-hoi" not in names  # only the unit's communes
    assert wb["Thôn"]["A1"].value.startswith("Xã")
    assert wb["Thôn"].data_validations.dataValidation  # the commune list
    assert len(wb["Vườn mẫu"].data_validations.dataValidation) == 2  # communes, level


def test_only_staff_load_registries(client_for, officer, committee, sponsor, demo):
    before = _counts()
    for user in (officer, committee, sponsor):
        client = client_for(user)
        assert client.get(IMPORT).status_code == 403
        assert client.get(TEMPLATE).status_code == 403
        assert _post(client, _workbook(VILLAGES)).status_code == 403
    assert _counts() == before


def test_a_workbook_loads_and_running_it_again_updates_never_duplicates(client_for, staff,
                                                                       demo):
    client = client_for(staff)
    before = _counts()
    response = _post(client, _workbook(VILLAGES, AREAS, GARDENS))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert _counts() == (before[0] + 2, before[1] + 1, before[2] + 2)
    village = Village.objects.get(commune__slug="ky-tay", name="Thôn Mới")
    assert village.code == "KT-09"
    garden = ModelGarden.objects.get(household="Nguyễn Văn Nạp")
    assert garden.registered_on == datetime.date(2020, 9, 1)  # an Excel date
    assert garden.recognised_on == datetime.date(2021, 1, 10)
    assert ModelGarden.objects.get(household="Trần Thị Bé").level == "province"
    assert garden.history.first().history_user == staff
    area = ModelArea.objects.get(village=village)
    assert area.building_since == datetime.date(2021, 2, 15) and area.note == "mới"
    # The same file again: nothing new, nothing changed.
    assert _post(client, _workbook(VILLAGES, AREAS, GARDENS)).status_code == 302
    assert _counts() == (before[0] + 2, before[1] + 1, before[2] + 2)
    assert garden.history.count() == 1
    # A changed cell updates its record, with the next version and the history.
    changed = [GARDENS[0][:8] + ("đã sửa",), GARDENS[1]]
    renamed = [("ky-tay", "Thôn Mới Đổi", "KT-09"), VILLAGES[1]]
    areas = [("ky-tay", "Thôn Mới Đổi") + AREAS[0][2:]]
    changed[0] = ("ky-tay", "Thôn Mới Đổi") + changed[0][2:]
    response = _post(client, _workbook(renamed, areas, changed))
    assert response.status_code == 302, response.context and response.context["errors"]
    assert _counts() == (before[0] + 2, before[1] + 1, before[2] + 2)
    garden.refresh_from_db()
    village.refresh_from_db()
    assert village.name == "Thôn Mới Đổi"  # matched by its code
    assert garden.note == "đã sửa" and garden.version == 2 and garden.history.count() == 2


@pytest.mark.parametrize("order", [1, -1], ids=["lapse-first", "lapse-below"])
def test_a_recognised_area_lapses_and_the_village_starts_again(client_for, staff, demo, order):
    client = client_for(staff)
    assert _post(client, _workbook(
        VILLAGES, [("ky-tay", "Thôn Mới", "01/02/2021", None, "01/03/2021", "5/QĐ", None, "")],
    )).status_code == 302
    lapse = [("ky-tay", "Thôn Mới", "01/02/2021", None, "01/03/2021", "5/QĐ", "01/06/2022", ""),
             ("ky-tay", "Thôn Mới", "01/07/2022", None, None, "", None, "lần 2")]
    response = _post(client, _workbook(VILLAGES, lapse[::order]))
    assert response.status_code == 302, response.context and response.context["errors"]
    village = Village.objects.get(name="Thôn Mới")
    assert ModelArea.objects.filter(village=village).count() == 2
    assert ModelArea.objects.filter(village=village, lapsed_on__isnull=True).count() == 1


# (sheet index, row, the cell expected in the error list, a fragment of the message)
BAD = [
    ("unknown commune", [("khong-co", "Thôn A", "")], [], [], "Thôn", "A2", "không phải"),
    ("other unit's commune", [("xuan-hoi", "Thôn A", "")], [], [], "Thôn", "A2", "không phải"),
    ("missing village name", [("ky-tay", "", "")], [], [], "Thôn", "B2", ""),
    ("duplicate village", [("ky-tay", "Thôn A", ""), ("ky-tay", "thôn a", "")], [], [],
     "Thôn", "B3", "2"),
    ("too long", [("ky-tay", "T" * 300, "")], [], [], "Thôn", "B2", ""),
    ("formula", [("ky-tay", "=HYPERLINK(\"x\")", "")], [], [], "Thôn", "B2", ""),
    ("unknown village", [], [("ky-tay", "Thôn Không Có", "01/02/2021")], [],
     "Khu dân cư mẫu", "B2", ""),
    ("bad date", [], [("ky-tay", "Thôn 1", "31/02/2021")], [], "Khu dân cư mẫu", "C2", ""),
    ("missing date", [], [("ky-tay", "Thôn 4", None, None, None, "", None, "x")], [],
     "Khu dân cư mẫu", "C2", ""),
    ("future date", [], [("ky-tay", "Thôn 4", "01/01/2099")], [], "Khu dân cư mẫu", "C2", ""),
    ("dates out of order", [], [("ky-tay", "Thôn 4", "01/02/2021", "01/01/2021")], [],
     "Khu dân cư mẫu", "D2", ""),
    ("recognised without decision", [], [("ky-tay", "Thôn 4", "01/02/2021", None,
                                          "01/03/2021", "")], [], "Khu dân cư mẫu", "F2", ""),
    ("second open area", [], [("ky-tay", "Thôn 1", "05/05/2021")], [],
     "Khu dân cư mẫu", "B2", ""),
    ("bad level", [], [], [("ky-tay", "Thôn 1", "Hộ A", "cấp xã", "01/02/2021")],
     "Vườn mẫu", "D2", ""),
    ("missing household", [], [], [("ky-tay", "Thôn 1", "", "", "01/02/2021")],
     "Vườn mẫu", "C2", ""),
    ("duplicate household", [], [], [("ky-tay", "Thôn 1", "Hộ A", "", "01/02/2021"),
                                     ("ky-tay", "Thôn 1", "hộ a", "", "01/03/2021")],
     "Vườn mẫu", "C3", ""),
    ("lapsed not recognised", [], [], [("ky-tay", "Thôn 1", "Hộ A", "", "01/02/2021", None, "",
                                        "01/03/2021")], "Vườn mẫu", "H2", ""),
]


@pytest.mark.parametrize("case, villages, areas, gardens, sheet, cell, fragment", BAD,
                         ids=[b[0] for b in BAD])
def test_every_error_names_its_sheet_and_cell_and_nothing_is_written(
        client_for, staff, demo, case, villages, areas, gardens, sheet, cell, fragment):
    before = _counts()
    good = [("ky-tay", "Thôn Tốt", "")]  # a good row beside the bad one: not saved either
    response = _post(client_for(staff), _workbook(list(villages) + good, areas, gardens))
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors, case
    assert (sheet, cell) in [(e.sheet, e.cell) for e in errors], [vars(e) for e in errors]
    message = next(e.message for e in errors if (e.sheet, e.cell) == (sheet, cell))
    assert fragment in message
    assert 'id="import-errors"' in response.content.decode()
    assert _counts() == before
    assert not Village.objects.filter(name="Thôn Tốt").exists()


def test_an_other_units_commune_reads_exactly_as_an_unknown_one(client_for, staff, demo):
    client = client_for(staff)
    messages = []
    for name in ("xuan-hoi", "khong-co-xa-nay"):
        errors = _post(client, _workbook([(name, "Thôn A", "")])).context["errors"]
        messages.append(errors[0].message.replace(name, "X"))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("upload, fragment", [
    (io.BytesIO(b"not a workbook"), ""),
    (None, ""),
])
def test_files_that_are_not_the_template_are_refused(client_for, staff, demo, upload, fragment):
    client = client_for(staff)
    if upload is None:
        upload = _workbook([("ky-tay", "Thôn A", "")], sheets=1)
    else:
        upload.name = "x.xlsx"
    before = _counts()
    response = _post(client, upload)
    assert response.status_code == 200 and response.context["errors"]
    assert _counts() == before
    assert client.post(IMPORT).context["errors"]  # no file at all


def _big(commune_slugs, villages_per_commune, areas, gardens):
    villages = [(slug, f"Thôn Nạp {i}", f"N{i}") for slug in commune_slugs
                for i in range(villages_per_commune)]
    area_rows = [(v[0], v[1], "01/02/2021", "01/03/2021", "01/06/2021", f"{n}/QĐ", None, "")
                 for n, v in zip(range(areas), villages)]
    garden_rows = [(villages[n % len(villages)][0], villages[n % len(villages)][1],
                    f"Hộ số {n}", "Cấp huyện", "01/02/2021", "01/06/2021", f"G{n}", None, "")
                   for n in range(gardens)]
    return villages, area_rows, garden_rows


def test_a_districts_registries_load_in_one_upload(client_for, staff, demo):
    """265 model areas and 1,807 gardens, as the real district's registries."""
    slugs = list(Commune.objects.filter(district=demo).values_list("slug", flat=True))
    villages, areas, gardens = _big(slugs, 13, 265, 1807)
    before = _counts()
    client = client_for(staff)
    started = time.monotonic()
    response = _post(client, _workbook(villages, areas, gardens))
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.context and response.context["errors"][:5]
    assert _counts() == (before[0] + len(villages), before[1] + 265, before[2] + 1807)
    assert elapsed < 60  # measured on PostgreSQL in docs/BENCHMARKS.md
    # Again: nothing new, and no history rows for unchanged records.
    history = ModelGarden.history.count()
    assert _post(client, _workbook(villages, areas, gardens)).status_code == 302
    assert _counts() == (before[0] + len(villages), before[1] + 265, before[2] + 1807)
    assert ModelGarden.history.count() == history


def test_queries_do_not_grow_with_rows(client_for, staff, demo):
    slugs = list(Commune.objects.filter(district=demo).values_list("slug", flat=True))[:3]
    counts = []
    client = client_for(staff)
    for size, offset in ((10, 0), (60, 1)):
        villages, areas, gardens = _big(slugs, 2, 0, size)
        gardens = [g[:2] + (f"{g[2]}-{offset}",) + g[3:] for g in gardens]
        with CaptureQueriesContext(connection) as context:
            assert _post(client, _workbook(villages, areas, gardens)).status_code == 302
        counts.append(len(context.captured_queries))
    # The second file adds 60 gardens to villages the first created: bulk writes, a few
    # batches at most (SQLite caps the parameters of one statement).
    assert counts[1] <= counts[0] + 6, counts
    with CaptureQueriesContext(connection) as page:
        assert client.get(IMPORT).status_code == 200
    assert len(page.captured_queries) <= 12
