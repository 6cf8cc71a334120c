"""The one adapter between the reports and the ``ocop`` app's figures.

``ocop.aggregates`` is built on another branch; it is imported lazily here, and when
the module or one of its functions is missing the figures are simply unavailable
(``OcopFigures.available`` is False) and pages say so. Nothing else in ``reports``
imports ``ocop``.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from criteria.aggregates import Figure

FUNCTIONS = ("products_by_star", "candidates_by_target_star", "certified_count")


@dataclass
class OcopFigures:
    available: bool = False
    products_by_star: dict = field(default_factory=dict)
    candidates_by_star: dict = field(default_factory=dict)
    certified: int | None = None

    @property
    def candidates(self):
        return sum(self.candidates_by_star.values()) if self.available else None

    @property
    def products(self):
        return sum(self.products_by_star.values()) if self.available else None


def _functions():
    try:
        module = import_module("ocop.aggregates")
        return {name: getattr(module, name) for name in FUNCTIONS}
    except (ImportError, AttributeError):
        return None


def is_available():
    return _functions() is not None


def ocop_figures(year, on_date, communes=None):
    """OCOP figures of ``year`` (products by star held on ``on_date``), or unavailable."""
    functions = _functions()
    if functions is None:
        return OcopFigures()
    return OcopFigures(
        available=True,
        products_by_star=dict(sorted(functions["products_by_star"](on_date, communes).items())),
        candidates_by_star=dict(sorted(
            functions["candidates_by_target_star"](year, communes).items())),
        certified=functions["certified_count"](year, communes),
    )


def catalogue_extra(ocop):
    """The OCOP catalogue indicators as ``figures(extra=...)`` wants them.

    ``ocop-candidates`` is the year's candidates (a stock); ``ocop-certified`` is a flow
    whose per-quarter value is not available, so the year's count goes in the year to
    date and cumulative columns only. Unavailable figures are left out, so the
    catalogue shows them empty.
    """
    if not ocop.available:
        return {}
    candidates = Decimal(ocop.candidates)
    certified = Decimal(ocop.certified or 0)
    return {
        "ocop-candidates": {None: Figure(candidates, None, candidates, candidates)},
        "ocop-certified": {None: Figure(None, None, certified, certified)},
    }
