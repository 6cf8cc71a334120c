"""The quarter's dashboard shows the seed report's figures beside the 2021 targets."""

import re

import pytest
from django.urls import reverse

from communes.choices import SubmissionStatus
from communes.models import Commune, ReportingPeriod, Submission
from reports.dashboard import build_dashboard, share_text
from reports.narrative import narrative

URL = "/reports/2021/q1/"
SEED = ["4.054", "2.193", "314", "71", "73"]


def _district_dashboard(demo, year=2021, quarter=1, include_submitted=False):
    period = ReportingPeriod.objects.get(year=year, quarter=quarter)
    return build_dashboard(period, demo, Commune.objects.filter(district=demo), False,
                           include_submitted)


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_url_names(db):
    assert reverse("reports:dashboard", args=[2021, 1]) == URL
    assert reverse("reports:export", args=[2021, 1]) == URL + "export.xlsx"


def test_q1_dashboard_shows_the_seed_figures_and_targets(client_for, committee):
    response = client_for(committee).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    headline = html[html.index('id="headline"'):html.index("</table>", html.index('id="headline"'))]
    text = _text(headline)
    for figure in SEED:
        assert f" {figure} " in text
    assert "Khu dân cư kiểu mẫu được công nhận trong kỳ khu 4 " in text
    # The 2021 targets, a range among them, and the share done.
    assert " 37 " in text and " 300 " in text and "2–3" in text and " 21 " in text
    assert "10,8%" in text  # 4 of 37 model areas
    assert 'role="progressbar"' in html
    assert "Kỳ Anh" in html and "Quý I/2021" in html


def test_narrative_states_the_seed_figures_in_vietnamese(client_for, committee):
    html = client_for(committee).get(URL).content.decode()
    start = html.index('id="narrative"')
    text = _text(html[start:html.index("</div>", start)])
    assert "chỉnh trang 4.054 nhà ở, 2.193 vườn hộ" in text
    assert "có 314 mô hình nhà sạch, vườn đẹp được gắn biển" in text
    assert "đang xây dựng 71 khu dân cư kiểu mẫu" in text
    assert "đã có thêm 4 thôn được công nhận khu dân cư kiểu mẫu, lũy kế đến nay có 73 khu dân cư đạt chuẩn" in text
    assert "Xã Kỳ Tây còn 3 tiêu chí chưa đạt: Trường học" in text
    assert "Xã Kỳ Lạc còn 3 tiêu chí chưa đạt: Giao thông" in text
    assert 'id="copy-narrative"' in html


def test_every_number_of_the_narrative_is_in_the_tables(client_for, committee):
    html = client_for(committee).get(URL).content.decode()
    start = html.index('id="narrative"')
    narrative_text = _text(html[start:html.index("</div>", start)])
    tables = " ".join(_text(t) for t in re.findall(r"<table.*?</table>", html, re.S))
    tables += " " + _text(html[html.index('id="key-figures"'):start])  # cards and progress bars
    plan = html.index('id="plan-laggards"')  # what remains, with the plan's figures
    tables += " " + _text(html[plan:html.index("<!-- /plan-laggards -->", plan)])
    cells = set(re.findall(r"\d[\d.,–]*\d|\d", tables))
    narrative_text = narrative_text.replace("Quý I/2021", "").replace("năm 2021", "")
    numbers = re.findall(r"\d[\d.,–]*\d|\d", narrative_text)
    assert numbers
    missing = [n for n in numbers if n not in cells]
    assert not missing, missing


def test_narrative_is_built_from_the_dashboard_figures(demo):
    d = _district_dashboard(demo)
    d.figures["ntm-houses-renovated"].quarter = 12345
    assert "12.345" in " ".join(narrative(d))


def test_lagging_communes_come_first_with_sponsor_and_unmet_criteria(demo):
    d = _district_dashboard(demo)
    first = {row.commune.slug: row for row in d.rows[:2]}
    assert set(first) == {"ky-tay", "ky-lac"}
    assert first["ky-tay"].met_text == "17/20"
    assert {c.number for c in first["ky-tay"].unmet} == {5, 17, 20}
    assert {c.number for c in first["ky-lac"].unmet} == {2, 17, 20}
    assert first["ky-tay"].sponsor and first["ky-lac"].sponsor
    assert len(d.criteria) == 20
    levels = {level.value: count for level, count in d.levels}
    assert levels[0] == 2 and levels[1] == 19


def test_an_approval_shows_at_once(client_for, committee, staff, demo):
    from communes.workflow import approve

    period = ReportingPeriod.objects.get(year=2021, quarter=2)
    before = _district_dashboard(demo, quarter=2).figures["ntm-houses-renovated"].quarter
    submission = Submission.objects.filter(period=period, status=SubmissionStatus.SUBMITTED).first()
    added = submission.values.get(indicator__code="ntm-houses-renovated").value
    approve(submission, staff)  # the one door: the district's roll-ups follow in its transaction
    after = _district_dashboard(demo, quarter=2).figures["ntm-houses-renovated"].quarter
    assert after == (before or 0) + added


def test_switch_includes_submitted_reports(client_for, committee, demo):
    approved = _district_dashboard(demo, quarter=2)
    both = _district_dashboard(demo, quarter=2, include_submitted=True)
    assert both.figures["ntm-houses-renovated"].quarter > approved.figures["ntm-houses-renovated"].quarter
    response = client_for(committee).get("/reports/2021/q2/?include=submitted")
    assert "Gồm cả báo cáo đã nộp chưa được duyệt" in response.content.decode()


def test_completeness_of_q2(demo):
    d = _district_dashboard(demo, quarter=2)
    by_slug = {row.commune.slug: row for row in d.completeness}
    assert by_slug["ky-tien"].category == "missing" and by_slug["ky-tien"].submission is None
    assert by_slug["ky-hai"].category == "missing"  # draft
    assert by_slug["ky-son"].category == "missing"  # returned
    assert by_slug["ky-khang"].category == "late"
    assert by_slug["ky-phu"].category == "on_time"
    counts = d.completeness_counts
    assert counts["total"] == 21 and counts["missing"] == 5 and counts["late"] == 1


def test_trend_covers_the_quarters_of_the_year(demo):
    d = _district_dashboard(demo, quarter=2)
    assert [p.label for p in d.trend_periods] == ["Quý I/2021", "Quý II/2021"]
    assert d.trends["ntm-houses-renovated"][0] == 4054
    data = d.chart_data()
    assert data["labels"] == ["Quý I/2021", "Quý II/2021"]


def test_share_text_uses_the_vietnamese_format():
    assert share_text(4 * 100 / 37) == "10,8"
    assert share_text(100.0) == "100"
    assert share_text(None) == ""


def test_unknown_period_is_404(client_for, committee):
    assert client_for(committee).get("/reports/2019/q1/").status_code == 404
    assert client_for(committee).get("/reports/2021/q5/").status_code == 404


def test_reports_redirects_to_the_latest_quarter_with_submissions(client_for, committee):
    response = client_for(committee).get("/reports/")
    assert response.status_code == 302 and response["Location"] == "/reports/2021/q2/"


def test_nav_link_and_home_card(client_for, committee):
    html = client_for(committee).get("/").content.decode()
    assert 'href="/reports/"' in html and "Báo cáo" in html
    assert 'href="/reports/2021/q2/"' in html


def test_commune_page_loads_the_reports_block(client_for, committee):
    html = client_for(committee).get("/communes/ky-tay/").content.decode()
    assert 'hx-get="/reports/communes/ky-tay/"' in html


def test_commune_block_shows_criteria_over_time(client_for, committee):
    html = client_for(committee).get("/reports/communes/ky-tay/").content.decode()
    assert "Kết quả của xã Kỳ Tây, Quý I/2021" in html
    assert "17/20" in html
    assert 'id="chart-commune-criteria"' in html


@pytest.mark.parametrize("username, slug, status", [
    ("ky-tay", "ky-tay", 200), ("ky-lac", "ky-tay", 404), ("sponsor", "ky-tay", 200),
    ("sponsor", "ky-lac", 404), ("committee", "ky-lac", 200), ("staff", "ky-lac", 200),
    ("admin", "ky-lac", 200),
])
def test_commune_block_scope(client_for, demo, username, slug, status):
    from communes.models import User

    response = client_for(User.objects.get(username=username)).get(f"/reports/communes/{slug}/")
    assert response.status_code == status


@pytest.mark.parametrize("username", ["ky-tay", "sponsor"])
def test_restricted_home_has_no_dashboard_card(client_for, demo, username):
    from communes.models import User

    html = client_for(User.objects.get(username=username)).get("/").content.decode()
    assert "Mở bảng điều hành" not in html


@pytest.mark.parametrize("quarter", [1, 2])
def test_heatmap_cells_agree_with_criteria_matrix(demo, quarter):
    from criteria.aggregates import criteria_matrix
    from criteria.models import CriterionAssessment

    period = ReportingPeriod.objects.get(year=2021, quarter=quarter)
    # An incomplete and an undecided assessment must read the same both ways.
    tay = CriterionAssessment.objects.filter(submission__commune__slug="ky-phu",
                                             submission__period=period)
    tay.filter(criterion__number=3).delete()
    tay.filter(criterion__number=4).update(is_met=None)
    d = _district_dashboard(demo, quarter=quarter, include_submitted=True)
    matrix = criteria_matrix(period, Commune.objects.filter(district=demo),
                             d.statuses)
    for row in d.rows:
        expected = matrix.get(row.commune.pk, {})
        assert [met for _c, met in row.cells] == [expected.get(c.number) for c in d.criteria]
        assert row.met == sum(1 for v in expected.values() if v)


def test_name_key_is_vn_sort_key():
    from ntm_portal.formats import vn_sort_key
    from reports.dashboard import name_key

    for name in ["Kỳ Đồng", "Kỳ Tân", "Kỳ Trung", "Ẩn Đức", "xã 00012", "Thượng Ẳ"]:
        assert name_key(name) == vn_sort_key(name)
