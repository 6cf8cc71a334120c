"""OCOP figures in the reports: the page, the workbook and the catalogue rows."""

from reports.ocop_figures import catalogue_extra

URL = "/reports/2021/q1/"


def test_catalogue_figures_come_from_the_ocop_counts(db):
    from reports.ocop_figures import OcopFigures

    ocop = OcopFigures(products_by_star={4: 1, 3: 2}, candidates_by_star={3: 13, 4: 2},
                       certified=3)
    assert ocop.candidates == 15 and ocop.products == 3
    extra = catalogue_extra(ocop)
    assert extra["ocop-candidates"][None].quarter == 15
    assert extra["ocop-certified"][None].quarter is None
    assert extra["ocop-certified"][None].ytd == 3


def test_q1_shows_the_15_candidates(client_for, committee):
    html = client_for(committee).get(URL).content.decode()
    assert "15 sản phẩm đủ điều kiện xây dựng sản phẩm OCOP" in html
    assert "13 sản phẩm phấn đấu đạt 3 sao" in html and "2 sản phẩm phấn đấu đạt 4 sao" in html
    assert 'id="chart-ocop"' in html


def test_q1_workbook_has_the_15_candidates(client_for, committee):
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(client_for(committee).get(URL + "export.xlsx").getvalue()))
    total = next(r for r in workbook["OCOP"].iter_rows(min_row=6) if r[0].value == "Tổng cộng")
    assert total[2].value == 15
    summary = {}
    for r in workbook["Tổng hợp"].iter_rows(min_row=6):
        if r[1].value:
            summary.setdefault(r[1].value, r)
    assert summary["Sản phẩm OCOP được lựa chọn xây dựng trong năm"][3].value == 15
