"""OCOP figures in the reports: the page, the workbook and the catalogue rows."""

URL = "/reports/2021/q1/"


def test_catalogue_figures_come_from_the_ocop_counts(demo):
    """The OCOP catalogue indicators are computations registered by the ocop app."""
    from communes.models import ReportingPeriod
    from criteria.aggregates import figures
    from reports.ocop_figures import ocop_figures

    q1_2021 = ReportingPeriod.objects.get(year=2021, quarter=1)
    ocop = ocop_figures(2021, q1_2021.end_date)
    current = figures(q1_2021)
    assert current["ocop-candidates"].quarter == ocop.candidates == 15
    assert current["ocop-certified"].quarter is None
    assert current["ocop-certified"].ytd == ocop.certified


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
