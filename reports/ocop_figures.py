"""The OCOP figures the reports show (a quarter's page, a commune's block, the workbook),
read from ``ocop.aggregates`` in one place."""

from dataclasses import dataclass, field
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
