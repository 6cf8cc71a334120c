"""OCOP figures for dashboards and reports: one query each, whatever the number of communes.

Each function accepts an optional ``communes`` queryset (or list of communes) to restrict to.
The reports app compares them with the year's targets; ocop knows nothing of targets.

Products entered before 6 July 2025 are counted exactly as before; those under Decision
1489/QĐ-TTg by their own path: a candidate of its year from the day the commune enters it,
certified while a province (or national) grading is valid, including the products proposed
to national level (``lifecycle.CERTIFIED_STATUSES``).
"""

import datetime

from django.db.models import Count

from .lifecycle import CERTIFIED_MIN_STARS
from .models import Product, Rating


def _in(queryset, communes, path="commune"):
    return queryset if communes is None else queryset.filter(**{f"{path}__in": communes})


def products_by_star(on_date, communes=None) -> dict[int, int]:
    """Products holding a valid certificate on ``on_date``, counted by stars: ``{4: 2, 3: 7}``."""
    products = _in(Product.objects.certified_on(on_date), communes)
    rows = products.values("cert_stars").annotate(n=Count("pk")).order_by("cert_stars")
    return {row["cert_stars"]: row["n"] for row in rows}


def candidates_by_target_star(year, communes=None) -> dict[int, int]:
    """Products that were candidates for ``year``, counted by target stars: ``{3: 13, 4: 2}``.

    A candidate keeps counting for its year after it has been registered or rated.
    """
    products = _in(Product.objects.filter(year=year), communes)
    rows = products.values("target_stars").annotate(n=Count("pk")).order_by("target_stars")
    return {row["target_stars"]: row["n"] for row in rows}


def certified_count(year, communes=None) -> int:
    """Products rated 3★ or more by a decision dated in ``year`` (each product counted once)."""
    ratings = _in(
        Rating.objects.filter(
            decision_date__gte=datetime.date(year, 1, 1),
            decision_date__lte=datetime.date(year, 12, 31),
            stars__gte=CERTIFIED_MIN_STARS,
        ),
        communes, "product__commune",
    )
    return ratings.values("product").distinct().count()
