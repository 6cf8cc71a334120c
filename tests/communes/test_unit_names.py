"""What the portal calls a steering unit: a district before the reform of 1 July 2025, the
province's steering unit after it (there are no districts since). Pages, the workbook and
the Word report all follow the one rule (``communes.context.unit_label``)."""

import datetime
import io

import openpyxl
import pytest
from docx import Document

from communes import units
from communes.context import unit_heading, unit_label
from communes.models import Commune, District, Province, ReportingPeriod


@pytest.fixture
def after_reform(demo):
    province = Province.objects.get(slug="ha-tinh")
    unit = units.reform_district(province)
    commune = Commune.objects.create(district=unit, name="Kỳ Văn", slug="ky-van-sau-sap-nhap",
                                     valid_from=units.REFORM_DATE)
    commune.predecessors.set(Commune.objects.filter(slug__in=["ky-van", "ky-trung", "ky-tay"]))
    for quarter in (3, 4):
        ReportingPeriod.objects.get_or_create(year=2025, quarter=quarter)
    return unit, commune


def test_a_district_is_a_district_and_the_reform_record_a_province(after_reform):
    unit, _ = after_reform
    ky_anh = District.objects.get(slug="ky-anh")
    assert not ky_anh.is_province_level and unit.is_province_level
    assert unit_label(ky_anh) == "huyện Kỳ Anh"
    assert unit_label(unit) == f"tỉnh {unit.name}"
    assert unit_heading(ky_anh) == "HUYỆN KỲ ANH"
    # A district record dated before the reform stays a district.
    assert not District(name="Cũ", valid_from=datetime.date(2020, 1, 1)).is_province_level


def test_pages_workbook_and_word_name_the_province_not_a_district(
        after_reform, client_for, province_user):
    unit, commune = after_reform
    client = client_for(province_user)
    html = client.get(f"/reports/2025/q3/?unit={unit.slug}").content.decode()
    assert f"Kết quả thực hiện Quý III năm 2025, tỉnh {unit.name}" in html
    assert f"huyện {unit.name}" not in html
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get(f"/reports/2025/q3/export.xlsx?unit={unit.slug}").getvalue()))
    assert workbook.worksheets[0].cell(1, 1).value == (
        f"BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG TỈNH {unit.name.upper()}")
    document = Document(io.BytesIO(
        client.get(f"/reports/2025/q3/report.docx?unit={unit.slug}").content))
    text = "\n".join(cell.text for table in document.tables for row in table.rows
                     for cell in row.cells)
    assert f"UBND TỈNH {unit.name.upper()}" in text and "HUYỆN" not in text
    page = client.get(commune.get_absolute_url()).content.decode()
    assert "Tỉnh Hà Tĩnh" in page and f"Huyện {unit.name}" not in page


def test_ky_anh_keeps_its_district_heading(client_for, committee):
    client = client_for(committee)
    html = client.get("/reports/2021/q1/").content.decode()
    assert "Kết quả thực hiện Quý I năm 2021, huyện Kỳ Anh" in html
    workbook = openpyxl.load_workbook(io.BytesIO(
        client.get("/reports/2021/q1/export.xlsx").getvalue()))
    assert workbook.worksheets[0].cell(1, 1).value == (
        "BAN CHỈ ĐẠO CÁC CHƯƠNG TRÌNH MTQG HUYỆN KỲ ANH")
