"""The meeting report in Word: administrative layout, Times New Roman, the dashboard's numbers."""

import io
import shutil
import subprocess

import pytest
from docx import Document

from communes.models import ReportingPeriod
from ntm_portal.formats import format_number
from reports.dashboard import build_dashboard, communes_in_scope

URL = "/reports/2021/q1/report.docx"


def _document(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    return Document(io.BytesIO(response.content))


def _cells(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def document(client_for, committee):
    return _document(client_for(committee).get(URL))


def test_title_block_and_closing(document):
    heading = _cells(document.tables[0])[0]
    assert "UBND HUYỆN KỲ ANH" in heading[0] and "Số: ……/BC-BCĐ" in heading[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading[1]
    assert "Độc lập - Tự do - Hạnh phúc" in heading[1]
    assert "Kỳ Anh, ngày …… tháng …… năm 2021" in heading[1]
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert any("Quý I năm 2021" in t and "nhiệm vụ trọng tâm Quý II/2021" in t for t in texts)
    assert "III. NHIỆM VỤ TRỌNG TÂM QUÝ TỚI" in texts
    closing = _cells(document.tables[-1])[0]
    assert closing[0].startswith("Nơi nhận:") and "TM. BAN CHỈ ĐẠO" in closing[1]


def test_times_new_roman_and_a4(document):
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 3.0
    fonts = {run.font.name for p in document.paragraphs for run in p.runs}
    assert fonts == {"Times New Roman"}


def test_numbers_equal_the_dashboards(document, committee, demo):
    period = ReportingPeriod.objects.get(year=2021, quarter=1)
    d = build_dashboard(period, *communes_in_scope(committee, period))
    results = _cells(document.tables[1])[1:]
    assert len(results) == len(d.target_rows)
    for cells, row in zip(results, d.target_rows):
        done = row.figure.ytd if row.indicator.is_flow else row.figure.quarter
        assert cells[1] == row.indicator.name
        assert cells[3] == row.target.value_text
        assert cells[4] == (format_number(done, row.decimals) if done is not None else "–")
    figures = {cells[1]: cells for cells in _cells(document.tables[2])[1:] if cells[0]}
    for row in d.headline:
        cells = figures[row.indicator.name]
        quarter = row.figure.quarter
        assert cells[3] == (format_number(quarter, row.decimals) if quarter is not None else "–")
    # The seed report's figures, as the dashboard shows them.
    assert figures["Nhà ở được chỉnh trang"][3] == "4.054"
    assert figures["Vườn hộ được chỉnh trang"][3] == "2.193"
    body = "\n".join(p.text for p in document.paragraphs)
    for paragraph in d.narrative:
        assert paragraph in body


def test_lagging_communes_with_sponsor_and_what_remains(document):
    laggards = _cells(document.tables[3])
    by_name = {cells[1]: cells for cells in laggards[1:]}
    assert set(by_name) == {"Kỳ Tây", "Kỳ Lạc"}
    assert "Phòng Nông nghiệp" in by_name["Kỳ Tây"][2]
    assert "còn thiếu 20 %" in by_name["Kỳ Tây"][4]  # 5.1 schools: 50 of 70 in Q1
    assert by_name["Kỳ Tây"][5] == "1 / 1"
    texts = [p.text for p in document.paragraphs]
    start = texts.index("III. NHIỆM VỤ TRỌNG TÂM QUÝ TỚI")
    assert "Hoàn thiện hồ sơ đề nghị công nhận khu dân cư NTM kiểu mẫu" in texts[start + 1]
    assert "quá hạn" in texts[start + 1]


def test_scope_applies(client_for, officer, other_officer):
    document = _document(client_for(officer).get(URL))
    names = {cells[1] for cells in _cells(document.tables[3])[1:]}
    assert names == {"Kỳ Tây"}
    assert client_for(other_officer).get("/reports/2021/q9/report.docx").status_code == 404


def test_anonymous_is_sent_to_login(client, demo):
    assert client.get(URL).status_code == 302


# Converting a .docx needs LibreOffice Writer (Debian's libreoffice-writer), not only Calc.
@pytest.mark.skipif(not shutil.which("lowriter"), reason="LibreOffice Writer is not installed")
def test_libreoffice_opens_it(client_for, committee, tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(client_for(committee).get(URL).content)
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
