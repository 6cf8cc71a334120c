import re

"""Entering figures and criteria through the submission page."""

import pytest
from django.utils import translation

from communes.choices import SubmissionStatus as S
from communes.models import Submission
from criteria.entry import entered_indicators
from criteria.models import CriterionAssessment, Indicator, IndicatorValue

from .conftest import url


def ky_anh():
    """The demo district (its catalogue choices apply to its communes' forms)."""
    from communes.models import District

    return District.objects.get(slug="ky-anh").pk


@pytest.fixture
def officer_client(client_for, officer, open_period):
    return client_for(officer)


def page(client, period):
    response = client.get(url("ky-tay", period))
    assert response.status_code == 200
    return response


def figures_post(version, **values):
    data = {"version": version}
    for indicator in entered_indicators(ky_anh()):
        data[f"value-{indicator.pk}"] = values.get(indicator.code, "1")
        data[f"comment-{indicator.pk}"] = ""
    return data


def saved(period):
    """The submission of Kỳ Tây, which the first save created."""
    return Submission.objects.get(commune__slug="ky-tay", period=period)


def test_officer_page_shows_status_deadline_and_sections(officer_client, open_period):
    response = page(officer_client, open_period)
    text = response.text
    assert "Chưa lập báo cáo" in text and "Hạn nhập số liệu" in text
    assert not Submission.objects.filter(commune__slug="ky-tay", period=open_period).exists()
    assert re.search(r"\d+/\d+ đã nhập", text)
    assert response.context["editable"]


def test_figures_typed_the_vietnamese_way_are_saved(officer_client, open_period):
    submission = page(officer_client, open_period).context["submission"]
    data = figures_post(submission.version, **{"ntm-houses-renovated": "4.054", "gnbv-poor-rate": "12,5"})
    response = officer_client.post(url("ky-tay", open_period), data)
    assert response.status_code == 302
    submission = saved(open_period)
    values = {v.indicator.code: v.value for v in IndicatorValue.objects.filter(submission=submission)}
    assert values["ntm-houses-renovated"] == 4054 and values["gnbv-poor-rate"] == 12.5
    text = page(officer_client, open_period).text
    assert 'value="4.054"' in text and 'value="12,5"' in text


def test_a_bad_value_saves_nothing_and_keeps_what_was_typed(officer_client, open_period):
    submission = page(officer_client, open_period).context["submission"]
    data = figures_post(submission.version, **{"ntm-houses-renovated": "bốn nghìn", "gnbv-poor-rate": "130"})
    response = officer_client.post(url("ky-tay", open_period), data)
    assert response.status_code == 200
    assert not Submission.objects.filter(commune__slug="ky-tay", period=open_period).exists()
    assert not IndicatorValue.objects.filter(submission__period=open_period,
                                             submission__commune__slug="ky-tay").exists()
    assert 'value="bốn nghìn"' in response.text and 'value="130"' in response.text
    assert "không phải là số" in response.text
    assert "Không có gì được lưu" in response.text


def test_stale_form_is_refused_and_the_newer_data_kept(client_for, officer, open_period):
    first = client_for(officer)
    submission = page(first, open_period).context["submission"]
    version = submission.version
    ok = first.post(url("ky-tay", open_period),
                    figures_post(version, **{"ntm-houses-renovated": "10"}))
    assert ok.status_code == 302
    submission = saved(open_period)
    stale = first.post(url("ky-tay", open_period),
                       figures_post(version, **{"ntm-houses-renovated": "99"}))
    assert stale.status_code == 409
    assert "Không có gì của bạn được lưu" in stale.text
    assert IndicatorValue.objects.get(submission=submission, indicator__code="ntm-houses-renovated").value == 10


def test_saving_figures_takes_queries_independent_of_the_catalogue_size(
        officer_client, open_period, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def save(version):
        with CaptureQueriesContext(connection) as ctx:
            response = officer_client.post(url("ky-tay", open_period), figures_post(version))
        assert response.status_code == 302
        return len(ctx.captured_queries)

    save(0)  # the first save creates the submission
    submission = saved(open_period)
    IndicatorValue.objects.filter(submission=submission).delete()
    first = save(Submission.objects.get(pk=submission.pk).version)
    for n in range(30):
        Indicator.objects.create(code=f"extra-{n}", name_vi=f"Chỉ tiêu thêm {n}", unit_vi="cái",
                                 programme="NTM", kind="flow")
    IndicatorValue.objects.filter(submission=submission).delete()
    second = save(Submission.objects.get(pk=submission.pk).version)
    print(f"\nsaving the figures form: {first} queries with {len(entered_indicators(ky_anh())) - 30} indicators, {second} with 30 more")
    assert second == first, (first, second)


def test_criteria_assessment_counts_met(officer_client, open_period):
    response = page(officer_client, open_period)
    submission = response.context["submission"]
    rows = response.context["criteria_rows"]
    data = {"version": submission.version}
    unmet = {rows[1]["criterion"].number, rows[-1]["criterion"].number}  # any two criteria
    for row in rows:
        data[f"met-{row['criterion'].pk}"] = "0" if row["criterion"].number in unmet else "1"
    data[f"score-{rows[0]['criterion'].pk}"] = "87,5"
    assert officer_client.post(url("ky-tay", open_period), data).status_code == 302
    submission = saved(open_period)
    assert CriterionAssessment.objects.filter(submission=submission, is_met=True).count() == len(rows) - 2
    assert f"{len(rows) - 2}/{len(rows)} đạt" in page(officer_client, open_period).text


def test_bad_score_is_refused(officer_client, open_period):
    response = page(officer_client, open_period)
    submission = response.context["submission"]
    criterion = response.context["criteria_rows"][0]["criterion"]
    data = {"version": submission.version, f"met-{criterion.pk}": "1", f"score-{criterion.pk}": "120"}
    with translation.override("vi"):
        response = officer_client.post(url("ky-tay", open_period), data)
    assert response.status_code == 200 and "0 đến 100" in response.text
    assert not CriterionAssessment.objects.filter(submission__period=open_period).exists()


def _fill_everything(client, period):
    response = page(client, period)
    submission = response.context["submission"]
    data = figures_post(submission.version)
    for row in response.context["criteria_rows"]:
        data[f"met-{row['criterion'].pk}"] = "1"
    assert client.post(url("ky-tay", period), data).status_code == 302
    return saved(period)


def test_submit_is_refused_until_sections_are_complete(officer_client, open_period):
    officer_client.post(url("ky-tay", open_period), figures_post(0, **{"ntm-houses-renovated": ""}))
    submission = saved(open_period)
    response = officer_client.post(url("ky-tay", open_period, "submit/"), {"version": submission.version})
    assert response.status_code == 403
    assert "Hoàn thành các phần sau" in response.text


def test_full_loop_through_the_views(client_for, officer, staff, open_period):
    officer_client = client_for(officer)
    submission = _fill_everything(officer_client, open_period)
    assert officer_client.post(url("ky-tay", open_period, "submit/"), {"version": submission.version}).status_code == 302
    staff_client = client_for(staff)
    board = staff_client.get(f"/review/{open_period.year}/q{open_period.quarter}/")
    assert board.status_code == 200 and "Kỳ Tây" in board.text
    staff_client.post(url("ky-tay", open_period, "return/"), {"comment": "Bổ sung minh chứng"})
    assert Submission.objects.get(pk=submission.pk).status == S.RETURNED
    officer_client = client_for(officer)
    assert "Bổ sung minh chứng" in page(officer_client, open_period).text
    submission.refresh_from_db()
    officer_client.post(url("ky-tay", open_period, "submit/"), {"version": submission.version})
    client_for(staff).post(url("ky-tay", open_period, "approve/"))
    submission.refresh_from_db()
    assert submission.status == S.APPROVED
    officer_client = client_for(officer)
    response = page(officer_client, open_period)
    assert not response.context["editable"] and "đã được duyệt và khóa" in response.text
    refused = officer_client.post(url("ky-tay", open_period), figures_post(submission.version))
    assert refused.status_code == 403 and "đã được duyệt và khóa" in refused.text


def test_history_shows_who_changed_what(officer_client, open_period, officer):
    officer_client.post(url("ky-tay", open_period),
                        figures_post(0, **{"ntm-houses-renovated": "12"}))
    submission = saved(open_period)
    response = officer_client.get(url("ky-tay", open_period, "history/"))
    assert response.status_code == 200
    assert "ky-tay" in response.text and "Nhà ở được chỉnh trang" in response.text
    assert IndicatorValue.history.filter(submission_id=submission.pk, history_user=officer).exists()


def test_reviewer_sees_warnings_on_the_board(client_for, staff, demo):
    q2 = Submission.objects.get(commune__slug="ky-son", period__year=2021, period__quarter=2)
    value = q2.values.get(indicator__code="ntm-houses-renovated")
    value.value = value.value * 10
    value.save()
    q2.status = S.SUBMITTED
    q2.save()
    board = client_for(staff).get("/review/2021/q2/")
    row = next(r for r in board.context["rows"] if r["commune"].slug == "ky-son")
    assert row["warnings"] >= 1
    late = next(r for r in board.context["rows"] if r["commune"].slug == "ky-khang")
    assert late["late"]


def test_review_board_queries_do_not_grow_with_communes(client_for, demo):
    """Province staff's board: one more district of 60 communes, the same queries."""
    from io import StringIO

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communes.models import Province, User
    from reports.scale import generate

    client = client_for(User.objects.create(
        username="province-staff", role="staff", province=Province.objects.get(slug="ha-tinh")))

    def count():
        with CaptureQueriesContext(connection) as context:
            response = client.get("/review/2021/q2/")
        assert response.status_code == 200
        return len(context.captured_queries), len(response.context["rows"])

    client.get("/review/2021/q2/")
    few, rows_few = count()
    generate(60, 2, name="Huyện bảng duyệt", province="Hà Tĩnh", stream=StringIO())
    many, rows_many = count()
    assert rows_many == rows_few + 60  # the board really lists the new communes
    assert many == few


def test_staff_home_lists_the_quarters_with_submissions_waiting(client_for, staff, demo):
    response = client_for(staff).get("/")
    assert "Đang chờ bạn duyệt" in response.text
    assert "Quý II/2021</a>: 12 báo cáo" in response.text


def test_every_control_is_named_with_its_row_and_numbers_get_the_number_keyboard(
        officer_client, open_period):
    import re

    response = page(officer_client, open_period)
    text = response.text
    indicators = entered_indicators(ky_anh())
    criteria = response.context["criteria_rows"]
    comments = re.findall(r'aria-label="Ghi chú – ([^"]+)"', text)
    assert sorted(comments) == sorted(i.name for i in indicators)
    evidence = re.findall(r"Minh chứng<span class=\"visually-hidden\"> – Tiêu chí (\d+) ", text)
    assert len(set(evidence)) == len(criteria)
    for row in criteria:
        c = row["criterion"]
        assert f'for="met-{c.pk}-0">chưa đạt<span class="visually-hidden"> – Tiêu chí {c.number} ' in text
    numeric = re.findall(r'<input class="form-control figure[^>]*>', text)
    assert numeric and all('inputmode="decimal"' in tag for tag in numeric)


def test_dates_accept_the_phone_number_pad():
    from ntm_portal.forms import VnDateField

    field = VnDateField()
    assert field.clean("01/02/2021") == field.clean("01022021") == field.clean("01.02.2021")
    assert 'inputmode="numeric"' in field.widget.render("d", None)
