"""The figures the reports app reads: seeded values, scope by communes, constant query counts."""

import datetime
from decimal import Decimal

from django.utils import timezone

from communes.models import Commune
from ocop import aggregates, lifecycle
from ocop.models import Product


def test_2021_candidates_by_target_star_match_the_seed_report(demo):
    assert aggregates.candidates_by_target_star(2021) == {3: 13, 4: 2}
    assert sum(aggregates.candidates_by_target_star(2021).values()) == 15


def test_2021_candidates_are_not_certified_in_the_demo(demo):
    assert aggregates.certified_count(2021) == 0
    assert aggregates.certified_count(2019) == 2  # Kỳ Thượng 3★, Kỳ Xuân 4★ (invented)


def test_products_by_star_counts_valid_certificates_only(demo):
    # End of 2021: the 2019 and 2020 certificates are all still valid.
    assert aggregates.products_by_star(datetime.date(2021, 12, 31)) == {3: 3, 4: 1}
    # Today: the two renewed ones (one of them close to expiry).
    assert aggregates.products_by_star(timezone.localdate()) == {3: 1, 4: 1}


def test_aggregates_restrict_to_communes(demo):
    giang = Commune.objects.filter(slug__in=["ky-giang", "ky-tay"])
    assert aggregates.candidates_by_target_star(2021, communes=giang) == {3: 1, 4: 1}
    xuan = Commune.objects.filter(slug="ky-xuan")
    assert aggregates.certified_count(2019, communes=xuan) == 1
    assert aggregates.products_by_star(datetime.date(2021, 12, 31), communes=xuan) == {4: 1}


def test_certified_count_counts_3_stars_or_more_once_per_product(demo, staff):
    products = list(Product.objects.filter(year=2021, stage="candidate").order_by("slug")[:3])
    for product, score in zip(products, ["49.99", "50", "95"]):
        lifecycle.register(product, staff)
        lifecycle.rate(product, staff, score=Decimal(score), level="district",
                       decision_number="T1", decision_date=datetime.date(2022, 3, 1))
    lifecycle.rate(products[2], staff, score=Decimal("96"), level="central",
                   decision_number="T2", decision_date=datetime.date(2022, 9, 1))
    assert aggregates.certified_count(2022) == 2


def test_aggregates_cost_one_query_each_whatever_the_communes(demo, django_assert_num_queries):
    communes = Commune.objects.all()
    with django_assert_num_queries(1):
        aggregates.products_by_star(datetime.date(2021, 12, 31), communes=communes)
    with django_assert_num_queries(1):
        aggregates.candidates_by_target_star(2021, communes=communes)
    with django_assert_num_queries(1):
        aggregates.certified_count(2019, communes=communes)
