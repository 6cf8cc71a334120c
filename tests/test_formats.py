from decimal import Decimal

import pytest
from django.utils import translation

from ntm_portal.formats import NumberParseError, format_number, parse_number, quarter_label, vn_slugify


@pytest.mark.parametrize(
    "typed, value",
    [("4054", "4054"), ("4.054", "4054"), ("4 054", "4054"), ("12,5", "12.5"),
     ("1.234,5", "1234.5"), ("12.5", "12.5"), ("0", "0"), ("-3", "-3"), ("1.000.000", "1000000"),
     (" 2.193 ", "2193")],
)
def test_parse_number_reads_vietnamese_typing(typed, value):
    assert parse_number(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["abc", "12a", "1,2,3", "1.2.3", "12,5.3"])
def test_parse_number_refuses_text(typed):
    with pytest.raises(NumberParseError):
        parse_number(typed)


def test_parse_number_blank_is_none():
    assert parse_number("  ") is None


@pytest.mark.parametrize(
    "value, text", [(4054, "4.054"), (Decimal("12.5"), "12,5"), (Decimal("1234567.25"), "1.234.567,25"),
                    (0, "0"), (None, "")],
)
def test_format_number_writes_vietnamese(value, text):
    assert format_number(value) == text


def test_format_then_parse_round_trips():
    for value in [Decimal("4054"), Decimal("12.5"), Decimal("73"), Decimal("1234.56")]:
        assert parse_number(format_number(value)) == value


@pytest.mark.parametrize(
    "name, slug", [("Kỳ Tây", "ky-tay"), ("Kỳ Đồng", "ky-dong"), ("Lâm Hợp", "lam-hop"), ("Kỳ Thượng", "ky-thuong")]
)
def test_vn_slugify_keeps_d(name, slug):
    assert vn_slugify(name) == slug


def test_quarter_label_is_vietnamese_by_default():
    with translation.override("vi"):
        assert quarter_label(2021, 1) == "Quý I/2021"
        assert quarter_label(2021, 4) == "Quý IV/2021"


def test_vietnamese_alphabetical_order():
    from ntm_portal.formats import vn_sort_key

    names = ["Kỳ Đồng", "Kỳ Trung", "Kỳ Tân", "Kỳ Bắc", "Kỳ Thượng", "Kỳ Tây", "Kỳ Thọ", "Kỳ Thư", "Kỳ Xuân", "Kỳ Châu"]
    assert sorted(names, key=vn_sort_key) == [
        "Kỳ Bắc", "Kỳ Châu", "Kỳ Đồng", "Kỳ Tân", "Kỳ Tây", "Kỳ Thọ", "Kỳ Thư", "Kỳ Thượng", "Kỳ Trung", "Kỳ Xuân"]


def test_quarter_arithmetic():
    import datetime

    from ntm_portal import quarters

    assert quarters.quarter_of(datetime.date(2021, 3, 31)) == (2021, 1)
    assert quarters.quarter_of(datetime.date(2021, 4, 1)) == (2021, 2)
    assert quarters.start(2021, 4) == datetime.date(2021, 10, 1)
    assert quarters.end(2021, 4) == datetime.date(2021, 12, 31)
    assert quarters.end(2024, 1) == datetime.date(2024, 3, 31)
    assert quarters.previous(2021, 1) == (2020, 4) and quarters.following(2021, 4) == (2022, 1)
