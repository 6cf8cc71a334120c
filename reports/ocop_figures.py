"""The OCOP figures the reports show (a quarter's page, a commune's block, the workbook),
read from ``ocop.aggregates`` in one place."""

from dataclasses import dataclass, field
from decimal import Decimal

from criteria.aggregates import Figure
from ocop import aggregates


@dataclass
class OcopFigures:
    products_by_star: dict = field(default_factory=dict)
    candidates_by_star: dict = field(default_factory=dict)
    certified: int = 0

    @property
    def candidates(self):
        return sum(self.candidates_by_star.values())

    @property
    def products(self):
        return sum(self.products_by_star.values())


def ocop_figures(year, on_date, communes=None):
    """OCOP figures of ``year``: products by star held on ``on_date``, candidates by the
    stars aimed for, certificates of the year."""
    return OcopFigures(
        products_by_star=dict(sorted(aggregates.products_by_star(on_date, communes).items())),
        candidates_by_star=dict(sorted(
            aggregates.candidates_by_target_star(year, communes).items())),
        certified=aggregates.certified_count(year, communes),
    )


def year_ago_counts(year, communes=None):
    """(candidates, certificates) of ``year``: the year-ago side of a year's OCOP figures
    (two queries)."""
    candidates = sum(aggregates.candidates_by_target_star(year, communes).values())
    return candidates, aggregates.certified_count(year, communes)


def catalogue_extra(ocop, span=None, year_ago=None):
    """The OCOP catalogue indicators as ``figures(extra=...)`` wants them.

    ``ocop-candidates`` is the year's candidates (a stock); ``ocop-certified`` is a flow
    whose per-quarter value is not kept, so the year's count goes in the year to date
    and cumulative columns, and in the span's column only when the span is the whole
    year. ``year_ago``: ``year_ago_counts`` of the year before, for "cùng kỳ năm trước".
    """
    candidates = Decimal(ocop.candidates)
    certified = Decimal(ocop.certified or 0)
    whole_year = span is not None and span.first == 1 and span.last == 4
    ago_candidates = ago_certified = None
    if year_ago is not None:
        ago_candidates = Decimal(year_ago[0])
        ago_certified = Decimal(year_ago[1] or 0) if whole_year else None
    return {
        "ocop-candidates": {None: Figure(candidates, None, candidates, candidates,
                                         ago_candidates)},
        "ocop-certified": {None: Figure(certified if whole_year else None, None, certified,
                                        certified, ago_certified)},
    }
