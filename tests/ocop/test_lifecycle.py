"""The OCOP rules: score → stars by the bands in force, certificate expiry, status, who may edit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ocop import lifecycle
from ocop.choices import Stage, Status
from ocop.models import Product, Rating, StarBand

DAY = datetime.date(2022, 5, 10)


@pytest.mark.parametrize("score, stars", [
    ("0", 1), ("29.99", 1), ("30", 2), ("49.99", 2), ("50", 3), ("69.99", 3), ("70", 4),
    ("72", 4), ("89.99", 4), ("90", 5), ("100", 5),
])
def test_stars_follow_the_1048_bands_at_their_boundaries(demo, score, stars):
    assert lifecycle.stars_for(Decimal(score), DAY) == stars


def test_bands_are_data_a_new_band_changes_stars_from_its_date(demo):
    StarBand.objects.filter(basis="1048/QĐ-TTg").update(valid_to=datetime.date(2023, 2, 23))
    StarBand.objects.create(stars=4, min_score=75, valid_from=datetime.date(2023, 2, 24), basis="test")
    StarBand.objects.create(stars=3, min_score=0, valid_from=datetime.date(2023, 2, 24), basis="test")
    assert lifecycle.stars_for(72, datetime.date(2023, 2, 23)) == 4
    assert lifecycle.stars_for(72, datetime.date(2023, 2, 24)) == 3


def test_no_band_in_force_is_an_error_not_a_guess(demo):
    StarBand.objects.update(valid_to=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        lifecycle.stars_for(80, DAY)


@pytest.mark.parametrize("decision, until", [
    (datetime.date(2021, 6, 15), datetime.date(2024, 6, 15)),
    (datetime.date(2020, 2, 29), datetime.date(2023, 2, 28)),
    (datetime.date(2021, 12, 31), datetime.date(2024, 12, 31)),
])
def test_certificate_is_valid_36_months(decision, until):
    assert lifecycle.certificate_valid_until(decision) == until


def test_status_is_one_rule_for_display_and_filtering(demo):
    """The list's status filter and the status shown agree for every product, any day."""
    from ocop.choices import CertifyingLevel, Procedure

    # A product under Decision 1489 graded 92 by the province: proposed to national level.
    national = Product.objects.get(slug="mien-dong-ky-lac")
    assert national.procedure == Procedure.TWO_TIER
    Rating.objects.create(product=national, score=Decimal("92"), level=CertifyingLevel.PROVINCE,
                          decision_number="1/QĐ-UBND", decision_date=DAY)
    # And one proposed to the province, not graded yet.
    Product.objects.filter(slug="tra-hoa-vang-ky-thuong").update(stage=Stage.PROPOSED)
    seen = set()
    for day in [datetime.date(2019, 1, 1), datetime.date(2021, 3, 31), DAY,
                datetime.date(2030, 1, 1)]:
        shown = {p.pk: p.status(day) for p in Product.objects.with_certificate(day)}
        for status in Status:
            filtered = set(Product.objects.with_certificate(day).filter(cert_status=status)
                           .values_list("pk", flat=True))
            assert filtered == {pk for pk, s in shown.items() if s == status}, (day, status)
        assert all(Product.objects.get(pk=pk).status(day) == s for pk, s in shown.items())
        seen |= set(shown.values())
    assert seen == set(Status)  # every status occurred: the comparison means something


@pytest.fixture
def candidate(ky_tay):
    return Product.objects.get(slug="bot-nghe-ky-tay")


def test_rating_a_product_gives_stars_and_expiry_and_rerating_renews(candidate, staff):
    lifecycle.register(candidate, staff, datetime.date(2021, 6, 1))
    first = lifecycle.rate(candidate, staff, score=Decimal("72"), level="province",
                           decision_number="1/QĐ", decision_date=datetime.date(2021, 7, 1))
    assert (first.stars, first.valid_until) == (4, datetime.date(2024, 7, 1))
    candidate.refresh_from_db()
    assert candidate.stage == Stage.RATED
    assert candidate.status(datetime.date(2024, 7, 1)) == Status.CERTIFIED
    assert Product.objects.get(pk=candidate.pk).status(datetime.date(2024, 7, 2)) == Status.EXPIRED
    lifecycle.rate(candidate, staff, score=Decimal("69.99"), level="district",
                   decision_number="2/QĐ", decision_date=datetime.date(2024, 8, 1))
    renewed = Product.objects.with_certificate(datetime.date(2025, 1, 1)).get(pk=candidate.pk)
    assert (renewed.cert_stars, renewed.cert_valid_until) == (3, datetime.date(2027, 8, 1))
    assert renewed.status(datetime.date(2025, 1, 1)) == Status.CERTIFIED
    assert candidate.history.count() >= 3  # proposed (seeded), registered, rated


@pytest.mark.parametrize("score, decision_date, field", [
    (Decimal("100.5"), datetime.date(2021, 7, 1), "score"),
    (Decimal("-1"), datetime.date(2021, 7, 1), "score"),
    (Decimal("80"), datetime.date(2099, 1, 1), "decision_date"),
])
def test_bad_ratings_are_refused_by_field(demo, score, decision_date, field):
    with pytest.raises(ValidationError) as error:
        lifecycle.validate_rating(score, decision_date)
    assert field in error.value.message_dict


def test_officer_edits_own_candidate_only(candidate, officer, other_officer, staff, committee, sponsor):
    assert lifecycle.can_edit(officer, candidate)
    assert lifecycle.can_edit(staff, candidate)
    for user in (other_officer, committee, sponsor):
        assert not lifecycle.can_edit(user, candidate)
    lifecycle.register(candidate, staff)
    with pytest.raises(PermissionDenied, match="không còn là sản phẩm tiềm năng"):
        lifecycle.check_edit(officer, candidate)
    assert lifecycle.can_edit(staff, candidate)


def test_only_staff_register_and_rate_in_order(candidate, officer, staff):
    with pytest.raises(PermissionDenied):
        lifecycle.check_register(officer, candidate)
    with pytest.raises(PermissionDenied, match="phải được đăng ký đánh giá trước"):
        lifecycle.check_rate(staff, candidate)
    lifecycle.register(candidate, staff)
    with pytest.raises(PermissionDenied, match="đã được đăng ký đánh giá"):
        lifecycle.check_register(staff, candidate)
    with pytest.raises(PermissionDenied):
        lifecycle.check_rate(officer, candidate)
    lifecycle.check_rate(staff, candidate)


def test_a_rating_saved_in_the_back_office_derives_stars_too(candidate, staff):
    rating = Rating.objects.create(product=candidate, score=Decimal("90"), level="central",
                                   decision_number="X", decision_date=datetime.date(2021, 1, 2))
    assert (rating.stars, rating.valid_until) == (5, datetime.date(2024, 1, 2))
