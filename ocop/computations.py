"""OCOP counts offered to catalogue indicators (collected by ``communes.computations``).

Read from ``ocop.aggregates``: the year's candidates, the year's certificates, and the
products holding a valid certificate at the quarter's end by their stars. OCOP counts
are for the whole set of communes only (no per-commune column).
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from communes.computations import ComputationGroup
from ntm_portal import quarters

from . import aggregates

STARS = {f"ocop-products-{n}-stars": n for n in (3, 4, 5)}


def _figure(quarter, previous, ytd, cumulative):
    """The four columns of a figure, as ``communes.computations`` describes them."""
    return (quarter, previous, ytd, cumulative)


def _compute(period, communes, by_commune, keys):
    """``period``: a quarter, or any span of a year's quarters (its year, last quarter and
    dates: ``communes.computations``)."""
    if by_commune:
        return {}
    result = {}
    if "ocop-candidates" in keys:
        candidates = Decimal(sum(aggregates.candidates_by_target_star(period.year, communes)
                                 .values()))
        result["ocop-candidates"] = {None: _figure(candidates, None, candidates, candidates)}
    if "ocop-certified" in keys:
        # A flow whose per-quarter value is not kept: the year's count goes in the year
        # to date and cumulative columns, and in the span's only when the span asked
        # (its dates) is the whole year.
        certified = Decimal(aggregates.certified_count(period.year, communes) or 0)
        whole_year = (period.start_date == datetime.date(period.year, 1, 1)
                      and period.end_date == datetime.date(period.year, 12, 31))
        result["ocop-certified"] = {None: _figure(certified if whole_year else None, None,
                                                  certified, certified)}
    asked = [key for key in keys if key in STARS]
    if asked:
        now = aggregates.products_by_star(period.end_date, communes)
        year, quarter = quarters.previous(period.year, period.quarter)
        before = aggregates.products_by_star(quarters.end(year, quarter), communes)
        for key in asked:
            count, last = Decimal(now.get(STARS[key], 0)), Decimal(before.get(STARS[key], 0))
            result[key] = {None: _figure(count, last, count, count)}
    return result


def _trend(periods, communes, keys):
    """The quarter's value per period; at most eight quarters are shown on a page."""
    result = {key: [] for key in keys}
    for period in periods:
        figures = _compute(period, communes, False, keys)
        for key in keys:
            result[key].append(figures[key][None][0] if key in figures else None)
    return result


GROUPS = [
    ComputationGroup("ocop", {
        "ocop-candidates": _("OCOP candidate products of the year"),
        "ocop-certified": _("OCOP products certified in the year (3 stars or more)"),
        "ocop-products-3-stars": _("OCOP products holding 3 stars at the quarter's end"),
        "ocop-products-4-stars": _("OCOP products holding 4 stars at the quarter's end"),
        "ocop-products-5-stars": _("OCOP products holding 5 stars at the quarter's end"),
    }, _compute, _trend),
]
