from decimal import Decimal

import pytest
from django.utils import translation

from criteria.models import Indicator
from criteria.validation import check_number, warnings_for


@pytest.fixture
def houses(demo):
    return Indicator.objects.get(code="ntm-houses-renovated")


@pytest.fixture
def rate(demo):
    return Indicator.objects.get(code="gnbv-poor-rate")


def test_vietnamese_typing_is_accepted(houses, rate):
    assert check_number(houses, "4.054") == (Decimal("4054"), [])
    assert check_number(rate, "12,5") == (Decimal("12.5"), [])


def test_text_where_a_number_belongs_is_an_error_in_vietnamese(houses):
    with translation.override("vi"):
        value, errors = check_number(houses, "khoảng 40")
    assert value is None
    assert errors == ["“khoảng 40” không phải là số. Hãy gõ chữ số, ví dụ 4.054 hoặc 12,5."]


def test_negative_count_is_an_error(houses):
    with translation.override("vi"):
        _, errors = check_number(houses, "-3")
    assert errors == ["Giá trị không được âm."]


def test_rate_above_100_is_an_error(rate):
    with translation.override("vi"):
        _, errors = check_number(rate, "101")
    assert errors and "100" in errors[0]


def test_decimals_on_a_whole_number_is_an_error(houses):
    _, errors = check_number(houses, "12,5")
    assert errors


def test_three_times_the_recent_average_is_a_warning(houses):
    assert warnings_for(houses, Decimal("300"), [Decimal("100"), Decimal("90"), Decimal("110")])
    assert warnings_for(houses, Decimal("30"), [Decimal("100"), Decimal("90"), Decimal("110")])
    assert not warnings_for(houses, Decimal("200"), [Decimal("100"), Decimal("90"), Decimal("110")])
    assert not warnings_for(houses, Decimal("999"), [])


def test_a_cumulative_figure_that_goes_down_is_a_warning(demo):
    groups = Indicator.objects.get(code="dtvm-civilised-groups")
    assert groups.is_cumulative
    with translation.override("vi"):
        warnings = warnings_for(groups, Decimal("4"), [Decimal("5")])
    assert warnings == ["Số liệu lũy kế bị giảm (quý trước: 5)."]


def test_a_number_too_large_to_store_is_an_error(houses):
    value, errors = check_number(houses, "1.000.000.000.000")
    assert value is None and errors


def test_numbers_from_the_database_are_not_reread_as_vietnamese_text(demo, officer):
    from communes.models import Submission
    from criteria.validation import check_figures

    houses = Indicator.objects.get(code="ntm-houses-renovated")
    rate = Indicator.objects.get(code="gnbv-poor-rate")
    submission = Submission.objects.filter(commune__slug="ky-tay").first()
    checked = check_figures(submission, [houses, rate], {houses.pk: (Decimal("4054"), ""),
                                                         rate.pk: (Decimal("4.05"), "")})
    assert checked[houses.pk].value == 4054 and checked[rate.pk].value == Decimal("4.05")
    assert checked[rate.pk].raw == "4,05"


def test_a_comment_longer_than_the_column_is_an_error(demo):
    from communes.models import Submission
    from criteria.validation import check_figures

    houses = Indicator.objects.get(code="ntm-houses-renovated")
    submission = Submission.objects.filter(commune__slug="ky-tay").first()
    checked = check_figures(submission, [houses], {houses.pk: ("12", "x" * 501)})
    assert checked[houses.pk].errors
