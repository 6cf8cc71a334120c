"""Every workbook cell that user text reaches is text, never a formula (issue 12, failure 3)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from communes.models import Commune, Submission
from criteria import excel_import
from criteria.models import IndicatorValue

HOSTILE = ["=1+2", "+84 912 345 678", "-3 hộ chưa xong", "@SUM(A1)", '=HYPERLINK("http://x","y")']


def _url(period, suffix=""):
    return f"/communes/ky-tay/{period.year}/q{period.quarter}/{suffix}"


def _download(client, period):
    response = client.get(_url(period, "template.xlsx"))
    assert response.status_code == 200
    return response.content


def _upload(client, period, content):
    upload = SimpleUploadedFile("so-lieu.xlsx", content, content_type=excel_import.XLSX)
    return client.post(_url(period, "import/"), {"file": upload})


@pytest.fixture
def officer_client(client_for, officer, open_period):
    client = client_for(officer)
    assert client.get(_url(open_period)).status_code == 200  # opens the draft
    return client


def _comment_rows(ws):
    return [row for row in range(excel_import.FIRST_ROW, ws.max_row + 1)
            if ws.cell(row=row, column=1).value]


def test_comments_starting_like_formulas_go_to_the_template_as_text_and_upload_again(
        officer_client, open_period, ky_tay):
    # The officer types the comments through the import (the same door as the form).
    wb = load_workbook(io.BytesIO(_download(officer_client, open_period)))
    ws = wb.worksheets[0]
    rows = _comment_rows(ws)
    for n, row in enumerate(rows):
        ws.cell(row=row, column=5, value=1)
        ws.cell(row=row, column=6).value = HOSTILE[n % len(HOSTILE)]
        ws.cell(row=row, column=6).data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    assert _upload(officer_client, open_period, out.getvalue()).status_code == 302
    submission = Submission.objects.get(commune=ky_tay, period=open_period)
    saved = set(IndicatorValue.objects.filter(submission=submission).values_list("comment", flat=True))
    assert saved == set(HOSTILE)

    # The template written from those comments: each one is a string cell, shown as typed.
    content = _download(officer_client, open_period)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    comments = [ws.cell(row=row, column=6) for row in _comment_rows(ws)]
    assert {cell.value for cell in comments} == set(HOSTILE)
    assert {cell.data_type for cell in comments} == {"s"}
    # ...and the officer's own unchanged template is accepted.
    response = _upload(officer_client, open_period, content)
    assert response.status_code == 302, response.context and response.context.get("errors")
    again = set(IndicatorValue.objects.filter(submission=submission).values_list("comment", flat=True))
    assert again == set(HOSTILE)


def test_the_district_workbook_writes_names_as_text(client_for, staff, open_period):
    Commune.objects.filter(slug="ky-lac").update(name="=Kỳ Lạc")
    response = client_for(staff).get(
        f"/review/{open_period.year}/q{open_period.quarter}/template.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    cell = next(c for c in ws["B"] if c.value == "=Kỳ Lạc")
    assert cell.data_type == "s"


@pytest.mark.parametrize("text", HOSTILE)
def test_the_meeting_report_writes_difficulties_as_text(client_for, committee, demo, text):
    Submission.objects.filter(commune__slug="ky-bac", period__year=2021, period__quarter=1).update(
        difficulties=text, proposals=text)
    response = client_for(committee).get("/reports/2021/q1/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    found = [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
             if cell.value == text]
    assert found and {cell.data_type for cell in found} == {"s"}
    # No cell anywhere in the report is a formula written from data.
    assert not [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
                if cell.data_type == "f"]
