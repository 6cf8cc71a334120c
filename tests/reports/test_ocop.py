"""OCOP figures through the adapter: unavailable before the ocop app lands, real after."""

import pytest

from reports.ocop_figures import OcopFigures, catalogue_extra, is_available

URL = "/reports/2021/q1/"


def test_unavailable_figures_feed_nothing():
    assert catalogue_extra(OcopFigures()) == {}
    assert OcopFigures().candidates is None


def test_page_and_workbook_say_when_ocop_is_missing(client_for, committee, monkeypatch):
    from io import BytesIO

    from openpyxl import load_workbook

    monkeypatch.setattr("reports.ocop_figures._functions", lambda: None)
    html = client_for(committee).get(URL).content.decode()
    assert "Chưa có số liệu OCOP." in html
    workbook = load_workbook(BytesIO(client_for(committee).get(URL + "export.xlsx").getvalue()))
    assert workbook["OCOP"]["A6"].value == "Chưa có số liệu OCOP."


def test_adapter_reads_the_ocop_functions(monkeypatch, db):
    from types import SimpleNamespace

    fake = SimpleNamespace(products_by_star=lambda on_date, communes=None: {4: 1, 3: 2},
                           candidates_by_target_star=lambda year, communes=None: {3: 13, 4: 2},
                           certified_count=lambda year, communes=None: 3)
    monkeypatch.setattr("reports.ocop_figures.import_module", lambda name: fake)
    from reports.ocop_figures import ocop_figures

    ocop = ocop_figures(2021, None)
    assert ocop.available and ocop.candidates == 15 and ocop.products == 3
    extra = catalogue_extra(ocop)
    assert extra["ocop-candidates"][None].quarter == 15
    assert extra["ocop-certified"][None].quarter is None
    assert extra["ocop-certified"][None].ytd == 3


def test_a_missing_function_means_unavailable(monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr("reports.ocop_figures.import_module",
                        lambda name: SimpleNamespace(products_by_star=lambda *a: {}))
    assert not is_available()


@pytest.fixture
def ocop_present():
    pytest.importorskip("ocop.aggregates")
    if not is_available():
        pytest.skip("ocop.aggregates lacks the functions the reports read")


def test_q1_shows_the_15_candidates(ocop_present, client_for, committee):
    html = client_for(committee).get(URL).content.decode()
    assert "15 sản phẩm đủ điều kiện xây dựng sản phẩm OCOP" in html
    assert "13 sản phẩm phấn đấu đạt 3 sao" in html and "2 sản phẩm phấn đấu đạt 4 sao" in html
    assert 'id="chart-ocop"' in html


def test_q1_workbook_has_the_15_candidates(ocop_present, client_for, committee):
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
