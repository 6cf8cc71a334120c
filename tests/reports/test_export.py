"""The meeting workbook: sheets, formats, a native chart, user text never a formula."""

from io import BytesIO

import pytest
import xlsxwriter
from openpyxl import load_workbook

from communes.models import Submission
from reports.export import INTEGER, Formats, put_text

URL = "/reports/2021/q1/export.xlsx"


@pytest.fixture
def workbook(client_for, committee):
    response = client_for(committee).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-ky-anh-2021-q1.xlsx"'
    assert response.streaming
    return load_workbook(BytesIO(response.getvalue()))


def _values(ws):
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def test_sheets_and_layout(workbook):
    assert workbook.sheetnames == ["Tổng hợp", "Tiêu chí", "Theo xã", "KDC mẫu, vườn mẫu", "OCOP",
                                   "Tiến độ nộp báo cáo"]
    for ws in workbook:
        assert ws.freeze_panes is not None
        assert ws.page_setup.orientation == "landscape"
        # fitToWidth is left out when it is 1, the default of the file format.
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws["A5"].font.b  # the header row is bold
        assert ws["A5"].border.left.style == "thin"


def test_summary_has_the_seed_figures_targets_narrative_and_a_chart(workbook):
    ws = workbook["Tổng hợp"]
    assert ws["A2"].value == "BÁO CÁO KẾT QUẢ THỰC HIỆN QUÝ I NĂM 2021"
    rows = {}
    for row in ws.iter_rows(min_row=6):
        if row[1].value:
            rows.setdefault(row[1].value, row)  # the main table, not the targets table below
    houses = rows["Nhà ở được chỉnh trang"]
    assert houses[3].value == 4054 and houses[3].number_format == INTEGER
    assert rows["Vườn hộ được chỉnh trang"][3].value == 2193
    assert rows["Mô hình nhà sạch, vườn đẹp được gắn biển"][3].value == 314
    assert rows["Khu dân cư kiểu mẫu đang xây dựng"][3].value == 71
    new_areas = rows["Khu dân cư kiểu mẫu được công nhận trong kỳ"]
    assert new_areas[3].value == 4 and new_areas[7].value == "37"
    assert rows["Khu dân cư kiểu mẫu đạt chuẩn (lũy kế)"][3].value == 73
    assert rows["Xã đạt chuẩn NTM nâng cao"][7].value == "2–3"
    text = " ".join(str(v) for v in _values(ws))
    assert "chỉnh trang 4.054 nhà ở, 2.193 vườn hộ" in text
    assert len(ws._charts) == 1


def test_criteria_matrix_sheet(workbook):
    ws = workbook["Tiêu chí"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6, max_row=7)]
    assert {rows[0][1], rows[1][1]} == {"Kỳ Tây", "Kỳ Lạc"}
    assert "17/20" in rows[0]


def test_per_commune_total_is_the_district_figure(workbook):
    ws = workbook["Theo xã"]
    header = [c.value for c in ws[5]]
    column = next(i for i, v in enumerate(header) if v and v.startswith("Nhà ở được chỉnh trang"))
    total = next(row for row in ws.iter_rows(min_row=6) if row[1].value == "Tổng cộng")
    communes = [row[column].value for row in ws.iter_rows(min_row=6, max_row=26)]
    assert total[column].value == 4054 == sum(communes)


def test_registries_sheet(workbook):
    total = next(row for row in workbook["KDC mẫu, vườn mẫu"].iter_rows(min_row=6)
                 if row[1].value == "Tổng cộng")
    assert [c.value for c in total[2:5]] == [71, 4, 73]


@pytest.mark.parametrize("text", ["=1+2", "+84 912 345 678", "-3 hộ", "@SUM(A1)",
                                  '=HYPERLINK("http://x","y")'])
def test_put_text_never_writes_a_formula(text):
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    put_text(workbook.add_worksheet("Sheet"), 0, 0, text, Formats(workbook))
    workbook.close()
    again = load_workbook(BytesIO(buffer.getvalue()))["Sheet"]["A1"]
    assert again.value == text and again.data_type == "s" and again.quotePrefix


def test_plain_text_stays_plain():
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    put_text(workbook.add_worksheet("Sheet"), 0, 0, "Nguồn lực còn hạn chế", Formats(workbook))
    workbook.close()
    cell = load_workbook(BytesIO(buffer.getvalue()))["Sheet"]["A1"]
    assert cell.value == "Nguồn lực còn hạn chế" and not cell.quotePrefix


def test_typed_text_in_the_workbook_is_stored_as_text(client_for, committee, demo):
    Submission.objects.filter(commune__slug="ky-bac", period__year=2021, period__quarter=1).update(
        difficulties="=HYPERLINK(\"http://evil\",\"x\")", proposals="@SUM(1)")
    response = client_for(committee).get(URL)
    ws = load_workbook(BytesIO(response.getvalue()))["Tiến độ nộp báo cáo"]
    row = next(r for r in ws.iter_rows(min_row=6) if r[1].value == "Kỳ Bắc")
    assert row[5].value == '=HYPERLINK("http://evil","x")' and row[5].data_type == "s"
    assert row[6].value == "@SUM(1)" and row[6].data_type == "s"
