"""Excel templates and imports: a good file is saved; any bad one saves nothing, and says where."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from communes.choices import SubmissionStatus as S
from communes.models import Submission
from criteria import excel_import
from criteria.models import IndicatorValue

from .conftest import url


def ky_anh():
    """The demo district (its catalogue choices apply to its communes' forms)."""
    from communes.models import District

    return District.objects.get(slug="ky-anh").pk

HOUSES = "ntm-houses-renovated"


@pytest.fixture
def officer_client(client_for, officer, open_period):
    client = client_for(officer)
    assert client.get(url("ky-tay", open_period)).status_code == 200
    return client


@pytest.fixture
def submission(officer_client, open_period, ky_tay):
    from communes import workflow

    return workflow.get_or_create_submission(ky_tay, open_period)  # a draft saved once


def template(client, period):
    response = client.get(url("ky-tay", period, "template.xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == excel_import.XLSX
    return load_workbook(io.BytesIO(response.content))


def row_of(ws, code):
    for row in range(excel_import.FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == code:
            return row
    raise KeyError(code)


def filled(client, period, **values):
    """The template with every figure at 1, or as given by code (a callable edits the sheet)."""
    wb = template(client, period)
    ws = wb.worksheets[0]
    for row in range(excel_import.FIRST_ROW, ws.max_row + 1):
        code = ws.cell(row=row, column=1).value
        if code:
            ws.cell(row=row, column=5, value=values.get(code.replace("-", "_"), 1))
    return wb


def as_upload(wb_or_bytes, name="so-lieu.xlsx"):
    if not isinstance(wb_or_bytes, bytes):
        out = io.BytesIO()
        wb_or_bytes.save(out)
        wb_or_bytes = out.getvalue()
    return SimpleUploadedFile(name, wb_or_bytes, content_type=excel_import.XLSX)


def upload(client, period, wb_or_bytes):
    return client.post(url("ky-tay", period, "import/"), {"file": as_upload(wb_or_bytes)})


def nothing_written(submission):
    assert not IndicatorValue.objects.filter(submission=submission).exists()
    assert Submission.objects.get(pk=submission.pk).version == submission.version
    return True


def errors(response):
    return [(e.cell, e.message) for e in response.context["errors"]]


def test_template_has_codes_locked_cells_and_the_version(officer_client, open_period, submission):
    wb = template(officer_client, open_period)
    ws = wb.worksheets[0]
    assert ws.column_dimensions["A"].hidden and ws.protection.sheet
    row = row_of(ws, HOUSES)
    assert ws.cell(row=row, column=5).protection.locked is False
    assert ws.cell(row=row, column=2).protection.locked is True
    meta = wb[excel_import.META]
    assert meta.sheet_state == "hidden"
    assert {r[0].value: r[1].value for r in meta.iter_rows()}["version"] == submission.version


def test_the_submission_page_links_to_template_and_import(officer_client, open_period):
    text = officer_client.get(url("ky-tay", open_period)).text
    assert "template.xlsx" in text and "import/" in text


def test_a_good_file_is_saved_in_one_go_with_history(officer_client, open_period, submission, officer):
    wb = filled(officer_client, open_period, ntm_houses_renovated="4.054", gnbv_poor_rate=12.5)
    response = upload(officer_client, open_period, wb)
    assert response.status_code == 302, errors(response) if response.status_code != 302 else ""
    values = {v.indicator.code: v for v in IndicatorValue.objects.filter(submission=submission)}
    assert values[HOUSES].value == 4054 and values["gnbv-poor-rate"].value == 12.5
    assert values[HOUSES].history.first().history_user == officer
    assert Submission.objects.get(pk=submission.pk).version == submission.version + 1
    # The same template again is stale now.
    again = upload(officer_client, open_period, wb)
    assert again.status_code == 409


@pytest.mark.parametrize("value, cell_message", [
    ("bốn nghìn", "không phải là số"),
    (-3, "âm"),
    ("=1+2", "Công thức"),
])
def test_a_bad_cell_saves_nothing_and_is_named(officer_client, open_period, submission, value,
                                               cell_message):
    wb = filled(officer_client, open_period, ntm_houses_renovated=value)
    row = row_of(wb.worksheets[0], HOUSES)
    response = upload(officer_client, open_period, wb)
    assert response.status_code == 200
    found = errors(response)
    assert any(cell == f"E{row}" and cell_message.lower() in message.lower()
               for cell, message in found), found
    assert f"E{row}" in response.text
    assert nothing_written(submission)


def test_a_formula_is_never_evaluated_even_with_a_cached_value(officer_client, open_period,
                                                               submission):
    wb = filled(officer_client, open_period)
    row = row_of(wb.worksheets[0], HOUSES)
    out = io.BytesIO()
    wb.save(out)
    # Put a formula with a plausible cached result into the sheet's XML, as Excel writes it.
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text, n = re.subn(rf'<c r="E{row}"([^>]*?) t="n"><v>1</v></c>',
                                  rf'<c r="E{row}"\1><f>SUM(1,2)</f><v>3</v></c>', data.decode())
                assert n == 1
                data = text.encode()
            target.writestr(info, data)
    response = upload(officer_client, open_period, patched.getvalue())
    assert response.status_code == 200
    assert (f"E{row}", "Công thức không được chấp nhận: hãy gõ số.") in errors(response)
    assert nothing_written(submission)


def test_an_unknown_row_and_a_missing_row_are_reported(officer_client, open_period, submission):
    wb = filled(officer_client, open_period)
    ws = wb.worksheets[0]
    row = row_of(ws, HOUSES)
    ws.cell(row=row, column=1, value="ntm-invented")
    response = upload(officer_client, open_period, wb)
    assert response.status_code == 200
    messages = " ".join(m for _c, m in errors(response))
    assert (f"A{row}" in [c for c, _m in errors(response)]) and "ntm-invented" in messages
    assert HOUSES in messages  # its row is missing
    assert nothing_written(submission)


def test_a_stale_template_is_refused(officer_client, open_period, submission, officer):
    wb = filled(officer_client, open_period)
    from criteria import entry

    indicators = entry.entered_indicators(ky_anh())
    entry.save_figures(submission, officer, indicators[:1], {indicators[0].pk: ("7", "")},
                       submission.version)
    response = upload(officer_client, open_period, wb)
    assert response.status_code == 409
    assert "tải lại" in response.text.lower() or "Tải" in response.text
    assert IndicatorValue.objects.filter(submission=submission).count() == 1


def test_a_file_that_is_not_a_workbook_is_refused_whatever_its_name(officer_client, open_period,
                                                                    submission):
    response = upload(officer_client, open_period, b"%PDF-1.4 not a workbook" * 10)
    assert response.status_code == 200 and "xlsx" in response.text
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "import-errors" in upload(officer_client, open_period, plain_zip.getvalue()).text
    assert nothing_written(submission)


def test_an_oversize_file_is_refused(officer_client, open_period, submission, settings):
    settings.API_UPLOAD_MAX_BYTES = 10_000
    response = upload(officer_client, open_period, b"PK" + b"\0" * 20_000)
    assert response.status_code == 200 and "MB" in response.text
    assert nothing_written(submission)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(officer_client, open_period, submission):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    data = bomb.getvalue()
    assert len(data) < 100_000
    response = upload(officer_client, open_period, data)
    assert response.status_code == 200
    assert any("giải nén" in m or "quá lớn" in m for _c, m in errors(response)), errors(response)
    assert nothing_written(submission)


def test_others_cannot_import(client_for, other_officer, committee, open_period, submission):
    assert client_for(other_officer).get(url("ky-tay", open_period, "import/")).status_code == 404
    assert client_for(committee).get(url("ky-tay", open_period, "import/")).status_code == 403


def test_the_api_takes_the_same_file(client_for, officer, open_period, submission, settings):
    settings.API_RATE_USER = None
    client = client_for(officer)
    wb = filled(client, open_period, ntm_houses_renovated="abc")
    response = client.post(f"/api/submissions/{submission.pk}/import/", {"file": as_upload(wb)})
    assert response.status_code == 400
    assert response.json()["errors"][0]["cell"].startswith("E")
    wb = filled(client, open_period)
    response = client.post(f"/api/submissions/{submission.pk}/import/", {"file": as_upload(wb)})
    assert response.status_code == 200 and response.json()["version"] == submission.version + 1


# ---------------------------------------------------------------- district

def district_workbook(client, period):
    response = client.get(f"/review/{period.year}/q{period.quarter}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def fill_row(ws, slug, value=1):
    for row in range(excel_import.DISTRICT_FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == slug:
            for col in range(4, ws.max_column + 1):
                ws.cell(row=row, column=col, value=value)
            return row
    raise KeyError(slug)


def test_staff_import_a_district_all_communes_at_once(client_for, staff, open_period, ky_tay, ky_lac):
    client = client_for(staff)
    wb = district_workbook(client, open_period)
    ws = wb.worksheets[0]
    fill_row(ws, "ky-tay", 3)
    fill_row(ws, "ky-lac", "2,5")  # not a whole number where one is needed: an error
    response = client.post(f"/review/{open_period.year}/q{open_period.quarter}/import/",
                           {"file": as_upload(wb)})
    assert response.status_code == 200
    assert not Submission.objects.filter(period=open_period).exists()  # none, not one of two
    fill_row(ws, "ky-lac", 2)
    response = client.post(f"/review/{open_period.year}/q{open_period.quarter}/import/",
                           {"file": as_upload(wb)})
    assert response.status_code == 302
    subs = {s.commune.slug: s for s in Submission.objects.filter(period=open_period)}
    assert set(subs) == {"ky-tay", "ky-lac"} and subs["ky-tay"].status == S.DRAFT
    value = IndicatorValue.objects.get(submission=subs["ky-tay"], indicator__code=HOUSES)
    assert value.value == 3 and value.history.first().history_user == staff


def test_staff_import_refuses_a_submitted_commune_and_saves_nothing(client_for, staff, officer,
                                                                   open_period, ky_tay, ky_lac):
    from communes import workflow

    lac = workflow.get_or_create_submission(ky_lac, open_period)
    client = client_for(staff)
    wb = district_workbook(client, open_period)
    Submission.objects.filter(pk=lac.pk).update(status=S.SUBMITTED)
    ws = wb.worksheets[0]
    fill_row(ws, "ky-tay", 3)
    row = fill_row(ws, "ky-lac", 2)
    response = client.post(f"/review/{open_period.year}/q{open_period.quarter}/import/",
                           {"file": as_upload(wb)})
    assert response.status_code == 200
    assert any(c == f"A{row}" and "Đã gửi" in m for c, m in errors(response)), errors(response)
    assert not IndicatorValue.objects.filter(submission__period=open_period).exists()
    assert not Submission.objects.filter(period=open_period, commune=ky_tay).exists()


def test_only_staff_import_a_district(client_for, officer, committee, open_period):
    for user in (officer, committee):
        client = client_for(user)
        assert client.get(f"/review/{open_period.year}/q{open_period.quarter}/import/").status_code == 403
        assert client.get(f"/review/{open_period.year}/q{open_period.quarter}/template.xlsx").status_code == 403


def test_staff_import_refuses_a_commune_changed_since_the_download(client_for, staff, officer,
                                                                  open_period, ky_tay):
    from communes import workflow
    from criteria import entry

    tay = workflow.get_or_create_submission(ky_tay, open_period)
    client = client_for(staff)
    wb = district_workbook(client, open_period)
    indicators = entry.entered_indicators(ky_anh())
    entry.save_figures(tay, officer, indicators[:1], {indicators[0].pk: ("7", "")}, tay.version)
    row = fill_row(wb.worksheets[0], "ky-tay", 3)
    response = client.post(f"/review/{open_period.year}/q{open_period.quarter}/import/",
                           {"file": as_upload(wb)})
    assert response.status_code == 200
    assert any(c == f"A{row}" and "tải lại" in m for c, m in errors(response)), errors(response)
    assert list(IndicatorValue.objects.filter(submission=tay).values_list("value", flat=True)) == [7]


def test_district_import_queries_do_not_grow_with_the_communes(client_for, staff, open_period):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communes.models import Commune

    client = client_for(staff)
    slugs = sorted(Commune.objects.filter(district__slug="ky-anh").values_list("slug", flat=True))

    def import_rows(chosen):
        Submission.objects.filter(period=open_period).delete()
        wb = district_workbook(client, open_period)
        for slug in chosen:
            fill_row(wb.worksheets[0], slug, 4)
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(f"/review/{open_period.year}/q{open_period.quarter}/import/",
                                   {"file": as_upload(wb)})
        assert response.status_code == 302
        return len(ctx.captured_queries)

    few, many = import_rows(slugs[:2]), import_rows(slugs)
    # Not a query per commune: only the bulk inserts split into batches of a fixed size.
    assert many - few <= 5
    assert IndicatorValue.objects.filter(submission__period=open_period).count() == \
        len(slugs) * len(excel_import.entry.entered_indicators(ky_anh()))


def test_an_unsaved_report_is_created_by_its_first_import_and_not_by_a_bad_one(
        officer_client, open_period, ky_tay, ky_lac):
    def drafts():
        return Submission.objects.filter(commune=ky_tay, period=open_period).count()

    bad = filled(officer_client, open_period, ntm_houses_renovated="bốn nghìn")
    assert drafts() == 0  # downloading the template writes nothing
    assert upload(officer_client, open_period, bad).status_code == 200 and drafts() == 0
    response = upload(officer_client, open_period, filled(officer_client, open_period,
                                                          ntm_houses_renovated=77))
    assert response.status_code == 302 and drafts() == 1
    saved = Submission.objects.get(commune=ky_tay, period=open_period)
    assert saved.values.get(indicator__code="ntm-houses-renovated").value == 77
